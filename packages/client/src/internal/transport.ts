/** HTTP(S) to the API server on node:http/https, with the KubeConfig's TLS, credentials and proxy, over keep-alive. */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { KubeConfigSource } from '../types.js';

const gunzipAsync = promisify(gunzip);

/** The `code` of the error `send` throws when the KubeConfig cannot produce credentials. */
export const credentialsErrorCode = 'DSOI_CREDENTIALS';

/** One HTTP request, path relative to the cluster's server URL. */
export interface HttpRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/v1/namespaces/x/configmaps?limit=500`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the request and, after the headers arrived, the response stream. */
  readonly signal: AbortSignal;
  /**
   * Called once the request has a connected socket, right before its first byte is written; if it throws, nothing is
   * written, the request is destroyed and `send` rejects with what it threw. @default none
   */
  readonly beforeWrite?: (() => void) | undefined;
}

/** Sends requests to one cluster; `send` resolves with the response once its headers arrived. */
export interface Transport {
  /** `host:port` of the API server, for metrics. */
  readonly host: string;
  send(request: HttpRequest): Promise<http.IncomingMessage>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

/**
 * A transport for the current context of `kubeConfig`. Credentials are applied per request, so rotated tokens
 * (exec plugins, projected service-account tokens) are picked up; connections are reused (keep-alive) unless the
 * cluster goes through a proxy, in which case the KubeConfig's own proxy agent is used.
 */
export function createHttpTransport(kubeConfig: KubeConfigSource): Transport {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) {
    throw new TypeError('createClient: the kubeConfig has no current cluster (is currentContext set?)');
  }
  const server = new URL(cluster.server);
  const secure = server.protocol === 'https:';
  const basePath = server.pathname.replace(/\/+$/, '');
  let agent: http.Agent | undefined;

  return {
    host: server.host,
    async send(request) {
      const options: https.RequestOptions = { headers: {} };
      try {
        await kubeConfig.applyToHTTPSOptions(options);
      } catch (err) {
        // An exec plugin or token file failed: there are no credentials to send, so nothing is sent.
        throw Object.assign(new Error(`cannot get credentials from the kubeconfig: ${(err as Error).message}`), {
          code: credentialsErrorCode,
          cause: err,
        });
      }
      if (cluster.proxyUrl === undefined) {
        agent ??= secure
          ? new https.Agent({ ...tlsOptions(options), keepAlive: true })
          : new http.Agent({ keepAlive: true });
        options.agent = agent;
      }
      const headers = { ...(options.headers as Record<string, string>), ...request.headers };
      return new Promise<http.IncomingMessage>((resolve, reject) => {
        const outgoing = (secure ? https : http).request(
          {
            ...options,
            protocol: server.protocol,
            hostname: server.hostname.replace(/^\[|\]$/g, ''),
            port: server.port === '' ? undefined : Number(server.port),
            path: basePath + request.path,
            method: request.method,
            headers:
              request.body === undefined
                ? headers
                : { ...headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
            signal: request.signal,
          },
          resolve,
        );
        outgoing.on('error', reject);
        if (request.beforeWrite === undefined) {
          outgoing.end(request.body);
          return;
        }
        const { beforeWrite } = request;
        // The headers and body are held until the socket is connected (and, for TLS, the handshake done), so the hook
        // runs after every wait of this request, in the same synchronous run as the write.
        outgoing.once('socket', (socket) => {
          const write = () => {
            try {
              beforeWrite();
            } catch (err) {
              outgoing.destroy(err as Error);
              return;
            }
            outgoing.end(request.body);
          };
          if (!socket.connecting) write();
          else socket.once('encrypted' in socket ? 'secureConnect' : 'connect', write);
        });
      });
    },
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

function tlsOptions(options: https.RequestOptions): https.AgentOptions {
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = options;
  const tls: https.AgentOptions = { ca, cert, key, pfx, passphrase, servername };
  if (rejectUnauthorized !== undefined) tls.rejectUnauthorized = rejectUnauthorized;
  return tls;
}

/** Reads the whole response body as text, gunzipping it if the server compressed it. */
export async function readBody(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = response.headers['content-encoding'];
  return (encoding === 'gzip' ? await gunzipAsync(raw) : raw).toString('utf8');
}
