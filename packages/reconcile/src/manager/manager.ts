/**
 * The manager runs an operator: one client, one shared store, an Event recorder, controllers, leader election,
 * metrics and probes, a start-up check of its RBAC permissions, and a graceful shutdown that drains in-flight
 * reconciles before it releases the lease.
 */

import { hostname } from 'node:os';
import type { KubeConfigSource, RequestInfo } from '@dsoi/client';
import { type Client, type ClientOptions, createClient } from '@dsoi/client';
import { createEventRecorder, type EventRecorder } from '@dsoi/events';
import type { KubeObject } from '@dsoi/object';
import { createStoreFactory, type StoreFactory } from '@dsoi/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Controller, type ControllerOptions, createController } from '../controller/controller.js';
import { MissingPermissionsError } from '../errors.js';
import { leaderOnlyClient } from '../internal/leaderOnlyClient.js';
import { createLogger, type Logger } from '../logger.js';
import { checkPermissions } from './checkPermissions.js';
import { createHealthServer, type HealthCheck } from './healthServer.js';
import { createLeaderElector, LeaderElectionLostError, type LeaderElector } from './leaderElection.js';
import { createControllerMetrics } from './metrics.js';
import { createMetricsAuthFilter } from './metricsAuth.js';
import {
  type ControllerNeeds,
  type ControllerPermissions,
  type PermissionRequest,
  type RequiredPermission,
  requiredPermissions,
} from './requiredPermissions.js';
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
  /** Cluster and credentials: `loadKubeConfig()` of `@dsoi/client`, or a client-node `KubeConfig`. */
  readonly kubeConfig: KubeConfigSource;
  /** Run controllers only while holding this Lease; `false` runs them at once. @default false */
  readonly leaderElection?: ManagerLeaderElectionOptions | false;
  /** `/healthz` and `/readyz`. @default { host: '127.0.0.1', port: 8081 } */
  readonly probes?: BindAddress | false;
  /** Prometheus `/metrics`. @default { host: '127.0.0.1', port: 8080 } */
  readonly metrics?: BindAddress | false;
  /**
   * `/metrics` answers only a bearer token the API server authenticates (TokenReview) whose user may `get` the
   * non-resource URL `/metrics` (SubjectAccessReview), as controller-runtime's secure metrics do: 401 without a valid
   * token, 403 without the grant. The operator then needs `create` on `tokenreviews` and `subjectaccessreviews`
   * (checked at start-up with the rest). Decisions are cached for a minute. @default false
   */
  readonly metricsAuth?: boolean;
  /**
   * Serve `/metrics` over https with this PEM certificate and key (read again when they change). Without it a bearer
   * token crosses the network in plain text. @default none (http)
   */
  readonly metricsTls?: { readonly certFile: string; readonly keyFile: string };
  /** Count a standby (not leading) instance as ready. @default true */
  readonly readyWhenStandby?: boolean;
  /** How long in-flight reconciles may take to finish on shutdown. @default 30_000 */
  readonly shutdownTimeoutMs?: number;
  /** @default a pino JSON logger named after `name` */
  readonly logger?: Logger;
  /** @default a new Registry with Node's default metrics */
  readonly registry?: Registry;
  /**
   * Before leader election and before any controller starts, ask the API server (SelfSubjectAccessReview) whether
   * every permission the controllers, the leader election and `extraPermissions` need is granted, and reject `start`
   * with a `MissingPermissionsError` listing each one that is not. @default true
   */
  readonly checkPermissions?: boolean;
  /**
   * What the operator does outside its controllers' derived needs, e.g. reads of a kind it does not watch. Namespace:
   * all, unless given. A controller's own extras go in its `permissions.extra`. @default []
   */
  readonly extraPermissions?: readonly PermissionRequest[];
  /** Called after every HTTP attempt of the manager's client (besides the `rest_client_*` metrics). @default none */
  readonly onRequest?: (info: RequestInfo) => void;
  /**
   * Limits of the manager's client: requests in flight at once and a QPS/burst token bucket shared by every
   * controller, the store and the Events (see `ClientOptions` of @dsoi/client); `rateLimit: false` turns the bucket
   * off. The Lease has a client of its own, so a saturated bucket never delays a renewal.
   * @default 32 in flight, `managerDefaults.clientRateLimit` (20 QPS, burst 30)
   * NB: the bucket is what stops one bad custom resource (a reconcile that writes on every pass) from flooding the API
   * server; API Priority and Fairness only queues such a flood once it already competes with other clients.
   */
  readonly clientLimits?: Pick<ClientOptions, 'maxConcurrentRequests' | 'rateLimit'>;
  /**
   * Servers and loops the manager runs beside its controllers on every replica, leader or not (e.g. a webhook server
   * of @dsoi/webhook): started with the probes, stopped after the controllers drained and the Lease was released.
   * Each `ready` joins `/readyz` under its `name`. A runnable whose `start` rejects stops the manager, which then
   * rejects with that error. @default []
   */
  readonly runnables?: readonly ManagerRunnable[];
}

/** Something a manager runs beside its controllers (see `ManagerOptions.runnables`). */
export interface ManagerRunnable {
  /** Names its readiness check and its log lines, e.g. `webhook-server`. */
  readonly name: string;
  /** Runs until `signal` aborts; resolves once stopped, rejects on failure. */
  start(signal: AbortSignal): Promise<void>;
  /** Whether it can serve now; `/readyz` fails while this is false. @default always ready */
  ready?(): boolean | Promise<boolean>;
}

/** Defaults of {@link ManagerOptions}. */
export const managerDefaults = Object.freeze({
  probes: Object.freeze({ host: '127.0.0.1', port: 8081 }),
  metrics: Object.freeze({ host: '127.0.0.1', port: 8080 }),
  readyWhenStandby: true,
  shutdownTimeoutMs: 30_000,
  checkPermissions: true,
  /** controller-runtime's defaults up to v0.20 (client-go's rest.Config QPS 20, Burst 30). */
  clientRateLimit: Object.freeze({ qps: 20, burst: 30 }),
});

/** What {@link Manager.addController} takes: a controller's options, and what its reconciler writes. */
export type ManagedControllerOptions<TObject extends KubeObject = KubeObject> = Omit<
  ControllerOptions<TObject>,
  'store' | 'logger' | 'metrics'
> & {
  /** What the start-up permission check adds to the watches. @default status and Events written, no finalizer */
  readonly permissions?: ControllerPermissions;
};

/** A running operator. */
export interface Manager {
  /**
   * The client for reconcilers. Under leader election its writes (create, replace, apply, patch, delete and their
   * status forms) and the recorder's Events are refused with a `LeaderElectionLostError` unless this instance leads
   * at that moment, its last lease renewal younger than `renewDeadlineMs`; so a leader that was paused (SIGSTOP, a
   * long GC pause) past its lease cannot write once a standby took over. Reads are never refused.
   */
  readonly client: Client;
  readonly store: StoreFactory;
  readonly recorder: EventRecorder;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Adds a controller that runs on this manager's store, logger and metrics. Call before `start`. */
  addController<TObject extends KubeObject = KubeObject>(options: ManagedControllerOptions<TObject>): Controller;
  /**
   * Serves probes and metrics, checks the operator's permissions (unless `checkPermissions: false`), waits for
   * leadership (if configured), then runs the store and every controller until `signal` aborts. Shutdown: stop taking
   * work, let in-flight reconciles finish (up to `shutdownTimeoutMs`), stop the informers, write the pending Events,
   * and only then release the Lease; close the servers.
   *
   * Errors: rejects with a `MissingPermissionsError` when RBAC denies something the operator needs (nothing was
   * started), and with a `LeaderElectionLostError` if the lease is lost: the process should exit so it restarts as a
   * standby.
   */
  start(signal: AbortSignal): Promise<void>;
  /** The controllers added so far. */
  controllers(): readonly Controller[];
  /**
   * What `start` checks before it runs anything: every permission the controllers added so far, the leader election
   * and `extraPermissions` need, one entry per verb. `dsoi generate rbac` writes the Role from this list.
   */
  requiredPermissions(): RequiredPermission[];
  /** Whether this instance runs the controllers now. */
  isLeader(): boolean;
  /** The URL of the probe server, once listening. */
  probeUrl(): string | undefined;
  /** The URL of the metrics server, once listening. */
  metricsUrl(): string | undefined;
}

export { LeaderElectionLostError } from './leaderElection.js';

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
    checkPermissions: checkingPermissions = managerDefaults.checkPermissions,
    extraPermissions = [],
    onRequest,
    runnables = [],
  } = options;
  const logger = options.logger ?? createLogger({ name });
  const registry = options.registry ?? defaultRegistry();
  const metricsObserver = createRestClientMetrics(registry);
  const observe = onRequest
    ? (info: RequestInfo) => {
        metricsObserver(info);
        onRequest(info);
      }
    : metricsObserver;
  // The store and the permission check use this one; reconcilers get `client`, guarded below.
  const { rateLimit = managerDefaults.clientRateLimit, maxConcurrentRequests } = options.clientLimits ?? {};
  const apiClient = createClient({
    kubeConfig,
    fieldManager: name,
    onRequest: observe,
    rateLimit,
    ...(maxConcurrentRequests !== undefined && { maxConcurrentRequests }),
  });
  // Informer trouble goes to the operator's structured log, not to the console: a retried list/watch failure is a
  // warning (one retried at once, such as a first 410 Gone, only debug); a throwing event handler is an error.
  const store = createStoreFactory(apiClient, {
    informerOptions: {
      onError: (err, info) =>
        logger[info.retryInMs === 0 ? 'debug' : 'warn']({ err, ...info }, `informer ${info.operation} failed`),
      onHandlerError: (err, info) => logger.error({ err, event: info.event }, 'informer event handler failed'),
    },
  });
  const identity = (leaderElection ? leaderElection.identity : undefined) ?? `${hostname()}_${process.pid}`;
  const controllerMetrics = createControllerMetrics(registry);
  const controllers: Controller[] = [];
  const controllerNeeds: ControllerNeeds[] = [];
  const lease = leaderElection && {
    namespace: leaderElection.namespace,
    leaseName: leaderElection.leaseName ?? `${name}-leader`,
  };
  // The elector's client has no token bucket: a renewal never waits behind reconcile writes (controller-runtime's
  // leader election likewise builds a REST client, and so a rate limiter, of its own).
  const leaseClient = leaderElection ? createClient({ kubeConfig, fieldManager: name, onRequest: observe }) : undefined;
  const elector: LeaderElector | undefined =
    leaderElection && lease && leaseClient
      ? createLeaderElector({
          client: leaseClient,
          name: lease.leaseName,
          namespace: lease.namespace,
          identity,
          logger,
          registry,
          ...pick(leaderElection, ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs']),
        })
      : undefined;
  // Every write of a reconciler, and every Event, checks the lease deadline first (see `Manager.client`).
  const client =
    elector && lease ? leaderOnlyClient(apiClient, elector, `${lease.namespace}/${lease.leaseName}`) : apiClient;
  const recorder = createEventRecorder({
    sink: client.eventSink(),
    reportingController: name,
    reportingInstance: identity.slice(0, 128),
  });
  let leading = false;
  const servers: Servers = {};

  const ready = () => (leading ? store.hasSynced() : readyWhenStandby && elector !== undefined);
  const runnableChecks = Object.fromEntries(
    runnables.flatMap((r) => (r.ready ? [[r.name, () => r.ready?.() ?? true] as const] : [])),
  );

  /** The start-up check: every permission at once, so the error lists them all, not the first one an informer hits. */
  function required(): RequiredPermission[] {
    return requiredPermissions({
      controllers: controllerNeeds,
      ...(lease && { leaderElection: lease }),
      extra: options.metricsAuth ? [...extraPermissions, ...metricsAuthPermissions] : extraPermissions,
    });
  }

  async function verifyPermissions(signal: AbortSignal): Promise<void> {
    let result: Awaited<ReturnType<typeof checkPermissions>>;
    try {
      // Access reviews are creates, made before this instance leads: they go around the leader-only client.
      result = await checkPermissions(apiClient, required(), { signal });
    } catch (err) {
      if (signal.aborted) throw err;
      // The check could not run (the API server failed it, retries included): say so, and start as without it.
      logger.warn({ err }, 'could not check permissions; starting without the check');
      return;
    }
    if (result.unknownKinds.length > 0) {
      const kinds = result.unknownKinds.map((type) => `${type.apiVersion} ${type.kind}`);
      logger.warn({ kinds }, 'not served by the API server (yet): permissions on these kinds were not checked');
    }
    if (result.missing.length > 0) {
      const error = new MissingPermissionsError(name, result.missing);
      logger.error({ missing: result.missing.length, checked: result.checked, err: error }, 'missing permissions');
      throw error;
    }
    logger.info({ checked: result.checked }, 'permissions checked: all granted');
  }

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
        // With no controllers (a manager of webhooks only) there is nothing to finish: run until the signal aborts.
        ...(runs.length > 0 ? [Promise.all(runs)] : []),
        new Promise((resolve) =>
          work.signal.aborted ? resolve(undefined) : work.signal.addEventListener('abort', resolve, { once: true }),
        ),
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
    addController({ permissions, ...controllerOptions }) {
      const controller = createController({ ...controllerOptions, store, logger, metrics: controllerMetrics });
      controllers.push(controller);
      controllerNeeds.push({ ...controllerOptions, ...(permissions && { permissions }) });
      return controller;
    },
    controllers: () => controllers,
    requiredPermissions: () => required(),
    isLeader: () => leading,
    probeUrl: () => servers.probes?.url(),
    metricsUrl: () => servers.metrics?.url(),
    async start(outerSignal) {
      const serverStop = new AbortController();
      const serverRuns: Promise<void>[] = [];
      // A failing runnable stops everything else as a shutdown would, then the manager rejects with its error.
      const failed = new AbortController();
      const signal = AbortSignal.any([outerSignal, failed.signal]);
      let runnableError: unknown;
      for (const runnable of runnables) {
        const run = runnable.start(serverStop.signal).catch((err: unknown) => {
          logger.error({ err, runnable: runnable.name }, 'runnable failed; stopping the manager');
          runnableError ??= err;
          failed.abort(err);
        });
        serverRuns.push(run);
      }
      const serverConfig = { probes, metrics, registry, logger, ready, runnableChecks, apiClient };
      await startServers(
        { ...serverConfig, ...pick(options, ['metricsAuth', 'metricsTls']) },
        servers,
        serverRuns,
        serverStop.signal,
      );
      logger.info(
        { controllers: controllers.map((c) => c.name), leaderElection: Boolean(elector) },
        'manager starting',
      );
      try {
        if (checkingPermissions) await verifyPermissions(signal);
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
          // Release the lease only after the controllers drained and the pending Events were written (while this
          // instance still leads: after the release the guard refuses them), so two leaders never act at once.
          await recorder.close();
          electorStop.abort();
          await electorRun;
        }
      } catch (err) {
        if (!(err instanceof Error && err.name === 'AbortError' && signal.aborted)) throw err;
      } finally {
        await recorder.close();
        serverStop.abort();
        await Promise.all(serverRuns);
        apiClient.close();
        leaseClient?.close();
        logger.info({}, 'manager stopped');
        // biome-ignore lint/correctness/noUnsafeFinally: the runnable's failure is the outcome, even after a return
        if (runnableError !== undefined) throw runnableError;
      }
    },
  };
}

interface Servers {
  probes?: { url(): string };
  metrics?: { url(): string };
}

/** What `/metrics` behind `metricsAuth` makes the operator do: both reviews, cluster-wide. */
const metricsAuthPermissions: readonly PermissionRequest[] = [
  {
    verbs: ['create'],
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    purpose: 'authenticates scrapers of /metrics',
  },
  {
    verbs: ['create'],
    group: 'authorization.k8s.io',
    resource: 'subjectaccessreviews',
    purpose: 'authorises scrapers of /metrics',
  },
];

/** Starts the probe and the metrics servers (each until `stop` aborts) and resolves once both listen. */
async function startServers(
  config: Pick<ManagerOptions, 'probes' | 'metrics' | 'metricsAuth' | 'metricsTls'> & {
    readonly registry: Registry;
    readonly logger: Logger;
    readonly ready: HealthCheck;
    readonly runnableChecks: Readonly<Record<string, HealthCheck>>;
    readonly apiClient: Client;
  },
  servers: Servers,
  runs: Promise<void>[],
  stop: AbortSignal,
): Promise<void> {
  const { probes, metrics, registry, logger } = config;
  if (probes) {
    const server = createHealthServer({
      host: probes.host ?? '127.0.0.1',
      port: probes.port,
      checks: {
        healthz: { ping: () => true },
        readyz: { 'informers-synced-or-standby': config.ready, ...config.runnableChecks },
      },
      logger,
    });
    runs.push(server.start(stop));
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
      ...(config.metricsAuth && { metricsAuth: createMetricsAuthFilter({ client: config.apiClient, logger }) }),
      ...(config.metricsTls && { tls: config.metricsTls }),
    });
    runs.push(server.start(stop));
    await server.listening();
    servers.metrics = server;
  }
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
