import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { KubeConfigError } from './kubeConfigError.js';
import { loadKubeConfig } from './loadKubeConfig.js';

const secretToken = 'sekrit-token-value-123';
const caPem = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsoi-kubeconfig-'));
});

/** A kubeconfig with one context `main` on cluster `c` and user `u`, their fields as given. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, extra = ''): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: c, cluster: ${JSON.stringify(cluster)} }]`,
    `users: [{ name: u, user: ${JSON.stringify(user)} }]`,
    'contexts: [{ name: main, context: { cluster: c, user: u } }]',
    'current-context: main',
    extra,
  ].join('\n');
}

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function applied(source: Awaited<ReturnType<typeof loadKubeConfig>>): Promise<https.RequestOptions> {
  const options: https.RequestOptions = {};
  await source.applyToHTTPSOptions(options);
  return options;
}

async function loadError(promise: Promise<unknown>): Promise<KubeConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeConfigError);
  return err as KubeConfigError;
}

describe('loadKubeConfig from a file', () => {
  it('reads the current context: server, CA data, token, TLS server name, skip-verify, impersonation', async () => {
    const file = await write(
      'config',
      kubeconfig(
        {
          server: 'https://k8s.example:6443/',
          'certificate-authority-data': b64(caPem),
          'tls-server-name': 'api.internal',
          'insecure-skip-tls-verify': true,
        },
        { token: secretToken, as: 'jane' },
      ),
    );
    const source = await loadKubeConfig({ file, env: {} });
    expect(source.getCurrentCluster()).toEqual({
      name: 'c',
      server: 'https://k8s.example:6443',
      skipTLSVerify: true,
      tlsServerName: 'api.internal',
    });
    const options = await applied(source);
    expect(options.ca?.toString()).toBe(caPem);
    expect(options.rejectUnauthorized).toBe(false);
    expect(options.servername).toBe('api.internal');
    expect(options.headers).toEqual({ Authorization: `Bearer ${secretToken}`, 'Impersonate-User': 'jane' });
  });

  it('reads CA, client certificate and key files relative to the kubeconfig, and data fields', async () => {
    await mkdir(join(dir, 'pki'));
    await write('pki/ca.crt', caPem);
    await write('pki/client.crt', 'CERT');
    const file = await write(
      'config',
      kubeconfig(
        { server: 'https://h:1', 'certificate-authority': 'pki/ca.crt' },
        { 'client-certificate': 'pki/client.crt', 'client-key-data': b64('KEY'), username: 'a', password: 'b' },
      ),
    );
    const options = await applied(await loadKubeConfig({ file, env: {} }));
    expect([options.ca?.toString(), options.cert?.toString(), options.key?.toString()]).toEqual([caPem, 'CERT', 'KEY']);
    expect(options.auth).toBe('a:b');
    expect(options.rejectUnauthorized).toBeUndefined();
  });

  it('merges the files of KUBECONFIG: the first to set the context or name an entry wins', async () => {
    const first = await write(
      'one',
      [
        'current-context: second',
        'clusters: [{ name: c, cluster: { server: "https://first:1" } }]',
        'contexts: [{ name: second, context: { cluster: c, user: u } }]',
      ].join('\n'),
    );
    const second = await write('two', kubeconfig({ server: 'https://second:2' }, { token: 't' }));
    const source = await loadKubeConfig({ env: { KUBECONFIG: `${first}:${second}`, HOME: dir } });
    expect(source.getCurrentCluster()?.server).toBe('https://first:1');
    expect((await applied(source)).headers).toEqual({ Authorization: 'Bearer t' });
  });

  it('reads ~/.kube/config when neither a file nor KUBECONFIG is given', async () => {
    await mkdir(join(dir, '.kube'));
    await write('.kube/config', kubeconfig({ server: 'https://home:3' }, {}));
    const source = await loadKubeConfig({ env: { HOME: dir }, serviceAccountDir: join(dir, 'none') });
    expect(source.getCurrentCluster()?.server).toBe('https://home:3');
    expect((await applied(source)).headers).toEqual({});
  });

  it('re-reads a token-file once the refresh period has passed, not before', async () => {
    await write('token', `${secretToken}\n`);
    const file = await write('config', kubeconfig({ server: 'https://h:1' }, { 'token-file': 'token' }));
    const cached = await loadKubeConfig({ file, env: {}, tokenFileRefreshMs: 60_000 });
    const fresh = await loadKubeConfig({ file, env: {}, tokenFileRefreshMs: 0 });
    await write('token', 'rotated');
    expect((await applied(cached)).headers).toEqual({ Authorization: `Bearer ${secretToken}` });
    expect((await applied(fresh)).headers).toEqual({ Authorization: 'Bearer rotated' });
  });

  it('hands a context with an exec plugin, auth provider or proxy to client-node', async () => {
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'true' };
    const cases = [
      kubeconfig({ server: 'https://h:1' }, { exec }),
      kubeconfig({ server: 'https://h:1' }, { 'auth-provider': { name: 'oidc', config: {} } }),
      kubeconfig({ server: 'https://h:1', 'proxy-url': 'http://proxy:3128' }, { token: 't' }),
    ];
    for (const [i, text] of cases.entries()) {
      const source = await loadKubeConfig({ file: await write(`config${i}`, text), env: {} });
      expect(source).toBeInstanceOf(KubeConfig);
      expect(source.getCurrentCluster()?.server).toBe('https://h:1');
    }
  });
});

describe('loadKubeConfig in a pod', () => {
  async function serviceAccount(token: string): Promise<string> {
    const sa = join(dir, 'sa');
    await mkdir(sa, { recursive: true });
    await writeFile(join(sa, 'ca.crt'), caPem);
    await writeFile(join(sa, 'token'), token);
    return sa;
  }

  it('reads the service account and the API server address, and picks up a rotated token', async () => {
    const serviceAccountDir = await serviceAccount('first');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const source = await loadKubeConfig({ env, serviceAccountDir, tokenFileRefreshMs: 0 });
    expect(source.getCurrentCluster()).toEqual({
      name: 'inCluster',
      server: 'https://[fd00::1]:443',
      skipTLSVerify: false,
    });
    const options = await applied(source);
    expect(options.ca?.toString()).toBe(caPem);
    expect(options.headers).toEqual({ Authorization: 'Bearer first' });
    // kubelet swaps the projected token by renaming a new file into place
    await writeFile(join(serviceAccountDir, 'token.new'), 'second');
    await rename(join(serviceAccountDir, 'token.new'), join(serviceAccountDir, 'token'));
    expect((await applied(source)).headers).toEqual({ Authorization: 'Bearer second' });
  });

  it('names the missing variable', async () => {
    const serviceAccountDir = await serviceAccount('t');
    const err = await loadError(loadKubeConfig({ env: { KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir }));
    expect([err.source, err.field]).toEqual(['in-cluster', 'KUBERNETES_SERVICE_HOST']);
  });

  it('says where it looked when there is no kubeconfig and no service account', async () => {
    const err = await loadError(loadKubeConfig({ env: { HOME: dir }, serviceAccountDir: join(dir, 'none') }));
    expect(err.message).toMatch(/no --kubeconfig, KUBECONFIG or ~\/\.kube\/config/);
  });
});

describe('loadKubeConfig errors', () => {
  const cases: [string, string, string][] = [
    ['no current context', 'clusters: []\ncontexts: []', 'current-context'],
    [
      'a context naming no cluster',
      'current-context: x\ncontexts: [{ name: x, context: { cluster: gone, user: u } }]',
      'contexts[x].context.cluster',
    ],
    ['a cluster without server', kubeconfig({}, { token: secretToken }), 'clusters[c].cluster.server'],
    [
      'an unreadable client key',
      kubeconfig({ server: 'https://h:1' }, { token: secretToken, 'client-key': 'missing.key' }),
      'users[u].user.client-key',
    ],
    [
      'an unreadable token file',
      kubeconfig({ server: 'https://h:1' }, { 'token-file': 'nope' }),
      'users[u].user.token-file',
    ],
    ['a token that is not a string', kubeconfig({ server: 'https://h:1' }, { token: 42 }), 'users[u].user.token'],
    ['invalid YAML next to a token', `users: [{ name: u, user: { token: ${secretToken} }\n  - : :`, 'file'],
  ];
  it.each(cases)('%s: names the field, never the token', async (_, text, field) => {
    const file = await write('config', text);
    const err = await loadError(loadKubeConfig({ file, env: {} }));
    expect(err.field).toBe(field);
    expect(err.source).toBe(file);
    expect(err.message).not.toContain(secretToken);
    expect(String(err.cause ?? '')).not.toContain(secretToken);
  });
});
