/**
 * The HTTPS server of an operator's webhooks: routes each path to its admission or conversion webhook, reloads the
 * serving certificate when its files change, and records controller-runtime's webhook metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { AdmissionWebhook } from './admissionWebhook.js';
import { type CertificatePair, type CertWatcher, certWatcherDefaults, createCertWatcher } from './certWatcher.js';
import type { ConversionWebhook } from './conversionWebhook.js';
import { type CertificateError, WebhookError } from './errors.js';
import { createWebhookMetrics, type WebhookMetrics } from './webhookMetrics.js';

/** The few logger methods the server uses (a pino logger fits). */
export interface WebhookLogger {
  /** A rotated certificate pair that could not be used (the previous one stays). */
  warn(fields: object, message: string): void;
  /** A request that failed outside its handler (answered with 500). */
  error(fields: object, message: string): void;
}

/** Options of {@link createWebhookServer}. */
export interface WebhookServerOptions {
  /** The webhooks to serve; paths must differ. */
  readonly webhooks: readonly (AdmissionWebhook | ConversionWebhook)[];
  /** PEM serving certificate, read again when it changes. */
  readonly certFile: string;
  /** PEM private key of the certificate. */
  readonly keyFile: string;
  /** @default '127.0.0.1' (in a cluster pass '0.0.0.0': kube-apiserver calls the pod IP) */
  readonly host?: string;
  /** `0` picks a free port. @default 9443 (controller-runtime's) */
  readonly port?: number;
  /** Where the `controller_runtime_webhook_*` metrics go (e.g. the manager's). @default no metrics */
  readonly registry?: Registry;
  /** How often the certificate files are read again besides file-system events. @default 10_000 */
  readonly certPollIntervalMs?: number;
  /** Larger request bodies are refused with 413. @default 7 MiB (controller-runtime's limit) */
  readonly maxRequestBytes?: number;
  /** @default nothing is logged */
  readonly logger?: WebhookLogger;
}

/** The defaults of {@link WebhookServerOptions}. */
export const webhookServerDefaults = Object.freeze({
  host: '127.0.0.1',
  port: 9443,
  certPollIntervalMs: certWatcherDefaults.pollIntervalMs,
  maxRequestBytes: 7 * 1024 * 1024,
});

/** A webhook server; its `name`, `start` and `ready` let a manager run it beside its controllers. */
export interface WebhookServer {
  /** `webhook-server`: the name of its readiness check. */
  readonly name: string;
  readonly webhooks: readonly (AdmissionWebhook | ConversionWebhook)[];
  /**
   * Reads the certificate, listens, and serves until `signal` aborts; resolves once closed.
   * @throws CertificateError when the certificate files cannot be used; a listen error such as `EADDRINUSE`.
   */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves with the bound port once listening; rejects as `start` does. */
  listening(): Promise<{ readonly port: number }>;
  /** Whether it is serving now: a readiness check. */
  ready(): boolean;
  /** `https://<host>:<port>` while listening. @throws Error otherwise. */
  url(): string;
}

/**
 * Creates a {@link WebhookServer}. `POST <path>` with `Content-Type: application/json` answers the webhook's review
 * (200); a body that is not a review gets 400 naming what is wrong, another method 405, an unknown path 404.
 * @throws WebhookError (`InvalidDefinition`) when two webhooks share a path.
 */
export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const {
    webhooks,
    certFile,
    keyFile,
    host = webhookServerDefaults.host,
    port = webhookServerDefaults.port,
    registry,
    certPollIntervalMs = webhookServerDefaults.certPollIntervalMs,
    maxRequestBytes = webhookServerDefaults.maxRequestBytes,
    logger,
  } = options;
  const routes = routeTable(webhooks);
  const metrics = registry ? createWebhookMetrics(registry) : undefined;
  const certs = createCertWatcher({
    certFile,
    keyFile,
    pollIntervalMs: certPollIntervalMs,
    onError: (err: CertificateError) => logger?.warn({ err }, 'new serving certificate not used'),
  });
  let started = false;
  let boundPort: number | undefined;
  let resolveListening: (value: { port: number }) => void = () => {};
  let rejectListening: (err: unknown) => void = () => {};
  const listeningPromise = new Promise<{ port: number }>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listeningPromise.catch(() => {}); // `start` reports the same failure
  const stopping = new AbortController();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    const webhook = routes.get(path);
    const done = observe(metrics, path);
    res.on('close', () => done(res.statusCode));
    serve(webhook, req, res, { maxRequestBytes, stopping: stopping.signal }).catch((err: unknown) => {
      logger?.error({ err, path }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  };

  return {
    name: 'webhook-server',
    webhooks,
    ready: () => boundPort !== undefined,
    listening: () => listeningPromise,
    url() {
      if (boundPort === undefined) throw new Error('createWebhookServer: url() called while not listening');
      return `https://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    },
    async start(signal) {
      if (started) throw new Error('createWebhookServer: start() was already called');
      started = true;
      let server: Server;
      try {
        signal.throwIfAborted();
        server = createServer({ ...certs.current(), minVersion: 'TLSv1.2' }, handler);
        await listen(server, host, port);
      } catch (err) {
        rejectListening(err);
        throw err;
      }
      boundPort = (server.address() as AddressInfo).port;
      resolveListening({ port: boundPort });
      const stopWatching = useEachCertificate(server, certs);
      await untilAborted(signal);
      boundPort = undefined;
      await stopWatching();
      await close(server, stopping);
    },
  };
}

/** The webhooks by path. @throws WebhookError (`InvalidDefinition`) when two share a path. */
function routeTable(
  webhooks: readonly (AdmissionWebhook | ConversionWebhook)[],
): Map<string, AdmissionWebhook | ConversionWebhook> {
  const routes = new Map<string, AdmissionWebhook | ConversionWebhook>();
  for (const webhook of webhooks) {
    if (routes.has(webhook.path))
      throw new WebhookError('InvalidDefinition', `webhook server: two webhooks are served at path ${webhook.path}`);
    routes.set(webhook.path, webhook);
  }
  return routes;
}

/** Serves with each new certificate pair the watcher reads; the returned function stops watching. */
function useEachCertificate(server: Server, certs: CertWatcher): () => Promise<void> {
  const unsubscribe = certs.subscribe((pair: CertificatePair) => {
    server.setSecureContext({ ...pair, minVersion: 'TLSv1.2' });
  });
  const watching = new AbortController();
  const watch = certs.start(watching.signal);
  return async () => {
    unsubscribe();
    watching.abort();
    await watch;
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Stops accepting, closes idle connections, and tells running requests to stop (`stopping`); resolves when closed. */
function close(server: Server, stopping: AbortController): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests still running are told to stop; their connections close when they answer.
    stopping.abort();
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts the metrics of one request; the returned function ends them with the status code. */
function observe(metrics: WebhookMetrics | undefined, path: string): (code: number) => void {
  if (!metrics) return () => {};
  metrics.requestsInFlight.inc({ webhook: path });
  const endTimer = metrics.latencySeconds.startTimer({ webhook: path });
  let ended = false;
  return (code) => {
    if (ended) return;
    ended = true;
    metrics.requestsInFlight.dec({ webhook: path });
    endTimer();
    metrics.requestsTotal.inc({ webhook: path, code: String(code) });
  };
}

async function serve(
  webhook: AdmissionWebhook | ConversionWebhook | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  limits: { readonly maxRequestBytes: number; readonly stopping: AbortSignal },
): Promise<void> {
  if (!webhook) return send(res, 404, 'no webhook at this path\n');
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, 'method not allowed\n');
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (contentType !== 'application/json')
    return send(res, 400, `contentType=${contentType || '(none)'}, expected application/json\n`);
  const text = await readBody(req, limits.maxRequestBytes);
  if (text === undefined) return send(res, 413, `request body larger than ${limits.maxRequestBytes} bytes\n`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return send(res, 400, 'the request body is not JSON\n');
  }
  // The call's signal: kube-apiserver hung up (its timeout) or the server is stopping.
  const call = new AbortController();
  res.on('close', () => call.abort(new Error('the caller closed the connection')));
  const signal = AbortSignal.any([call.signal, limits.stopping]);
  try {
    const review = webhook.type === 'conversion' ? webhook.review(body) : await webhook.review(body, { signal });
    send(res, 200, JSON.stringify(review), 'application/json');
  } catch (err) {
    if (err instanceof WebhookError && err.reason === 'InvalidReview') return send(res, 400, `${err.message}\n`);
    throw err;
  }
}

/** The body as text, or undefined once it exceeds `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, code: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
