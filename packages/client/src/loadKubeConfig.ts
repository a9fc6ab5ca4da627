/**
 * Finds and reads a kubeconfig as kubectl and client-node do (a given file, `KUBECONFIG`, `~/.kube/config`, then
 * the pod's service account) without loading `@kubernetes/client-node`, which costs about 85 MiB of resident memory
 * on Node 24; only a kubeconfig that needs what this loader does not implement (exec plugins, auth providers, a
 * proxy) is handed to client-node's `KubeConfig`, imported then.
 */
import { access } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import {
  type KubeConfigEntry,
  type KubeConfigSelection,
  readKubeConfigFiles,
  resolvePath,
} from './internal/kubeConfigFile.js';
import { createStaticKubeConfig, readTlsFile, tokenFromFile } from './internal/staticKubeConfig.js';
import { KubeConfigError } from './kubeConfigError.js';
import type { KubeConfigSource } from './types.js';

/** Options of {@link loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /** The kubeconfig to read (a `--kubeconfig` flag), instead of looking for one. @default none */
  readonly file?: string | undefined;
  /** Where `KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The pod's service-account directory (`token`, `ca.crt`). @default '/var/run/secrets/kubernetes.io/serviceaccount' */
  readonly serviceAccountDir?: string;
  /**
   * A token read from a file (`token-file`, the service account's `token`) is read again once this old, so a rotated
   * token is used. @default 60_000 (client-go's period)
   */
  readonly tokenFileRefreshMs?: number;
}

/** The defaults of {@link loadKubeConfig}. */
export const loadKubeConfigDefaults = Object.freeze({
  serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
  tokenFileRefreshMs: 60_000,
});

/**
 * The current context of the first kubeconfig found: `file`, else every file of `KUBECONFIG` (merged, the first
 * to name an entry wins), else `~/.kube/config`, else the pod's service account (`KUBERNETES_SERVICE_HOST` and
 * `_PORT`, its `ca.crt`, its `token` re-read as it rotates). Reads certificate-authority, client certificate and key
 * (data or files, relative to their kubeconfig), `token`, `token-file`, `username`/`password`, `as`,
 * `insecure-skip-tls-verify` and `tls-server-name`; a context whose user has `exec` or `auth-provider`, or whose
 * cluster has `proxy-url`, is loaded by client-node's `KubeConfig` instead (a peer dependency, imported only then).
 *
 * @throws KubeConfigError naming the kubeconfig and the field at fault (never a token's or key's value)
 */
export async function loadKubeConfig(options: LoadKubeConfigOptions = {}): Promise<KubeConfigSource> {
  const {
    file,
    env = process.env,
    serviceAccountDir = loadKubeConfigDefaults.serviceAccountDir,
    tokenFileRefreshMs = loadKubeConfigDefaults.tokenFileRefreshMs,
  } = options;
  const files = await kubeConfigFiles(file, env);
  if (files.length > 0) {
    const selection = await readKubeConfigFiles(files);
    if (needsClientNode(selection)) return loadWithClientNode(selection);
    return fromSelection(selection, tokenFileRefreshMs);
  }
  const tokenPath = join(serviceAccountDir, 'token');
  if (await exists(tokenPath)) return fromServiceAccount(env, serviceAccountDir, tokenFileRefreshMs);
  throw new KubeConfigError(
    'in-cluster',
    tokenPath,
    'does not exist, and no --kubeconfig, KUBECONFIG or ~/.kube/config names a kubeconfig',
  );
}

async function kubeConfigFiles(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string[]> {
  if (file !== undefined && file !== '') return [file];
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((path) => path !== '');
  if (list.length > 0) return list;
  const home = env.HOME;
  if (home === undefined || home === '') return [];
  const config = join(home, '.kube', 'config');
  return (await exists(config)) ? [config] : [];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function needsClientNode({ cluster, user }: KubeConfigSelection): boolean {
  return user.fields.exec != null || user.fields['auth-provider'] != null || cluster.fields['proxy-url'] != null;
}

/** client-node's own loading of the same files and context, for what this loader does not implement. */
async function loadWithClientNode({ files, contextName }: KubeConfigSelection): Promise<KubeConfigSource> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(files[0]!);
  for (const other of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(other);
    kubeConfig.mergeConfig(more, true);
  }
  kubeConfig.setCurrentContext(contextName);
  return kubeConfig;
}

async function fromSelection(selection: KubeConfigSelection, refreshMs: number): Promise<KubeConfigSource> {
  const { cluster, user } = selection;
  const server = cluster.fields.server;
  if (typeof server !== 'string' || server === '') {
    throw new KubeConfigError(cluster.file, fieldName(cluster, 'server'), 'is not set');
  }
  const tlsServerName = stringField(cluster, 'tls-server-name');
  const username = stringField(user, 'username');
  const token = tokenOf(user, refreshMs);
  await token?.();
  return createStaticKubeConfig({
    cluster: {
      name: cluster.name,
      server: server.replace(/\/$/, ''),
      skipTLSVerify: cluster.fields['insecure-skip-tls-verify'] === true,
      ...(tlsServerName !== undefined && { tlsServerName }),
    },
    ca: await tlsMaterial(cluster, 'certificate-authority'),
    cert: await tlsMaterial(user, 'client-certificate'),
    key: await tlsMaterial(user, 'client-key'),
    token,
    basicAuth: username === undefined ? undefined : `${username}:${stringField(user, 'password') ?? ''}`,
    impersonateUser: stringField(user, 'as'),
  });
}

function fieldName(entry: KubeConfigEntry, key: string): string {
  return `${entry.at}.${key}`;
}

function stringField(entry: KubeConfigEntry, key: string): string | undefined {
  const value = entry.fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new KubeConfigError(entry.file, fieldName(entry, key), 'is not a string');
  return value;
}

/** `<key>` (a file, relative to the kubeconfig) or else `<key>-data` (base64), as client-node reads them. */
async function tlsMaterial(entry: KubeConfigEntry, key: string): Promise<Buffer | undefined> {
  const path = stringField(entry, key);
  if (path !== undefined) return readTlsFile(resolvePath(entry.file, path), entry.file, fieldName(entry, key));
  const data = stringField(entry, `${key}-data`);
  return data === undefined ? undefined : Buffer.from(data, 'base64');
}

function tokenOf(user: KubeConfigEntry, refreshMs: number): (() => Promise<string>) | undefined {
  const token = stringField(user, 'token');
  if (token !== undefined) return () => Promise.resolve(token);
  const path = stringField(user, 'token-file');
  if (path === undefined) return undefined;
  const field = fieldName(user, 'token-file');
  return tokenFromFile({ path: resolvePath(user.file, path), source: user.file, field, refreshMs });
}

/** The pod's service account, as client-node's `loadFromCluster` reads it. */
async function fromServiceAccount(
  env: Readonly<Record<string, string | undefined>>,
  dir: string,
  refreshMs: number,
): Promise<KubeConfigSource> {
  const source = 'in-cluster';
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || host === '') throw new KubeConfigError(source, 'KUBERNETES_SERVICE_HOST', 'is not set');
  if (port === undefined || port === '') throw new KubeConfigError(source, 'KUBERNETES_SERVICE_PORT', 'is not set');
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const token = tokenFromFile({ path: join(dir, 'token'), source, field: 'token', refreshMs });
  await token();
  return createStaticKubeConfig({
    cluster: {
      name: 'inCluster',
      server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      skipTLSVerify: false,
    },
    ca: await readTlsFile(join(dir, 'ca.crt'), source, 'ca.crt'),
    token,
  });
}
