/**
 * Test helpers (`@dsoi/envtest/testing`): one control plane per test run, a fresh namespace per test, identities
 * with narrow RBAC, a small test CRD, and a fault-injecting proxy.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlaneOptions, startControlPlane } from './controlPlane.js';
import { apiCall } from './internal/apiRequest.js';
import { targetOf } from './internal/target.js';

/** The environment variable through which the global setup hands the kubeconfig path to test workers. */
export const kubeconfigEnv = 'DSOI_ENVTEST_KUBECONFIG';

/**
 * A vitest `globalSetup` body: starts one control plane for the whole run, publishes its kubeconfig path in
 * `DSOI_ENVTEST_KUBECONFIG` for the workers, and returns the teardown. Use it as
 * `export default () => setupTestControlPlane()` in a global-setup file.
 *
 * kube-controller-manager (garbage collection, namespace deletion) runs whenever the binaries include it
 * (`garbageCollector: 'ifAvailable'` unless given); with released binaries, which lack it, the run starts without
 * and a `DSOI_ENVTEST_NO_GC` warning says so.
 */
export async function setupTestControlPlane(options: ControlPlaneOptions = {}): Promise<() => Promise<void>> {
  const plane = await startControlPlane({ garbageCollector: 'ifAvailable', ...options });
  process.env[kubeconfigEnv] = plane.kubeconfigPath;
  return () => plane.stop();
}

/**
 * The admin KubeConfig of the control plane started by {@link setupTestControlPlane}.
 * @throws Error when no control plane was started for this run (the package's vitest config must enable it).
 */
export function testKubeConfig(): KubeConfig {
  const path = process.env[kubeconfigEnv];
  if (!path) {
    throw new Error(
      `${kubeconfigEnv} is not set: this test needs the real control plane. Enable it in vitest.config.ts ` +
        '(packageTests({ controlPlane: true })) or start one with `npx dsoi-envtest start` and export the variable.',
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(readFileSync(path, 'utf8'));
  return kubeConfig;
}

/** Creates a namespace with a unique name (`<prefix>-<8 hex>`) and returns the name. */
export async function createTestNamespace(kubeConfig: KubeConfig, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await apiCall(targetOf(kubeConfig), 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'dsoi.io/test': 'true' } },
  });
  return name;
}

/** Options of {@link serviceAccountKubeConfig}. */
export interface ServiceAccountKubeConfigOptions {
  readonly namespace: string;
  readonly name: string;
  /** Token lifetime. @default 3600 */
  readonly expirationSeconds?: number;
  /**
   * What to grant it in `namespace`: a Role and a RoleBinding, both named `name`, are applied with these rules
   * (replacing the rules an earlier call gave). @default none: no Role is created or changed
   */
  readonly rules?: readonly RbacRule[];
}

/** One RBAC rule of a Role (`rbac.authorization.k8s.io/v1` `PolicyRule`). */
export interface RbacRule {
  /** `''` for the core group. */
  readonly apiGroups: readonly string[];
  /** Plural resources, `<resource>/<subresource>` for a subresource. */
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Only these objects. @default every object */
  readonly resourceNames?: readonly string[];
}

/**
 * Creates the ServiceAccount if it does not exist, grants it `rules` when given, and returns a KubeConfig
 * authenticated as it (a token from the TokenRequest API), so a test can exercise exactly the RBAC a Role grants.
 */
export async function serviceAccountKubeConfig(
  kubeConfig: KubeConfig,
  { namespace, name, expirationSeconds = 3600, rules }: ServiceAccountKubeConfigOptions,
): Promise<KubeConfig> {
  const target = targetOf(kubeConfig);
  await apiCall(
    target,
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts`,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
    { ok: [201, 409] },
  );
  if (rules) {
    const rbac = 'rbac.authorization.k8s.io';
    const apply = (plural: string, object: Record<string, unknown>) =>
      apiCall(
        target,
        'PATCH',
        `/apis/${rbac}/v1/namespaces/${namespace}/${plural}/${name}?fieldManager=dsoi-envtest&force=true`,
        { apiVersion: `${rbac}/v1`, metadata: { name, namespace }, ...object },
        { contentType: 'application/apply-patch+yaml' },
      );
    await apply('roles', { kind: 'Role', rules });
    await apply('rolebindings', {
      kind: 'RoleBinding',
      roleRef: { apiGroup: rbac, kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
  }
  const tokenRequest = await apiCall<{ status: { token: string } }>(
    target,
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds } },
  );
  const cluster = kubeConfig.getCurrentCluster()!;
  const user = `system:serviceaccount:${namespace}:${name}`;
  const result = new KubeConfig();
  result.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token: tokenRequest.status.token }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace }],
    currentContext: user,
  });
  return result;
}

/** Which workload {@link markWorkloadReady} marks. */
export interface WorkloadRef {
  readonly kind: 'StatefulSet' | 'Deployment';
  readonly namespace: string;
  readonly name: string;
}

/**
 * Simulates what envtest does not run (the StatefulSet/Deployment controllers and kubelets): patches the workload's
 * status so it reads as fully rolled out and ready at its current generation. Returns the status it wrote.
 */
export async function markWorkloadReady(
  kubeConfig: KubeConfig,
  workload: WorkloadRef,
): Promise<Record<string, unknown>> {
  const target = targetOf(kubeConfig);
  const path = `/apis/apps/v1/namespaces/${workload.namespace}/${workload.kind === 'StatefulSet' ? 'statefulsets' : 'deployments'}/${workload.name}`;
  const live = await apiCall<{ metadata: { generation?: number }; spec: { replicas?: number } }>(target, 'GET', path);
  const replicas = live.spec.replicas ?? 1;
  const counts = {
    observedGeneration: live.metadata.generation,
    replicas,
    readyReplicas: replicas,
    updatedReplicas: replicas,
    availableReplicas: replicas,
  };
  const status =
    workload.kind === 'StatefulSet'
      ? { ...counts, currentReplicas: replicas, currentRevision: 'r2', updateRevision: 'r2' }
      : {
          ...counts,
          conditions: [
            { type: 'Available', status: 'True' },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
          ],
        };
  await apiCall(target, 'PATCH', `${path}/status`, { status }, { contentType: 'application/merge-patch+json' });
  return status;
}

// CRDs (installCrds is also in the main entry, so a test needs only this import), and a small one to install
export { installCrds } from './crds.js';
// Fault proxy: a proxy in front of the API server that injects faults by rule
export type {
  DropWatchesOptions,
  FaultProxy,
  FaultProxyOptions,
  FaultProxyStats,
  ProxyRequestRecord,
  WatchStreamError,
} from './faultProxy.js';
export { createFaultProxy, faultProxyDefaults } from './faultProxy.js';
export type {
  DelayFault,
  Fault,
  FaultMatch,
  FaultRule,
  GoneFault,
  LostResponseFault,
  ResetFault,
  StallFault,
  StatusFault,
} from './faultRules.js';
export type { KubeVerb, RequestInfo } from './requestInfo.js';
export type { TestCrdOptions, TestCrdVersion } from './testCrd.js';
export { testCrd, testCrdDefaults } from './testCrd.js';
// Webhooks: register Validating/MutatingWebhookConfigurations and CRD conversions, wait until they are called
export type {
  CrdConversionManifest,
  InstalledWebhooks,
  InstallWebhooksOptions,
  WebhookConfigurationManifest,
} from './webhookInstall.js';
export { installWebhooks, installWebhooksDefaults } from './webhookInstall.js';
