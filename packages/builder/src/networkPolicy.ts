/** Builds a NetworkPolicy with a checked pod selector. */
import type {
  V1LabelSelector,
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicySpec,
} from '@kubernetes/client-node';
import { BuilderValidationError } from './errors.js';
import { checkLabelSelector } from './internal/labelSelector.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A NetworkPolicy as {@link buildNetworkPolicy} returns it. */
export type BuiltNetworkPolicy = Built<V1NetworkPolicy, 'networking.k8s.io/v1', 'NetworkPolicy'> & {
  spec: V1NetworkPolicySpec;
};

/** Options of {@link buildNetworkPolicy}. The name is a DNS-1123 subdomain. */
export interface NetworkPolicyOptions extends ObjectMetaOptions {
  /** The pods the policy applies to. Required, so that `{}` (every pod of the namespace) is always a choice. */
  readonly podSelector: V1LabelSelector;
  /**
   * Allowed incoming traffic. An empty list with `Ingress` among the policy types denies all ingress.
   * @default undefined (no ingress rules)
   */
  readonly ingress?: readonly V1NetworkPolicyIngressRule[];
  /**
   * Allowed outgoing traffic. An empty list with `Egress` among the policy types denies all egress.
   * @default undefined (no egress rules)
   */
  readonly egress?: readonly V1NetworkPolicyEgressRule[];
  /**
   * Which directions the policy isolates.
   * @default undefined (the API server's default: `Ingress`, plus `Egress` when egress rules are given)
   */
  readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
}

/**
 * Builds a `networking.k8s.io/v1` NetworkPolicy.
 * @throws BuilderValidationError for an invalid name, namespace, labels, pod selector, or policy type.
 */
export function buildNetworkPolicy(options: NetworkPolicyOptions): BuiltNetworkPolicy {
  const metadata = buildObjectMeta(options, 'NetworkPolicy', validateDns1123Subdomain);
  const podSelector = checkLabelSelector(options.podSelector ?? {}, 'NetworkPolicy podSelector');
  const { ingress, egress, policyTypes } = options;
  policyTypes?.forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress') {
      const field = `NetworkPolicy policyTypes[${i}]`;
      throw new BuilderValidationError(field, 'enum', type, 'must be Ingress or Egress');
    }
  });
  const spec: V1NetworkPolicySpec = structuredClone({
    podSelector,
    ...(ingress !== undefined && { ingress: [...ingress] }),
    ...(egress !== undefined && { egress: [...egress] }),
    ...(policyTypes !== undefined && { policyTypes: [...policyTypes] }),
  });
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec };
}
