/**
 * The routes of the health server: `/healthz` and `/readyz` in kube-apiserver's format (`?verbose`, `?exclude=`,
 * `/<endpoint>/<check>`), and `/metrics` behind its optional bearer-token check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { HealthCheck, HealthChecks } from './healthServer.js';
import type { MetricsAuthFilter } from './metricsAuth.js';

/** What {@link createHealthRoutes} answers from. */
export interface HealthRoutesOptions {
  readonly checks: HealthChecks;
  /** Serves `GET /metrics` when given. */
  readonly registry: Registry | undefined;
  readonly metricsAuth: MetricsAuthFilter | undefined;
  /** A check still running after this long counts as failed. */
  readonly checkTimeoutMs: number;
  readonly log: Logger;
}

/** Answers one request; rejects only on a failure of its own (the caller answers 500). */
export type HealthRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
}

/** The request handler of a health server. */
export function createHealthRoutes(options: HealthRoutesOptions): HealthRoutes {
  const { checks, registry, metricsAuth, checkTimeoutMs, log } = options;
  const endpoints: Readonly<Record<string, Readonly<Record<string, HealthCheck>>>> = {
    healthz: withPing(checks.healthz),
    readyz: withPing(checks.readyz),
  };

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

  async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Registry): Promise<void> {
    const decision = await metricsAuth?.(req.headers.authorization);
    if (decision && decision.status !== 200) {
      if (decision.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, decision.status, decision.message);
    }
    const body = await metrics.metrics();
    send(res, 200, body, metrics.contentType);
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, endpoint, only, ...rest] = url.pathname.split('/');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    if ((endpoint === 'healthz' || endpoint === 'readyz') && rest.length === 0) {
      return serveChecks(endpoint, only === '' ? undefined : only, url, res);
    }
    if (endpoint === 'metrics' && only === undefined && registry) return serveMetrics(req, res, registry);
    send(res, 404, 'not found\n');
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

/** Writes a whole answer (no body for HEAD). */
export function send(res: ServerResponse, code: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
