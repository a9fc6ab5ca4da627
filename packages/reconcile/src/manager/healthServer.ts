/** The HTTP server of the probes (`/healthz`, `/readyz`, in kube-apiserver's format) and of `/metrics`. */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { whenAborted } from '../internal/signals.js';
import { createLogger, type Logger } from '../logger.js';
import type { MetricsAuthFilter } from './metricsAuth.js';

/** A named check: healthy when it returns (or resolves to) `true`; `false`, a throw or a rejection is a failure. */
export type HealthCheck = () => boolean | Promise<boolean>;

/** The checks behind each endpoint, by name (names appear in the output, e.g. `[+]informers-synced ok`). */
export interface HealthChecks {
  /** Liveness (`/healthz`): a failure makes the kubelet restart the container. @default {} (always ok) */
  readonly healthz?: Readonly<Record<string, HealthCheck>>;
  /** Readiness (`/readyz`): a failure takes the pod out of Service endpoints. @default {} (always ok) */
  readonly readyz?: Readonly<Record<string, HealthCheck>>;
}

/** Options of {@link createHealthServer}. */
export interface HealthServerOptions {
  /**
   * The address to bind. @default '127.0.0.1'
   *
   * Caveat: the kubelet probes the pod IP, so inside a cluster pass `'0.0.0.0'` (or `'::'`) explicitly; the default
   * keeps a local run from exposing anything.
   */
  readonly host?: string;
  /** The port; `0` picks a free one (read it from `listening()`). @default 8081 */
  readonly port?: number;
  /** The checks of `/healthz` and `/readyz`. @default {} */
  readonly checks?: HealthChecks;
  /** When given, `GET /metrics` serves it in the Prometheus text format. @default no `/metrics` */
  readonly registry?: Registry;
  /**
   * Guards `/metrics` (not the probes), e.g. {@link createMetricsAuthFilter}: a request is served only when it answers
   * 200; otherwise its status and message are the answer. @default none: `/metrics` is open to whoever reaches it
   */
  readonly metricsAuth?: MetricsAuthFilter;
  /**
   * Serve https with this PEM certificate and key, read again when either file changes (polled every 10 s). Without
   * it the server speaks plain http, and a bearer token sent to `/metrics` crosses the network readable.
   * @default none (http)
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** A check still running after this long counts as failed. @default 5_000 */
  readonly checkTimeoutMs?: number;
  /** @default a pino JSON logger */
  readonly logger?: Logger;
}

/** The defaults of {@link HealthServerOptions}. */
export const healthServerDefaults = Object.freeze({ host: '127.0.0.1', port: 8081, checkTimeoutMs: 5_000 });

/** A probe and metrics server. */
export interface HealthServer {
  /**
   * Listens, and serves until `signal` aborts; resolves once the server is closed (open connections included).
   * Rejects when it cannot listen (e.g. `EADDRINUSE`) and, when called twice, with an `Error`.
   */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves with the bound port once listening; rejects as `start` does when it cannot listen. */
  listening(): Promise<{ readonly port: number }>;
  /** `http://<host>:<port>` (`https://` with `tls`) of the listening server. @throws Error before it listens. */
  url(): string;
}

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
}

/**
 * Creates a {@link HealthServer}. `GET /healthz` and `GET /readyz` answer 200 `ok` when every check passes, else 500
 * listing each failed check (`[-]name failed: reason withheld`) then `<endpoint> check failed`, as kube-apiserver
 * and controller-runtime do; `?verbose` lists every check, `?exclude=name` skips one, and `/readyz/<name>` runs one.
 */
export function createHealthServer(options: HealthServerOptions = {}): HealthServer {
  const {
    host = healthServerDefaults.host,
    port = healthServerDefaults.port,
    checks = {},
    registry,
    checkTimeoutMs = healthServerDefaults.checkTimeoutMs,
  } = options;
  const log = (options.logger ?? createLogger()).child({ component: 'health-server' });
  const scheme = options.tls ? 'https' : 'http';
  const endpoints: Readonly<Record<string, Readonly<Record<string, HealthCheck>>>> = {
    healthz: withPing(checks.healthz),
    readyz: withPing(checks.readyz),
  };
  let started = false;
  let boundPort: number | undefined;
  let resolveListening: (value: { port: number }) => void = () => {};
  let rejectListening: (err: unknown) => void = () => {};
  const listeningPromise = new Promise<{ port: number }>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listeningPromise.catch(() => {}); // `start` reports the same failure; no unhandled rejection if nobody asks

  async function serveChecks(endpoint: string, only: string | undefined, url: URL, res: ServerResponse): Promise<void> {
    const all = endpoints[endpoint] ?? {};
    if (only !== undefined && !Object.hasOwn(all, only)) return send(res, 404, `${endpoint} check ${only} not found\n`);
    const excluded = new Set(url.searchParams.getAll('exclude'));
    const selected = Object.entries(all).filter(([name]) => (only === undefined ? !excluded.has(name) : name === only));
    const results = await Promise.all(selected.map(([name, check]) => runCheck(name, check, checkTimeoutMs, log)));
    const failed = results.some((r) => !r.ok);
    const verbose = url.searchParams.has('verbose');
    if (!failed && !verbose) return send(res, 200, 'ok');
    const skipped = only === undefined ? [...excluded].filter((name) => Object.hasOwn(all, name)) : [];
    const lines = [
      ...results
        .filter((r) => verbose || !r.ok)
        .map((r) => (r.ok ? `[+]${r.name} ok\n` : `[-]${r.name} failed: reason withheld\n`)),
      ...skipped.map((name) => `[+]${name} excluded: ok\n`),
    ];
    const label = only ?? endpoint;
    send(res, failed ? 500 : 200, `${lines.join('')}${label} check ${failed ? 'failed' : 'passed'}\n`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, endpoint, only, ...rest] = url.pathname.split('/');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    if ((endpoint === 'healthz' || endpoint === 'readyz') && rest.length === 0) {
      return serveChecks(endpoint, only === '' ? undefined : only, url, res);
    }
    if (endpoint === 'metrics' && only === undefined && registry) {
      const decision = await options.metricsAuth?.(req.headers.authorization);
      if (decision && decision.status !== 200) {
        if (decision.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
        return send(res, decision.status, decision.message);
      }
      const body = await registry.metrics();
      return send(res, 200, body, registry.contentType);
    }
    send(res, 404, 'not found\n');
  }

  return {
    async start(signal) {
      if (started) throw new Error('createHealthServer: start() was already called');
      started = true;
      if (signal.aborted) {
        rejectListening(signal.reason);
        return;
      }
      const handler: RequestListener = (req, res) => {
        handle(req, res).catch((err: unknown) => {
          log.error({ err, url: req.url }, 'health server request failed');
          if (!res.headersSent) send(res, 500, 'internal error\n');
          else res.destroy();
        });
      };
      const { server, stopWatching } = serverFor(options.tls, handler, log);
      await listen(server, host, port).catch((err: unknown) => {
        stopWatching();
        rejectListening(err);
        throw err;
      });
      boundPort = (server.address() as AddressInfo).port;
      log.info({ url: `${scheme}://${hostForUrl(host)}:${boundPort}` }, 'health server listening');
      resolveListening({ port: boundPort });
      await whenAborted(signal);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive connections would hold `close` open
      });
      stopWatching();
      boundPort = undefined;
    },
    listening: () => listeningPromise,
    url() {
      if (boundPort === undefined)
        throw new Error('createHealthServer: url() called while the server is not listening');
      return `${scheme}://${hostForUrl(host)}:${boundPort}`;
    },
  };
}

/** Runs one check, bounded by `timeoutMs`; a failure is logged (never its value). */
async function runCheck(name: string, check: HealthCheck, checkTimeoutMs: number, log: Logger): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), checkTimeoutMs);
  });
  try {
    const ok = await Promise.race([Promise.resolve().then(check), timeout]);
    if (ok !== true) log.warn({ check: name }, 'health check failed');
    return { name, ok: ok === true };
  } catch (err) {
    log.warn({ err, check: name }, 'health check failed');
    return { name, ok: false };
  } finally {
    clearTimeout(timer);
  }
}

/** controller-runtime answers with a `ping` check when none is registered, so `?verbose` is never empty. */
function withPing(checks: Readonly<Record<string, HealthCheck>> = {}): Readonly<Record<string, HealthCheck>> {
  return Object.keys(checks).length > 0 ? checks : { ping: () => true };
}

/** An http server, or an https one whose certificate is read again when its files change. */
function serverFor(tls: HealthServerOptions['tls'], handler: RequestListener, log: Logger) {
  if (!tls) return { server: createServer(handler), stopWatching: () => {} };
  const read = () => ({
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2' as const,
  });
  const server = createTlsServer(read(), handler);
  const reload = () => {
    try {
      server.setSecureContext(read());
      log.info({ certFile: tls.certFile }, 'serving certificate reloaded');
    } catch (err) {
      // A half-done rotation (new certificate, old key) lands here; the next change picks up the rest.
      log.warn({ err, certFile: tls.certFile }, 'new serving certificate not used; keeping the previous one');
    }
  };
  for (const file of [tls.certFile, tls.keyFile]) watchFile(file, { interval: 10_000, persistent: false }, reload);
  return {
    server,
    stopWatching: () => {
      for (const file of [tls.certFile, tls.keyFile]) unwatchFile(file, reload);
    },
  };
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

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function send(res: ServerResponse, code: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
