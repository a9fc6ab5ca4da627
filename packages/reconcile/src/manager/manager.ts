/**
 * The manager runs an operator: one client, one shared store, an Event recorder, controllers, leader election,
 * metrics and probes, a start-up check of its RBAC permissions, and a graceful shutdown that drains in-flight
 * reconciles before it releases the lease.
 */
import type { Client, ClientOptions, KubeConfigSource, RequestInfo } from '@dsoi/client';
import type { EventRecorder } from '@dsoi/events';
import type { KubeObject } from '@dsoi/object';
import type { StoreFactory } from '@dsoi/store';
import type { Registry } from 'prom-client';
import { type Controller, type ControllerOptions, createController } from '../controller/controller.js';
import type { Logger } from '../logger.js';
import { managerDefaults } from './managerDefaults.js';
import { ManagerLifecycle, type ManagerState } from './managerLifecycle.js';
import { createManagerParts } from './managerParts.js';
import { ManagerServers } from './managerServers.js';
import { createControllerMetrics } from './metrics.js';
import {
  type ControllerNeeds,
  type ControllerPermissions,
  type PermissionRequest,
  type RequiredPermission,
  requiredPermissions,
} from './requiredPermissions.js';
import { metricsAuthPermissions, verifyPermissions } from './verifyPermissions.js';

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
  /** Whether this instance runs the controllers now: leading, or draining their in-flight reconciles. */
  isLeader(): boolean;
  /**
   * Where the manager is in its life: `created` → `starting` → (`standby` under leader election) → `leading` →
   * `draining` → `stopping` → `stopped`; a failure or a stop before leading goes from `starting` or `standby` straight
   * to `stopping` (see `ManagerState`).
   */
  state(): ManagerState;
  /** The URL of the probe server, once listening. */
  probeUrl(): string | undefined;
  /** The URL of the metrics server, once listening. */
  metricsUrl(): string | undefined;
}

export { LeaderElectionLostError } from './leaderElection.js';
export { managerDefaults } from './managerDefaults.js';
export type { ManagerState };

/** Creates a {@link Manager}; nothing runs and nothing is requested until `start`. */
export function createManager(options: ManagerOptions): Manager {
  const {
    name,
    probes = managerDefaults.probes,
    metrics = managerDefaults.metrics,
    readyWhenStandby = managerDefaults.readyWhenStandby,
    shutdownTimeoutMs = managerDefaults.shutdownTimeoutMs,
    checkPermissions = managerDefaults.checkPermissions,
    extraPermissions = [],
    runnables = [],
  } = options;
  const parts = createManagerParts(options);
  const { client, store, recorder, registry, logger, apiClient, leaseClient, elector, lease } = parts;
  const controllerMetrics = createControllerMetrics(registry);
  const controllers: Controller[] = [];
  const controllerNeeds: ControllerNeeds[] = [];
  /** The start-up check: every permission at once, so the error lists them all, not the first one an informer hits. */
  const required = (): RequiredPermission[] =>
    requiredPermissions({
      controllers: controllerNeeds,
      ...(lease && { leaderElection: lease }),
      extra: options.metricsAuth ? [...extraPermissions, ...metricsAuthPermissions] : extraPermissions,
    });
  const servers: ManagerServers = new ManagerServers({
    probes,
    metrics,
    runnables,
    registry,
    logger,
    apiClient,
    metricsAuth: options.metricsAuth,
    metricsTls: options.metricsTls,
    ready: () => (lifecycle.isLeader() ? store.hasSynced() : readyWhenStandby && elector !== undefined),
  });
  const lifecycle: ManagerLifecycle = new ManagerLifecycle({
    identity: parts.identity,
    logger,
    shutdownTimeoutMs,
    servers,
    store,
    elector,
    controllers: () => controllers,
    verifyPermissions: checkPermissions
      ? (signal) => verifyPermissions(apiClient, required(), { name, logger, signal })
      : undefined,
    flushEvents: () => recorder.close(),
    close: () => {
      apiClient.close();
      leaseClient?.close();
    },
  });
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
    requiredPermissions: required,
    isLeader: () => lifecycle.isLeader(),
    state: () => lifecycle.state(),
    probeUrl: () => servers.probeUrl(),
    metricsUrl: () => servers.metricsUrl(),
    start: (signal) => lifecycle.start(signal),
  };
}
