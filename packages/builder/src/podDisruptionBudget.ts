/** Builds a PodDisruptionBudget with exactly one budget and a checked selector. */
import type { V1LabelSelector, V1PodDisruptionBudget, V1PodDisruptionBudgetSpec } from '@kubernetes/client-node';
import { BuilderValidationError } from './errors.js';
import { checkLabelSelector } from './internal/labelSelector.js';
import { checkIntOrPercent } from './internal/numbers.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A PodDisruptionBudget as {@link buildPodDisruptionBudget} returns it. */
export type BuiltPodDisruptionBudget = Built<V1PodDisruptionBudget, 'policy/v1', 'PodDisruptionBudget'> & {
  spec: V1PodDisruptionBudgetSpec;
};

/** Options of {@link buildPodDisruptionBudget}: give exactly one of `minAvailable` and `maxUnavailable`. */
export interface PodDisruptionBudgetOptions extends ObjectMetaOptions {
  /** The pods the budget protects, usually a workload's selector: `{ matchLabels: selectorLabels }`. */
  readonly selector: V1LabelSelector;
  /**
   * Pods that must stay available during a voluntary disruption: a count or a percentage such as `"50%"`.
   * @default undefined (then `maxUnavailable` is required)
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be unavailable during a voluntary disruption: a count or a percentage.
   * @default undefined (then `minAvailable` is required)
   */
  readonly maxUnavailable?: number | string;
  /**
   * `IfHealthyBudget` or `AlwaysAllow`: whether running but unready pods may be evicted regardless of the budget.
   * @default undefined (the API server's default, `IfHealthyBudget`)
   */
  readonly unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/**
 * Builds a `policy/v1` PodDisruptionBudget.
 * @throws BuilderValidationError for an invalid name, namespace, labels or selector; when both or neither of
 * `minAvailable` and `maxUnavailable` are given (rules `conflict`, `required`); or for a negative count or a
 * percentage outside 0%–100%.
 */
export function buildPodDisruptionBudget(options: PodDisruptionBudgetOptions): BuiltPodDisruptionBudget {
  const metadata = buildObjectMeta(options, 'PodDisruptionBudget', validateDns1123Subdomain);
  const selector = checkLabelSelector(options.selector ?? {}, 'PodDisruptionBudget selector');
  const { minAvailable, maxUnavailable, unhealthyPodEvictionPolicy } = options;
  if (minAvailable !== undefined && maxUnavailable !== undefined) {
    const detail = 'give minAvailable or maxUnavailable, not both';
    throw new BuilderValidationError('PodDisruptionBudget', 'conflict', { minAvailable, maxUnavailable }, detail);
  }
  if (minAvailable === undefined && maxUnavailable === undefined) {
    const detail = 'a budget needs minAvailable or maxUnavailable';
    throw new BuilderValidationError('PodDisruptionBudget minAvailable', 'required', undefined, detail);
  }
  const spec: V1PodDisruptionBudgetSpec = {
    selector,
    ...(minAvailable !== undefined && {
      minAvailable: checkIntOrPercent(minAvailable, 'PodDisruptionBudget minAvailable'),
    }),
    ...(maxUnavailable !== undefined && {
      maxUnavailable: checkIntOrPercent(maxUnavailable, 'PodDisruptionBudget maxUnavailable'),
    }),
    ...(unhealthyPodEvictionPolicy !== undefined && { unhealthyPodEvictionPolicy }),
  };
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec };
}
