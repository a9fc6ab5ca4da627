/** The names a scaffolded operator derives from its kind, group and version, and the rules each input must meet. */

/** Every name the templates use, derived from the three inputs the user gives. */
export interface OperatorNames {
  /** The kind, PascalCase: `CacheCluster`. */
  readonly kind: string;
  /** The kind as a TypeScript value name and file name: `cacheCluster`. */
  readonly camel: string;
  /** The kind in lower case, as Kubernetes' singular name and label values: `cachecluster`. */
  readonly lower: string;
  /** The resource name (`kubectl get cacheclusters`), as controller-gen pluralizes: `cacheclusters`. */
  readonly plural: string;
  /** The short name, the kind's capital letters in lower case: `cc`. */
  readonly shortName: string;
  /** The API group, a DNS subdomain: `cache.example.org`. */
  readonly group: string;
  /** The API version: `v1`. */
  readonly version: string;
  /** The operator's name (ClusterRole, ServiceAccount, manager, chart): `cachecluster-operator`. */
  readonly operator: string;
}

/** The kind: PascalCase ASCII letters and digits, starting with a capital letter (as Kubernetes kinds are). */
const kindPattern = /^[A-Z][a-zA-Z0-9]{0,62}$/;
/** One DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Kubernetes API version: v1, v2beta1, v1alpha3. */
const versionPattern = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

/** Why `kind` is not a Kubernetes kind, or undefined when it is one. */
export function kindProblem(kind: string): string | undefined {
  if (kindPattern.test(kind)) return undefined;
  return 'must be PascalCase: a capital letter, then letters and digits (at most 63), e.g. CacheCluster';
}

/** Why `group` is not an API group of a custom resource, or undefined when it is one. */
export function groupProblem(group: string): string | undefined {
  if (group.length > 253) return 'must be at most 253 characters';
  const labels = group.split('.');
  if (!labels.every((label) => dnsLabel.test(label))) {
    return 'must be a DNS subdomain: lower-case labels of letters, digits and "-" joined by ".", e.g. cache.example.org';
  }
  // The API server refuses a CRD whose group has no dot ("should be a domain with at least one dot").
  if (labels.length < 2) return 'must contain at least one dot (a domain you own), e.g. cache.example.org';
  return undefined;
}

/** Why `version` is not a Kubernetes API version, or undefined when it is one. */
export function versionProblem(version: string): string | undefined {
  if (versionPattern.test(version)) return undefined;
  return 'must be a Kubernetes API version such as v1, v1beta1 or v2alpha1';
}

/** The plural of a lower-case kind, by the rules controller-gen applies (`policy` → `policies`, `box` → `boxes`). */
export function pluralOf(lower: string): string {
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** Derives every name from a valid kind, group and version (check them with the `...Problem` functions first). */
export function operatorNames(kind: string, group: string, version: string): OperatorNames {
  const lower = kind.toLowerCase();
  return {
    kind,
    camel: kind.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (head) => head.toLowerCase()),
    lower,
    plural: pluralOf(lower),
    shortName: kind.replace(/[^A-Z]/g, '').toLowerCase(),
    group,
    version,
    operator: `${lower}-operator`,
  };
}
