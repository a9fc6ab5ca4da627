/** The fault proxy's side towards the real API server: a keep-alive agent with the KubeConfig's TLS settings. */
import { readFileSync } from 'node:fs';
import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface Upstream {
  /** The server of the KubeConfig's current cluster. */
  readonly server: string;
  /** Starts a request to the API server; `target` is the path and query as the client sent them. */
  request(method: string, target: string, headers: OutgoingHttpHeaders): ClientRequest;
  /** Closes the pooled connections. */
  destroy(): void;
}

// RFC 9110 section 7.6.1: hop-by-hop headers describe one connection and are never forwarded. `expect` is answered by
// the proxy's own server (it sends 100 Continue before the request event) and `host` is set for the upstream.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

/** Turns `rawHeaders` into headers to forward: hop-by-hop ones dropped, repeated ones kept as arrays. */
export function forwardedHeaders(rawHeaders: readonly string[]): OutgoingHttpHeaders {
  const named = new Set(hopByHop);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1]!.split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const key = name.toLowerCase();
    if (named.has(key)) continue;
    const existing = headers[key];
    headers[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return headers;
}

/**
 * Reads the current cluster and user of `kubeConfig`: server, CA, client certificate and `insecure-skip-tls-verify`.
 * Bearer tokens are not used here; the client's `Authorization` header is forwarded as sent.
 */
export function upstreamOf(kubeConfig: KubeConfig): Upstream {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new TypeError('createFaultProxy needs a KubeConfig with a current cluster');
  const user = kubeConfig.getCurrentUser();
  const url = new URL(cluster.server);
  const secure = url.protocol === 'https:';
  const material = (data: string | undefined, file: string | undefined) =>
    data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined;
  // maxSockets stays unlimited: the proxy must never be the thing that limits an operator's concurrency.
  const agent = secure
    ? new HttpsAgent({
        keepAlive: true,
        ca: material(cluster.caData, cluster.caFile),
        cert: material(user?.certData, user?.certFile),
        key: material(user?.keyData, user?.keyFile),
        rejectUnauthorized: !cluster.skipTLSVerify,
        ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
      })
    : new HttpAgent({ keepAlive: true });
  const basePath = url.pathname.replace(/\/+$/, '');
  const send = secure ? httpsRequest : httpRequest;
  return {
    server: cluster.server,
    request: (method, target, headers) =>
      send({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''), // [::1] -> ::1
        port: url.port,
        method,
        path: basePath + target,
        headers: { ...headers, host: url.host },
        agent,
      }),
    destroy: () => agent.destroy(),
  };
}
