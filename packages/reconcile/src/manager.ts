/**
 * The manager runs an operator: one client, one shared store, an Event recorder, controllers, leader election,
 * metrics and probes, and a graceful shutdown that drains in-flight reconciles before it releases the lease.
 */
import { hostname } from 'node:os';
import type { KubeObject } from '@dsoi/client';
import { type Client, createClient } from '@dsoi/client';
import { createEventRecorder, type EventRecorder } from '@dsoi/events';
import { createStoreFactory, type StoreFactory } from '@dsoi/store';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Controller, type ControllerOptions, createController } from './controller.js';
import { createHealthServer } from './healthServer.js';
import { createLeaderElector, type LeaderElector } from './leaderElection.js';
import { createLogger, type Logger } from './logger.js';
import { createControllerMetrics } from './metrics.js';
import { createRestClientMetrics } from './restClientMetrics.js';

/** Where a server listens. */
export interface BindAddress {
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly port: number;
}

/** Leader election settings (see `createLeaderElector`). */
export interface ManagerLeaderElectionOptions {
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Name of the Lease. @default `${name}-leader` */
  readonly leaseName?: string;
  /** This instance's identity. @default `${hostname}_${pid}` */
  readonly identity?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

/** Options of {@link createManager}. */
export interface ManagerOptions {
  /** The operator's name: field manager of every write and reporting controller of its Events, e.g. `pinot-operator`. */
  readonly name: string;
  /** Cluster and credentials. */
  readonly kubeConfig: KubeConfig;
  /** Run controllers only while holding this Lease; `false` runs them at once. @default false */
  readonly leaderElection?: ManagerLeaderElectionOptions | false;
  /** `/healthz` and `/readyz`. @default { host: '127.0.0.1', port: 8081 } */
  readonly probes?: BindAddress | false;
  /** Prometheus `/metrics`. @default { host: '127.0.0.1', port: 8080 } */
  readonly metrics?: BindAddress | false;
  /** Count a standby (not leading) instance as ready. @default true */
  readonly readyWhenStandby?: boolean;
  /** How long in-flight reconciles may take to finish on shutdown. @default 30_000 */
  readonly shutdownTimeoutMs?: number;
  /** @default a pino JSON logger named after `name` */
  readonly logger?: Logger;
  /** @default a new Registry with Node's default metrics */
  readonly registry?: Registry;
}

/** Defaults of {@link ManagerOptions}. */
export const managerDefaults = Object.freeze({
  probes: Object.freeze({ host: '127.0.0.1', port: 8081 }),
  metrics: Object.freeze({ host: '127.0.0.1', port: 8080 }),
  readyWhenStandby: true,
  shutdownTimeoutMs: 30_000,
});

/** A running operator. */
export interface Manager {
  readonly client: Client;
  readonly store: StoreFactory;
  readonly recorder: EventRecorder;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Adds a controller that runs on this manager's store, logger and metrics. Call before `start`. */
  addController<TObject extends KubeObject = KubeObject>(
    options: Omit<ControllerOptions<TObject>, 'store' | 'logger' | 'metrics'>,
  ): Controller;
  /**
   * Serves probes and metrics, waits for leadership (if configured), then runs the store and every controller until
   * `signal` aborts. Shutdown: stop taking work, let in-flight reconciles finish (up to `shutdownTimeoutMs`), stop the
   * informers, flush Events, release the Lease, close the servers. Rejects with a `LeaderElectionLostError` if the
   * lease is lost: the process should exit so it restarts as a standby.
   */
  start(signal: AbortSignal): Promise<void>;
  /** The controllers added so far. */
  controllers(): readonly Controller[];
  /** Whether this instance runs the controllers now. */
  isLeader(): boolean;
  /** The URL of the probe server, once listening. */
  probeUrl(): string | undefined;
  /** The URL of the metrics server, once listening. */
  metricsUrl(): string | undefined;
}

/** The lease was lost while leading; controllers stopped. */
export class LeaderElectionLostError extends Error {
  override readonly name = 'LeaderElectionLostError';
}

/** Creates a {@link Manager}. */
export function createManager(options: ManagerOptions): Manager {
  const {
    name,
    kubeConfig,
    leaderElection = false,
    probes = managerDefaults.probes,
    metrics = managerDefaults.metrics,
    readyWhenStandby = managerDefaults.readyWhenStandby,
    shutdownTimeoutMs = managerDefaults.shutdownTimeoutMs,
  } = options;
  const logger = options.logger ?? createLogger({ name });
  const registry = options.registry ?? defaultRegistry();
  const client = createClient({ kubeConfig, fieldManager: name, onRequest: createRestClientMetrics(registry) });
  const store = createStoreFactory(client);
  const identity = (leaderElection ? leaderElection.identity : undefined) ?? `${hostname()}_${process.pid}`;
  const recorder = createEventRecorder({
    sink: client.eventSink(),
    reportingController: name,
    reportingInstance: identity.slice(0, 128),
  });
  const controllerMetrics = createControllerMetrics(registry);
  const controllers: Controller[] = [];
  const elector: LeaderElector | undefined = leaderElection
    ? createLeaderElector({
        client,
        name: leaderElection.leaseName ?? `${name}-leader`,
        namespace: leaderElection.namespace,
        identity,
        logger,
        registry,
        ...pick(leaderElection, ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs']),
      })
    : undefined;
  let leading = false;
  const servers: { probes?: { url(): string }; metrics?: { url(): string } } = {};

  const ready = () => (leading ? store.hasSynced() : readyWhenStandby && elector !== undefined);

  async function runControllers(signal: AbortSignal): Promise<void> {
    const work = new AbortController();
    const storeStop = new AbortController();
    const onStop = () => work.abort(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted) onStop();
    const storeRun = store.start(storeStop.signal);
    const runs = controllers.map((c) => c.start(work.signal));
    leading = true;
    try {
      await Promise.race([
        Promise.all(runs),
        new Promise((resolve) => work.signal.addEventListener('abort', resolve, { once: true })),
      ]);
      // Draining: in-flight reconciles finish, bounded by the shutdown timeout.
      const drained = await Promise.race([
        Promise.all(runs).then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), shutdownTimeoutMs).unref()),
      ]);
      if (!drained) logger.warn({ shutdownTimeoutMs }, 'in-flight reconciles did not finish in time; stopping anyway');
    } finally {
      leading = false;
      storeStop.abort();
      await storeRun.catch((err: unknown) => logger.error({ err }, 'store stopped with an error'));
      signal.removeEventListener('abort', onStop);
    }
  }

  return {
    client,
    store,
    recorder,
    registry,
    logger,
    addController(controllerOptions) {
      const controller = createController({ ...controllerOptions, store, logger, metrics: controllerMetrics });
      controllers.push(controller);
      return controller;
    },
    controllers: () => controllers,
    isLeader: () => leading,
    probeUrl: () => servers.probes?.url(),
    metricsUrl: () => servers.metrics?.url(),
    async start(signal) {
      const serverStop = new AbortController();
      const serverRuns: Promise<void>[] = [];
      if (probes) {
        const server = createHealthServer({
          host: probes.host ?? '127.0.0.1',
          port: probes.port,
          checks: { healthz: { ping: () => true }, readyz: { 'informers-synced-or-standby': ready } },
          logger,
        });
        serverRuns.push(server.start(serverStop.signal));
        await server.listening();
        servers.probes = server;
      }
      if (metrics) {
        const server = createHealthServer({
          host: metrics.host ?? '127.0.0.1',
          port: metrics.port,
          checks: { healthz: {}, readyz: {} },
          registry,
          logger,
        });
        serverRuns.push(server.start(serverStop.signal));
        await server.listening();
        servers.metrics = server;
      }
      logger.info(
        { controllers: controllers.map((c) => c.name), leaderElection: Boolean(elector) },
        'manager starting',
      );
      try {
        if (!elector) {
          await runControllers(signal);
          return;
        }
        const electorStop = new AbortController();
        const electorRun = elector.start(electorStop.signal);
        try {
          await elector.whenLeader(signal);
          if (signal.aborted) return;
          logger.info({ identity }, 'became leader; starting controllers');
          const lost = elector.leadingSignal();
          await runControllers(AbortSignal.any([signal, lost]));
          if (lost.aborted && !signal.aborted)
            throw new LeaderElectionLostError(`${identity} lost the lease; stopping`);
        } finally {
          // Release the lease only after the controllers drained, so two leaders never act at once.
          electorStop.abort();
          await electorRun;
        }
      } catch (err) {
        if (!(err instanceof Error && err.name === 'AbortError' && signal.aborted)) throw err;
      } finally {
        await recorder.close();
        serverStop.abort();
        await Promise.all(serverRuns);
        client.close();
        logger.info({}, 'manager stopped');
      }
    },
  };
}

function defaultRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]])) as Partial<
    Pick<T, K>
  >;
}
