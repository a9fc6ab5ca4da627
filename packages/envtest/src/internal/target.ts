/** Turns a KubeConfig (token auth, as envtest writes it) into the target of envtest's own requests. */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiTarget } from './apiRequest.js';

export function targetOf(kubeConfig: KubeConfig): ApiTarget {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster || !user?.token) {
    throw new TypeError('envtest helpers need a KubeConfig with a current cluster and a bearer-token user');
  }
  const ca = cluster.caData
    ? Buffer.from(cluster.caData, 'base64').toString('utf8')
    : cluster.caFile
      ? readFileSync(cluster.caFile, 'utf8')
      : '';
  return { server: cluster.server, token: user.token, ca };
}
