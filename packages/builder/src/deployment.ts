/** Builds a Deployment whose selector and pod template are checked against each other. */
import type { V1Deployment, V1DeploymentSpec, V1DeploymentStrategy, V1PodTemplateSpec } from '@kubernetes/client-node';
import { checkInteger } from './internal/numbers.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import { checkPodTemplate, checkSelectorLabels } from './internal/podTemplate.js';
import type { Built, Labels, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A Deployment as {@link buildDeployment} returns it. */
export type BuiltDeployment = Built<V1Deployment, 'apps/v1', 'Deployment'> & { spec: V1DeploymentSpec };

/** Options of {@link buildDeployment}. The name is a DNS-1123 subdomain. */
export interface DeploymentOptions extends ObjectMetaOptions {
  /**
   * The labels that select this Deployment's pods (`spec.selector.matchLabels`); they are added to the pod template.
   * Not empty, immutable once the Deployment exists, and distinct from every other workload's selector.
   */
  readonly selectorLabels: Readonly<Labels>;
  /** The pod template; its labels may add to the selector labels but not contradict them. */
  readonly template: V1PodTemplateSpec;
  /**
   * The number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How pods are replaced on a template change (`RollingUpdate` or `Recreate`).
   * @default undefined (the API server's default, `RollingUpdate` with 25% surge and unavailability)
   */
  readonly strategy?: V1DeploymentStrategy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default undefined (the API server's default, 0)
   */
  readonly minReadySeconds?: number;
  /**
   * How many old ReplicaSets to keep.
   * @default undefined (the API server's default, 10)
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Seconds without progress before the rollout is reported as failed (`Progressing=False`).
   * @default undefined (the API server's default, 600)
   */
  readonly progressDeadlineSeconds?: number;
}

/**
 * Builds an `apps/v1` Deployment. The pod template gets every selector label.
 * @throws BuilderValidationError for an invalid name, namespace, labels, selector, pod template (containers,
 * volumes, mounts, ports) or a negative count.
 */
export function buildDeployment(options: DeploymentOptions): BuiltDeployment {
  const metadata = buildObjectMeta(options, 'Deployment', validateDns1123Subdomain);
  const selectorLabels = checkSelectorLabels(options.selectorLabels, 'Deployment selectorLabels');
  const template = checkPodTemplate(options.template, { field: 'Deployment template', selectorLabels });
  const { strategy, minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds } = options;
  const spec: V1DeploymentSpec = {
    replicas: checkInteger(options.replicas ?? 1, 'Deployment replicas', 0),
    selector: { matchLabels: selectorLabels },
    template,
    ...(strategy !== undefined && { strategy: structuredClone(strategy) }),
    ...(minReadySeconds !== undefined && {
      minReadySeconds: checkInteger(minReadySeconds, 'Deployment minReadySeconds', 0),
    }),
    ...(revisionHistoryLimit !== undefined && {
      revisionHistoryLimit: checkInteger(revisionHistoryLimit, 'Deployment revisionHistoryLimit', 0),
    }),
    ...(progressDeadlineSeconds !== undefined && {
      progressDeadlineSeconds: checkInteger(progressDeadlineSeconds, 'Deployment progressDeadlineSeconds', 1),
    }),
  };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
}
