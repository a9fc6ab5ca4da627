/**
 * What a manager runs on every replica, leader or not: its runnables (a webhook server, say) and its probe and
 * metrics servers. They start first and stop last, so a standby answers `/readyz` and a leader's probes stay up while
 * it drains.
 */
import type { Client } from '@dsoi/client';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { createHealthServer, type HealthCheck, type HealthServer } from './healthServer.js';
import type { BindAddress, ManagerOptions, ManagerRunnable } from './manager.js';
import type { LifecycleServers } from './managerLifecycle.js';
import { createMetricsAuthFilter } from './metricsAuth.js';

/** What {@link ManagerServers} serves. */
export interface ManagerServersOptions
  extends Pick<ManagerOptions, 'probes' | 'metrics' | 'metricsAuth' | 'metricsTls'> {
  readonly runnables: readonly ManagerRunnable[];
  readonly registry: Registry;
  readonly logger: Logger;
  /** The manager's own readiness (`informers-synced-or-standby` on `/readyz`). */
  readonly ready: HealthCheck;
  /** Makes the reviews of `metricsAuth` (never the leader-only client: a standby serves `/metrics` too). */
  readonly apiClient: Client;
}

/** The runnables and the probe and metrics servers of one manager run: started together, stopped together. */
export class ManagerServers implements LifecycleServers {
  readonly #options: ManagerServersOptions;
  readonly #stop = new AbortController();
  readonly #failed = new AbortController();
  readonly #runs: Promise<void>[] = [];
  #failure: { readonly error: unknown } | undefined;
  #probes: HealthServer | undefined;
  #metrics: HealthServer | undefined;

  constructor(options: ManagerServersOptions) {
    this.#options = options;
  }

  get failed(): AbortSignal {
    return this.#failed.signal;
  }

  /** The URL of the probe server, once listening. */
  probeUrl(): string | undefined {
    return this.#probes?.url();
  }

  /** The URL of the metrics server, once listening. */
  metricsUrl(): string | undefined {
    return this.#metrics?.url();
  }

  async start(): Promise<void> {
    const { runnables, logger, probes, metrics } = this.#options;
    for (const runnable of runnables) {
      const run = runnable.start(this.#stop.signal).catch((err: unknown) => {
        logger.error({ err, runnable: runnable.name }, 'runnable failed; stopping the manager');
        this.#failure ??= { error: err };
        this.#failed.abort(err);
      });
      this.#runs.push(run);
    }
    if (probes) this.#probes = await this.#listen(this.#probeServer(probes));
    if (metrics) this.#metrics = await this.#listen(this.#metricsServer(metrics));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#runs);
    if (this.#failure) throw this.#failure.error;
  }

  /**
   * Starts `server` until stopped and resolves with it once it listens. When it cannot listen (`EADDRINUSE`), rejects
   * with that error; its `start` rejects with the same one, awaited here so it is not left unhandled.
   */
  async #listen(server: HealthServer): Promise<HealthServer> {
    const run = server.start(this.#stop.signal);
    await server.listening().catch(async (err: unknown) => {
      await run.catch(() => {});
      throw err;
    });
    this.#runs.push(run);
    return server;
  }

  #probeServer(probes: BindAddress): HealthServer {
    const runnableChecks = Object.fromEntries(
      this.#options.runnables.flatMap((r) => (r.ready ? [[r.name, () => r.ready?.() ?? true] as const] : [])),
    );
    return createHealthServer({
      host: probes.host ?? '127.0.0.1',
      port: probes.port,
      checks: {
        healthz: { ping: () => true },
        readyz: { 'informers-synced-or-standby': this.#options.ready, ...runnableChecks },
      },
      logger: this.#options.logger,
    });
  }

  #metricsServer(metrics: BindAddress): HealthServer {
    const { registry, logger, metricsAuth, metricsTls, apiClient } = this.#options;
    return createHealthServer({
      host: metrics.host ?? '127.0.0.1',
      port: metrics.port,
      checks: { healthz: {}, readyz: {} },
      registry,
      logger,
      ...(metricsAuth && { metricsAuth: createMetricsAuthFilter({ client: apiClient, logger }) }),
      ...(metricsTls && { tls: metricsTls }),
    });
  }
}
