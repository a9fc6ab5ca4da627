/** Reads the OpenAPI v3 document of api/v1 and the server version from a kube-apiserver (used by generate.ts and tests). */
import { Agent, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The OpenAPI document of api/v1 and the kube-apiserver's `gitVersion`. */
export interface OpenApiFetch {
  readonly document: Record<string, unknown>;
  readonly kubernetesVersion: string;
}

function get(kubeConfig: KubeConfig, path: string): Promise<unknown> {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined;
  const agent = new Agent({ ...(ca ? { ca } : {}), rejectUnauthorized: !cluster.skipTLSVerify });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        headers: { accept: 'application/json', ...(user?.token ? { authorization: `Bearer ${user.token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Fetches `/openapi/v3/api/v1` and `/version`. */
export async function fetchOpenApi(kubeConfig: KubeConfig): Promise<OpenApiFetch> {
  const document = (await get(kubeConfig, '/openapi/v3/api/v1')) as Record<string, unknown>;
  const version = (await get(kubeConfig, '/version')) as { gitVersion: string };
  return { document, kubernetesVersion: version.gitVersion };
}
