// loadKubeConfig against a real kube-apiserver: the envtest kubeconfig as written, its CA and token moved to files,
// and a fake pod's service-account directory, each driving a real client.
import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UnauthorizedError } from '../src/errors.js';
import { createClient, type KubeConfigSource, loadKubeConfig } from '../src/index.js';

const namespaceType = { apiVersion: 'v1', kind: 'Namespace' } as const;
let kubeconfigPath: string;
let server: URL;
let token: string;
let caPem: string;
let dir: string;

beforeAll(async () => {
  kubeconfigPath = process.env[kubeconfigEnv]!;
  const config = parse(await readFile(kubeconfigPath, 'utf8'));
  server = new URL(config.clusters[0].cluster.server);
  token = config.users[0].user.token;
  caPem = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  dir = await mkdtemp(join(tmpdir(), 'dsoi-loadkubeconfig-'));
});

async function readDefaultNamespace(kubeConfig: KubeConfigSource): Promise<string | undefined> {
  const client = createClient({ kubeConfig, fieldManager: 'dsoi-test', retry: { maxAttempts: 1 } });
  try {
    return (await client.get({ ...namespaceType, name: 'default' })).metadata?.name;
  } finally {
    client.close();
  }
}

describe('loadKubeConfig against kube-apiserver', () => {
  it('reads the envtest kubeconfig (CA data, token) as given by --kubeconfig and by KUBECONFIG', async () => {
    expect(await readDefaultNamespace(await loadKubeConfig({ file: kubeconfigPath, env: {} }))).toBe('default');
    expect(await readDefaultNamespace(await loadKubeConfig({ env: { KUBECONFIG: kubeconfigPath } }))).toBe('default');
  });

  it('reads a CA file and a token-file named relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'ca.crt'), caPem);
    await writeFile(join(dir, 'token'), `${token}\n`);
    const file = join(dir, 'files.kubeconfig');
    await writeFile(
      file,
      [
        `clusters: [{ name: envtest, cluster: { server: "${server.href}", certificate-authority: ca.crt } }]`,
        'users: [{ name: admin, user: { token-file: token } }]',
        'contexts: [{ name: envtest, context: { cluster: envtest, user: admin } }]',
        'current-context: envtest',
      ].join('\n'),
    );
    expect(await readDefaultNamespace(await loadKubeConfig({ file, env: {} }))).toBe('default');
  });

  it('runs as in a pod: service-account CA and token, and a rotated token is used', async () => {
    const serviceAccountDir = await mkdtemp(join(tmpdir(), 'dsoi-serviceaccount-'));
    await writeFile(join(serviceAccountDir, 'ca.crt'), caPem);
    await writeFile(join(serviceAccountDir, 'token'), 'not-a-valid-token');
    const env = { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port };
    const kubeConfig = await loadKubeConfig({ env, serviceAccountDir, tokenFileRefreshMs: 0 });
    await expect(readDefaultNamespace(kubeConfig)).rejects.toBeInstanceOf(UnauthorizedError);
    await writeFile(join(serviceAccountDir, 'token.next'), token);
    await rename(join(serviceAccountDir, 'token.next'), join(serviceAccountDir, 'token'));
    expect(await readDefaultNamespace(kubeConfig)).toBe('default');
  });
});
