/** Kubernetes name, label and annotation rules, checked up front with errors that name the field and the value. */
import { BuilderValidationError, type BuilderValidationRule } from './errors.js';
import type { Labels } from './types.js';

/** The length limits the validators enforce, in characters. */
export const nameLimits = Object.freeze({
  /** A DNS-1123 (or DNS-1035) label: namespaces, Service names, container, volume and port names. */
  dns1123Label: 63,
  /** A DNS-1123 subdomain: the names of most objects, and label-key prefixes. */
  dns1123Subdomain: 253,
  /** A label value, and the name part of a label or annotation key. */
  labelValue: 63,
  /** A StatefulSet name: leaves room for the `-<10 characters>` of the `controller-revision-hash` label value. */
  statefulSetName: 52,
  /** All annotation keys and values of one object together, in bytes. */
  annotationsBytes: 256 * 1024,
});

const dns1123LabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035LabelPattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedNamePattern = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const labelChars = 'lower-case letters, digits and "-", starting and ending with a letter or digit';
const qualifiedChars = 'letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

/** Checks the common shape of a string name: a string, not empty, not too long, matching `pattern`. */
function checkName(
  value: unknown,
  field: string,
  rule: BuilderValidationRule,
  limit: number,
  pattern: RegExp,
  chars: string,
): string {
  if (typeof value !== 'string') throw new BuilderValidationError(field, rule, value, 'must be a string');
  if (value.length === 0) throw new BuilderValidationError(field, rule, value, 'must not be empty');
  if (value.length > limit) {
    throw new BuilderValidationError(field, rule, value, `must be at most ${limit} characters, it has ${value.length}`);
  }
  if (!pattern.test(value)) throw new BuilderValidationError(field, rule, value, `must consist of ${chars}`);
  return value;
}

/**
 * Checks a DNS-1123 label (at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric) and returns it.
 * @param field - names the value in the error, e.g. `Namespace` or `volumes[0].name`.
 * @throws BuilderValidationError with rule `dns1123Label`.
 */
export function validateDns1123Label(value: string, field: string): string {
  return checkName(value, field, 'dns1123Label', nameLimits.dns1123Label, dns1123LabelPattern, labelChars);
}

/**
 * Checks a DNS-1035 label (a DNS-1123 label that starts with a letter), the rule for Service names, and returns it.
 * @throws BuilderValidationError with rule `dns1035Label`.
 */
export function validateDns1035Label(value: string, field: string): string {
  const chars = 'lower-case letters, digits and "-", starting with a letter and ending with a letter or digit';
  return checkName(value, field, 'dns1035Label', nameLimits.dns1123Label, dns1035LabelPattern, chars);
}

/**
 * Checks a DNS-1123 subdomain (at most 253 characters; dot-separated DNS-1123 labels) and returns it.
 * @throws BuilderValidationError with rule `dns1123Subdomain`.
 */
export function validateDns1123Subdomain(value: string, field: string): string {
  const chars = `dot-separated parts of ${labelChars}`;
  return checkName(value, field, 'dns1123Subdomain', nameLimits.dns1123Subdomain, dns1123SubdomainPattern, chars);
}

/**
 * Checks a StatefulSet name and returns it: a DNS-1123 label of at most 52 characters. The StatefulSet controller
 * labels every pod with `controller-revision-hash: <name>-<10 characters>`, and a label value may not exceed 63
 * characters, so a longer name yields a StatefulSet whose pods can never be created.
 * @throws BuilderValidationError with rule `statefulSetName`.
 */
export function validateStatefulSetName(value: string, field: string): string {
  validateDns1123Label(value, field);
  if (value.length > nameLimits.statefulSetName) {
    throw new BuilderValidationError(
      field,
      'statefulSetName',
      value,
      `must be at most ${nameLimits.statefulSetName} characters, it has ${value.length}; the StatefulSet controller ` +
        'labels each pod with controller-revision-hash=<name>-<10 characters>, and label values are limited to 63',
    );
  }
  return value;
}

/**
 * Checks a qualified name (`[prefix/]name`, the shape of label and annotation keys) and returns it.
 * @throws BuilderValidationError with rule `labelKey` or `annotationKey`.
 */
function checkQualifiedName(key: unknown, field: string, rule: 'labelKey' | 'annotationKey'): string {
  if (typeof key !== 'string') throw new BuilderValidationError(field, rule, key, 'must be a string');
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    const prefixOk = prefix.length <= nameLimits.dns1123Subdomain && dns1123SubdomainPattern.test(prefix);
    if (!prefixOk) {
      const detail = `the prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain (at most 253 characters)`;
      throw new BuilderValidationError(field, rule, key, detail);
    }
  }
  if (name.length === 0) throw new BuilderValidationError(field, rule, key, 'the name part must not be empty');
  if (name.length > nameLimits.labelValue) {
    const detail = `the name part must be at most ${nameLimits.labelValue} characters, it has ${name.length}`;
    throw new BuilderValidationError(field, rule, key, detail);
  }
  if (!qualifiedNamePattern.test(name)) {
    throw new BuilderValidationError(field, rule, key, `the name part must consist of ${qualifiedChars}`);
  }
  return key;
}

/**
 * Checks a label key (`[prefix/]name`: an optional DNS-1123 subdomain prefix and a name of at most 63 characters).
 * @throws BuilderValidationError with rule `labelKey`.
 */
export function validateLabelKey(key: string, field: string): string {
  return checkQualifiedName(key, field, 'labelKey');
}

/**
 * Checks a label value (empty, or at most 63 characters of `[A-Za-z0-9-_.]` starting and ending alphanumeric).
 * @throws BuilderValidationError with rule `labelValue`.
 */
export function validateLabelValue(value: string, field: string): string {
  if (value === '') return value;
  return checkName(value, field, 'labelValue', nameLimits.labelValue, qualifiedNamePattern, qualifiedChars);
}

/**
 * Checks every key and value of a label map and returns a copy of it (`{}` for `undefined`).
 * @param field - the path of the map in errors. Defaults to `metadata.labels`.
 * @throws BuilderValidationError naming `<field> key` (rule `labelKey`) or `<field>["<key>"]` (rule `labelValue`).
 */
export function validateLabels(labels: Readonly<Labels> | undefined, field = 'metadata.labels'): Labels {
  const copy: Labels = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    validateLabelKey(key, `${field} key`);
    copy[key] = validateLabelValue(value, `${field}[${JSON.stringify(key)}]`);
  }
  return copy;
}

/**
 * Checks every key of an annotation map (values are free text; all keys and values together at most 256 KiB) and
 * returns a copy of it (`{}` for `undefined`).
 * @param field - the path of the map in errors. Defaults to `metadata.annotations`.
 * @throws BuilderValidationError with rule `annotationKey`, or `size`, or `required` for a non-string value.
 */
export function validateAnnotations(annotations: Readonly<Labels> | undefined, field = 'metadata.annotations'): Labels {
  const copy: Labels = {};
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    checkQualifiedName(key, `${field} key`, 'annotationKey');
    if (typeof value !== 'string') {
      throw new BuilderValidationError(`${field}[${JSON.stringify(key)}]`, 'required', value, 'must be a string');
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    copy[key] = value;
  }
  if (bytes > nameLimits.annotationsBytes) {
    const detail = `all keys and values together must be at most ${nameLimits.annotationsBytes} bytes, they have ${bytes}`;
    throw new BuilderValidationError(field, 'size', Object.keys(copy), detail);
  }
  return copy;
}
