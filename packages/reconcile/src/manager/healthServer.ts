/** The HTTP server of the probes (`/healthz`, `/readyz`, in kube-apiserver's format) and of `/metrics`. */
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { whenAborted } from '../internal/signals.js';
import { createLogger, type Logger } from '../logger.js';
import { createHealthRoutes, type HealthRoutes, send } from './healthRoutes.js';
import { close, createHttpServer, listen } from './httpServer.js';
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

/**
 * Where a health server is: `idle` until `start`, `starting` until it listens, `listening` (on `port`) until its signal
 * aborts and every connection closed, then `closed` (also when it could not listen). It never starts twice.
 */
type HealthServerState =
  | { readonly name: 'idle' | 'starting' | 'closed' }
  | { readonly name: 'listening'; readonly port: number };

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
    metricsAuth,
    tls,
    checkTimeoutMs = healthServerDefaults.checkTimeoutMs,
  } = options;
  const log = (options.logger ?? createLogger()).child({ component: 'health-server' });
  const routes = createHealthRoutes({ checks, registry, metricsAuth, checkTimeoutMs, log });
  const urlOf = (boundPort: number) => `${tls ? 'https' : 'http'}://${hostForUrl(host)}:${boundPort}`;
  let state: HealthServerState = { name: 'idle' };
  let resolveListening: (value: { port: number }) => void = () => {};
  let rejectListening: (err: unknown) => void = () => {};
  const listening = new Promise<{ port: number }>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  listening.catch(() => {}); // `start` reports the same failure; no unhandled rejection if nobody asks

  return {
    async start(signal) {
      if (state.name !== 'idle') throw new Error('createHealthServer: start() was already called');
      state = { name: 'starting' };
      if (signal.aborted) {
        state = { name: 'closed' };
        return rejectListening(signal.reason);
      }
      const { server, stopWatching } = createHttpServer(requestListener(routes, log), tls, log);
      await listen(server, host, port).catch((err: unknown) => {
        stopWatching();
        state = { name: 'closed' };
        rejectListening(err);
        throw err;
      });
      const boundPort = (server.address() as AddressInfo).port;
      state = { name: 'listening', port: boundPort };
      log.info({ url: urlOf(boundPort) }, 'health server listening');
      resolveListening({ port: boundPort });
      await whenAborted(signal);
      await close(server);
      stopWatching();
      state = { name: 'closed' };
    },
    listening: () => listening,
    url() {
      if (state.name !== 'listening')
        throw new Error('createHealthServer: url() called while the server is not listening');
      return urlOf(state.port);
    },
  };
}

/** The routes as a Node request listener: a failure of their own answers 500 (or cuts a started answer). */
function requestListener(routes: HealthRoutes, log: Logger): RequestListener {
  return (req, res) => {
    routes(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'health server request failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
