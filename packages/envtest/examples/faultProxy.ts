// The fault-proxy example of the @dsoi/envtest README; test/faultProxy.test.ts runs it against a real control plane.

import { createFaultProxy, createTestNamespace, testKubeConfig } from '@dsoi/envtest/testing';
import { CoreV1Api } from '@kubernetes/client-node';

const kubeConfig = testKubeConfig(); // the run's control plane, see "In a vitest suite"
const namespace = await createTestNamespace(kubeConfig, 'chaos');
const proxy = await createFaultProxy({ kubeConfig });
try {
  // The first write is throttled; after it, every second write conflicts.
  proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 429, retryAfterSeconds: 1 }, times: 1 });
  proxy.inject({ match: { writes: true }, fault: { type: 'status', code: 409 }, every: 2 });
  const core = proxy.kubeConfig.makeApiClient(CoreV1Api); // give proxy.kubeConfig to the operator under test
  const codes: number[] = [];
  for (let i = 0; i < 3; i++) {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: 'demo-' } } }).then(
      () => codes.push(201),
      (err: { code: number }) => codes.push(err.code),
    );
  }
  console.log(codes, proxy.stats().maxInFlight); // [429, 201, 409] 1
} finally {
  await proxy.close();
}
