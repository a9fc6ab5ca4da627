/** The error every builder throws for input it refuses, naming the field and the rule, never the value. */

/**
 * Which rule a value broke. Each rule is documented in the README's *Errors* section.
 *
 * - `dns1123Label`: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
 * - `dns1035Label`: as `dns1123Label`, but starting with a letter (Service names).
 * - `dns1123Subdomain`: at most 253 characters, dot-separated DNS-1123 labels.
 * - `statefulSetName`: a DNS-1123 label of at most 52 characters.
 * - `portName`: a container port name (or named target port) that is not an IANA service name (1 to 15 of
 *   `[a-z0-9-]` with at least one letter).
 * - `labelKey` / `annotationKey`: `[prefix/]name` with a DNS-1123 subdomain prefix and a 63-character name.
 * - `labelValue`: at most 63 characters of `[A-Za-z0-9-_.]`, starting and ending alphanumeric, or empty.
 * - `size`: a map over its size limit (all annotations of an object: 256 KiB; a ConfigMap's or Secret's data: 1 MiB).
 * - `configKey`: a ConfigMap or Secret data key outside `[-._a-zA-Z0-9]+` (at most 253 characters).
 * - `base64`: a Secret `data` value that is not base64.
 * - `required`: a required value is missing or empty.
 * - `range`: a number outside its allowed range (replicas, ports, ...).
 * - `unique`: a name given twice where names must be distinct (volumes, ports, claim templates, data keys).
 * - `reference`: a name that refers to nothing (a volume mount naming no volume).
 * - `protectedLabel`: a caller label or annotation that would overwrite one the builder owns.
 * - `selector`: a selector that does not match the pod template's labels, or is empty.
 * - `kind`: a node kind other than `StatefulSet`, `Statefulset` or `Deployment`, or a config object that is neither
 *   a ConfigMap nor a Secret.
 * - `enum`: a value outside its fixed set (policy types, selector operators).
 * - `conflict`: options that cannot be used together.
 * - `structural`: a JSON Schema construct a CustomResourceDefinition's structural schema cannot express (an
 *   unresolvable or cyclic `$ref`, a union of different shapes, a node without a type).
 */
export type BuilderValidationRule =
  | 'dns1123Label'
  | 'dns1035Label'
  | 'dns1123Subdomain'
  | 'statefulSetName'
  | 'portName'
  | 'labelKey'
  | 'labelValue'
  | 'annotationKey'
  | 'size'
  | 'configKey'
  | 'base64'
  | 'required'
  | 'range'
  | 'unique'
  | 'reference'
  | 'protectedLabel'
  | 'selector'
  | 'kind'
  | 'enum'
  | 'conflict'
  | 'structural';

/**
 * Thrown when a builder refuses its input. The message names the field and the rule, never the value: the value may
 * be a secret (a Secret's data, a password in a config), and a message goes to logs, Events and status conditions.
 * For example `StatefulSet name is invalid (statefulSetName): must be at most 52 characters, it has 60; …`.
 */
export class BuilderValidationError extends Error {
  override readonly name = 'BuilderValidationError';
  /** Where the value came from: a field path such as `StatefulSet name` or `metadata.labels["app"]`. */
  readonly field: string;
  /** The rule the value broke. */
  readonly rule: BuilderValidationRule;
  /**
   * The offending value, as given, for code that handles the error. Not enumerable, so loggers that copy an error's
   * own properties (pino's `err` serializer) and `JSON.stringify` leave it out.
   */
  declare readonly value: unknown;
  /** What the rule requires and how the value misses it (the end of the message). */
  readonly detail: string;

  /** Builds the error; `detail` says what the rule requires and how the value misses it, without quoting it. */
  constructor(field: string, rule: BuilderValidationRule, value: unknown, detail: string, options?: ErrorOptions) {
    super(`${field} is invalid (${rule}): ${detail}`, options);
    this.field = field;
    this.rule = rule;
    Object.defineProperty(this, 'value', { value, enumerable: false, writable: false, configurable: false });
    this.detail = detail;
  }
}

/** True when `err` is a {@link BuilderValidationError} (also across duplicated copies of this package). */
export function isBuilderValidationError(err: unknown): err is BuilderValidationError {
  return (
    err instanceof BuilderValidationError ||
    (err instanceof Error && err.name === 'BuilderValidationError' && 'rule' in err && 'field' in err)
  );
}
