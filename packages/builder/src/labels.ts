/** The `app.kubernetes.io/*` recommended labels, and the rule for merging a caller's labels into ours. */
import { BuilderValidationError } from './errors.js';
import type { Labels } from './types.js';
import { validateLabels } from './validation.js';

/** The keys of the Kubernetes recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */
export const recommendedLabelKeys = Object.freeze({
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const);

/** Options of {@link recommendedLabels}; each field becomes one `app.kubernetes.io/*` label. */
export interface RecommendedLabelsOptions {
  /** The application, e.g. `pinot` → `app.kubernetes.io/name`. */
  readonly name: string;
  /** This instance of it, usually the custom resource's name → `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** The tool that manages it, usually the operator's name → `app.kubernetes.io/managed-by`. */
  readonly managedBy: string;
  /**
   * The role within the application, e.g. `broker` → `app.kubernetes.io/component`.
   * @default undefined (no label)
   */
  readonly component?: string;
  /**
   * The higher-level application this one is part of → `app.kubernetes.io/part-of`.
   * @default undefined (no label)
   */
  readonly partOf?: string;
  /**
   * The application's version → `app.kubernetes.io/version`. It changes on upgrades, so never put it in a selector.
   * Note that `+` (as in `1.2.3+build`) is not allowed in a label value.
   * @default undefined (no label)
   */
  readonly version?: string;
}

/**
 * Returns the `app.kubernetes.io/*` labels for `options`, leaving out the optional ones not given.
 * @throws BuilderValidationError when a value is not a valid label value (the field names the label key).
 */
export function recommendedLabels(options: RecommendedLabelsOptions): Labels {
  const labels: Labels = {
    [recommendedLabelKeys.name]: options.name,
    [recommendedLabelKeys.instance]: options.instance,
  };
  if (options.version !== undefined) labels[recommendedLabelKeys.version] = options.version;
  if (options.component !== undefined) labels[recommendedLabelKeys.component] = options.component;
  if (options.partOf !== undefined) labels[recommendedLabelKeys.partOf] = options.partOf;
  labels[recommendedLabelKeys.managedBy] = options.managedBy;
  return validateLabels(labels, 'recommendedLabels');
}

/** Options of {@link mergeLabels}. */
export interface MergeLabelsOptions {
  /**
   * Keys the caller may not change, in addition to `app.kubernetes.io/managed-by`, which is always protected. Pass
   * the selector labels here: a selector is immutable, and a changed selector label would orphan the pods.
   * @default []
   */
  readonly protectedKeys?: readonly string[];
  /**
   * The path of the caller's map in errors, e.g. `k8sConfig.podMetadata.labels`.
   * @default 'labels'
   */
  readonly field?: string;
}

/**
 * Merges the caller's labels (`theirs`) into the builder's own (`ours`) and returns a new map.
 *
 * The rule: every label of both maps is kept. Where both set a key to different values, the caller's value wins,
 * except for a protected key (`app.kubernetes.io/managed-by` and `options.protectedKeys`), where the conflict is an
 * error rather than a silent choice. A caller may repeat a protected label with the same value, and may set a
 * protected key that `ours` does not set.
 *
 * @throws BuilderValidationError with rule `protectedLabel` on a protected conflict, or a label rule for an invalid
 * key or value in either map.
 */
export function mergeLabels(
  ours: Readonly<Labels>,
  theirs: Readonly<Labels> | undefined,
  options: MergeLabelsOptions = {},
): Labels {
  const { protectedKeys = [], field = 'labels' } = options;
  const merged = validateLabels(ours, 'labels');
  const protectedSet = new Set([recommendedLabelKeys.managedBy, ...protectedKeys]);
  for (const [key, value] of Object.entries(validateLabels(theirs, field))) {
    const own = merged[key];
    if (own !== undefined && own !== value && protectedSet.has(key)) {
      throw new BuilderValidationError(
        `${field}[${JSON.stringify(key)}]`,
        'protectedLabel',
        value,
        `the label ${key} is set by the builder to ${JSON.stringify(own)} and may not be changed`,
      );
    }
    merged[key] = value;
  }
  return merged;
}
