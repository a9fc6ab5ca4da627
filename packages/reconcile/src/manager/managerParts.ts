/**
 * The parts a manager is built from, made once from its options: the API clients (one for the store and the
 * permission check, one for the Lease, and the leader-only one reconcilers get), the shared store, the elector and the
 * Event recorder.
 */
import { hostname } from 'node:os';
import { type Client, createClient, type RequestInfo } from '@dsoi/client';
import { createEventRecorder, type EventRecorder } from '@dsoi/events';
import { createStoreFactory, type StoreFactory } from '@dsoi/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { leaderOnlyClient } from '../internal/leaderOnlyClient.js';
import { createLogger, type Logger } from '../logger.js';
import { createLeaderElector, type LeaderElector } from './leaderElection.js';
import { type ManagerOptions, managerDefaults } from './manager.js';
import { createRestClientMetrics } from './restClientMetrics.js';

/** What {@link createManagerParts} builds. */
export interface ManagerParts {
  readonly logger: Logger;
  readonly registry: Registry;
  /** Unguarded: the store, the permission check and the metrics reviews use it (they run before leading). */
  readonly apiClient: Client;
  /** What reconcilers get: `apiClient`, its writes refused unless this replica leads (under leader election). */
  readonly client: Client;
  /** The Lease's own client, without a token bucket; `undefined` without leader election. */
  readonly leaseClient: Client | undefined;
  readonly store: StoreFactory;
  readonly recorder: EventRecorder;
  /** This replica's identity: the Lease holder and the Events' reporting instance. */
  readonly identity: string;
  /** The Lease, when leader election is on. */
  readonly lease: { readonly namespace: string; readonly leaseName: string } | undefined;
  readonly elector: LeaderElector | undefined;
}

/** Builds the parts of a manager; nothing runs and nothing is requested until the manager starts. */
export function createManagerParts(options: ManagerOptions): ManagerParts {
  const { name, kubeConfig, leaderElection = false } = options;
  const logger = options.logger ?? createLogger({ name });
  const registry = options.registry ?? defaultRegistry();
  const observe = requestObserver(registry, options.onRequest);
  const { rateLimit = managerDefaults.clientRateLimit, maxConcurrentRequests } = options.clientLimits ?? {};
  const apiClient = createClient({
    kubeConfig,
    fieldManager: name,
    onRequest: observe,
    rateLimit,
    ...(maxConcurrentRequests !== undefined && { maxConcurrentRequests }),
  });
  const identity = (leaderElection ? leaderElection.identity : undefined) ?? `${hostname()}_${process.pid}`;
  const lease = leaderElection
    ? { namespace: leaderElection.namespace, leaseName: leaderElection.leaseName ?? `${name}-leader` }
    : undefined;
  // The elector's client has no token bucket: a renewal never waits behind reconcile writes (controller-runtime's
  // leader election likewise builds a REST client, and so a rate limiter, of its own).
  const leaseClient = leaderElection ? createClient({ kubeConfig, fieldManager: name, onRequest: observe }) : undefined;
  const elector =
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
  const store = createInformerStore(apiClient, logger);
  return { logger, registry, apiClient, client, leaseClient, store, recorder, identity, lease, elector };
}

/**
 * The shared store. Informer trouble goes to the operator's structured log, not to the console: a retried list/watch
 * failure is a warning (one retried at once, such as a first 410 Gone, only debug); a throwing handler is an error.
 */
function createInformerStore(apiClient: Client, logger: Logger): StoreFactory {
  return createStoreFactory(apiClient, {
    informerOptions: {
      onError: (err, info) =>
        logger[info.retryInMs === 0 ? 'debug' : 'warn']({ err, ...info }, `informer ${info.operation} failed`),
      onHandlerError: (err, info) => logger.error({ err, event: info.event }, 'informer event handler failed'),
    },
  });
}

/** The `rest_client_*` metrics of every request, then the caller's `onRequest`. */
function requestObserver(registry: Registry, onRequest: ManagerOptions['onRequest']): (info: RequestInfo) => void {
  const metricsObserver = createRestClientMetrics(registry);
  if (!onRequest) return metricsObserver;
  return (info) => {
    metricsObserver(info);
    onRequest(info);
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
