/**
 * The `KubeConfigSource` that `loadKubeConfig` builds for what it reads itself: TLS material read once, a token
 * that is either fixed or re-read from its file when the last read is older than the refresh period.
 */
import { readFile } from 'node:fs/promises';
import type https from 'node:https';
import { KubeConfigError } from '../kubeConfigError.js';
import type { KubeConfigSource } from '../types.js';

/** The cluster as `getCurrentCluster()` returns it (client-node's `Cluster`). */
export type KubeCluster = NonNullable<ReturnType<KubeConfigSource['getCurrentCluster']>>;

/** What a request needs: where, which TLS material, which credentials. */
export interface StaticKubeConfigInit {
  readonly cluster: KubeCluster;
  readonly ca?: Buffer | undefined;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  /** The bearer token of each request, or none. */
  readonly token?: (() => Promise<string>) | undefined;
  /** `user:password` for basic authentication. */
  readonly basicAuth?: string | undefined;
  /** The `Impersonate-User` header. */
  readonly impersonateUser?: string | undefined;
}

/** A `KubeConfigSource` over what was read. */
export function createStaticKubeConfig(init: StaticKubeConfigInit): KubeConfigSource {
  const { cluster, ca, cert, key, token, basicAuth, impersonateUser } = init;
  return {
    getCurrentCluster: () => cluster,
    async applyToHTTPSOptions(options: https.RequestOptions) {
      if (ca) options.ca = ca;
      if (cert) options.cert = cert;
      if (key) options.key = key;
      if (cluster.skipTLSVerify) options.rejectUnauthorized = false;
      if (cluster.tlsServerName) options.servername = cluster.tlsServerName;
      if (basicAuth !== undefined) options.auth = basicAuth;
      options.headers ??= {};
      const headers = options.headers as Record<string, string>;
      if (impersonateUser !== undefined) headers['Impersonate-User'] = impersonateUser;
      if (token) headers.Authorization = `Bearer ${await token()}`;
    },
  };
}

/** Where a token file is and how it is reported. */
export interface TokenFileInit {
  readonly path: string;
  /** The kubeconfig (or `'in-cluster'`) and field that named the file, for errors. */
  readonly source: string;
  readonly field: string;
  /** A token older than this is read again, so a rotated service-account token is picked up (client-go: 1 min). */
  readonly refreshMs: number;
  readonly now?: () => number;
}

/** A token read from a file, read again once `refreshMs` old; concurrent callers share one read. */
export function tokenFromFile(init: TokenFileInit): () => Promise<string> {
  const { path, source, field, refreshMs, now = Date.now } = init;
  let token: string | undefined;
  let readAt = 0;
  let reading: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new KubeConfigError(
        source,
        field,
        `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const trimmed = text.trim();
    if (trimmed === '') throw new KubeConfigError(source, field, `${path} is empty`);
    token = trimmed;
    readAt = now();
    return trimmed;
  };
  return () => {
    if (token !== undefined && now() - readAt < refreshMs) return Promise.resolve(token);
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}

/** Reads a TLS file named by a kubeconfig. @throws KubeConfigError naming the field, never the content */
export async function readTlsFile(path: string, source: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new KubeConfigError(source, field, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
