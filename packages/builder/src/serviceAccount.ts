/** Builds a ServiceAccount for a workload's pods. */
import type { V1ServiceAccount } from '@kubernetes/client-node';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A ServiceAccount as {@link buildServiceAccount} returns it. */
export type BuiltServiceAccount = Built<V1ServiceAccount, 'v1', 'ServiceAccount'>;

/** Options of {@link buildServiceAccount}. The name is a DNS-1123 subdomain. */
export interface ServiceAccountOptions extends ObjectMetaOptions {
  /**
   * Whether pods using this account get an API token mounted by default. Set `false` for pods that never call the
   * Kubernetes API (a pod may still opt in).
   * @default undefined (the API server's default: mounted)
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Names of Secrets (in the same namespace) used to pull images for pods using this account.
   * @default [] (no `imagePullSecrets` field is written)
   */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * Builds a `v1` ServiceAccount.
 * @throws BuilderValidationError for an invalid name, namespace, labels or pull-secret name.
 */
export function buildServiceAccount(options: ServiceAccountOptions): BuiltServiceAccount {
  const metadata = buildObjectMeta(options, 'ServiceAccount', validateDns1123Subdomain);
  const pullSecrets = (options.imagePullSecrets ?? []).map((name, i) => ({
    name: validateDns1123Subdomain(name, `ServiceAccount imagePullSecrets[${i}]`),
  }));
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata,
    ...(options.automountServiceAccountToken !== undefined && {
      automountServiceAccountToken: options.automountServiceAccountToken,
    }),
    ...(pullSecrets.length > 0 && { imagePullSecrets: pullSecrets }),
  };
}
