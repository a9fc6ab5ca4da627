/**
 * The Pinot operator: one manager running four controllers (Pinot clusters and the REST-backed PinotSchema,
 * PinotTable and PinotTenant), with the Go operator's settings (`RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`).
 */
import type { KubeObject, TypeMeta } from '@dsoi/client';
import { createManager, type Manager, type ManagerOptions, type ReconcileRequest } from '@dsoi/reconcile';
import {
  annotationsChanged,
  createDefaultRateLimiter,
  generationChanged,
  labelsChanged,
  namespaceFilter,
  notPaused,
  or,
  type Predicate,
} from '@dsoi/reconcile/controller';
import type { OperatorFlags } from '@dsoi/reconcile/manager';
import type { SharedInformerHandle } from '@dsoi/store';
import { pinotApiVersion } from './api/common.ts';
import type { Pinot } from './api/pinot.ts';
import { createPinotReconciler, pinotOwnedKinds } from './cluster/pinotReconciler.ts';
import { type ControllerUrlOverride, createEndpointResolver } from './rest/controllerEndpoint.ts';
import { pinotHttpClientDefaults } from './rest/pinotHttpClient.ts';
import { type RestKind, schemaKind, tableKind, tenantKind } from './rest/restKinds.ts';
import { createRestReconciler, type RestObject } from './rest/restReconciler.ts';
import { schemaNameOfTable } from './rest/segmentReload.ts';
import { parseJson } from './rest/semanticJson.ts';
import { createPinotWebhookServer, type PinotWebhookServerOptions } from './webhook/pinotWebhookServer.ts';

/** The Pinot cluster kind. */
export const pinotType: TypeMeta = { apiVersion: pinotApiVersion, kind: 'Pinot' };
const serviceType: TypeMeta = { apiVersion: 'v1', kind: 'Service' };
const secretType: TypeMeta = { apiVersion: 'v1', kind: 'Secret' };

/** The Go operator's ignore annotation of Pinot clusters (`"true"` = do not reconcile), still honoured. */
export const legacyPinotIgnoreAnnotation = 'pinot.datainfra.io/reconcile';

/**
 * Options of {@link createPinotOperator}: the manager's own (`ManagerOptions`), the Go operator's environment
 * settings, and how to reach Pinot's REST API.
 */
export interface PinotOperatorOptions
  extends Pick<
      ManagerOptions,
      'kubeConfig' | 'leaderElection' | 'probes' | 'metrics' | 'logger' | 'clientLimits' | 'onRequest'
    >,
    Partial<Pick<OperatorFlags, 'reconcileWaitMs' | 'denyList' | 'watchNamespaces'>> {
  /** The Pinot controller URL, instead of discovery from the controller Service (outside the cluster, tests). @default discovery */
  readonly controllerUrl?: ControllerUrlOverride;
  /**
   * Namespaces besides a Pinot CR's own whose Secrets its `spec.auth` and `spec.controllerTLS` may name
   * (`--secret-namespaces`). @default [] (own namespace only: a CR cannot make the operator read another team's Secret)
   */
  readonly secretNamespaces?: readonly string[];
  /** Time allowed per Pinot REST request. @default 10_000 */
  readonly httpTimeoutMs?: number;
  /** Field manager and Event reporter. @default 'pinot-operator' */
  readonly name?: string;
  /** Serves the validating webhooks of PinotSchema and PinotTable on every replica. @default no webhook server */
  readonly webhook?: PinotWebhookServerOptions;
}

/** The defaults of {@link PinotOperatorOptions}. */
export const pinotOperatorDefaults = Object.freeze({
  reconcileWaitMs: 10_000,
  httpTimeoutMs: pinotHttpClientDefaults.timeoutMs,
  name: 'pinot-operator',
  leaderElectionId: 'e8b13a47.datainfra.io',
});

/** A configured Pinot operator. */
export interface PinotOperator {
  readonly manager: Manager;
  /** Runs until `signal` aborts (see `Manager.start`). */
  start(signal: AbortSignal): Promise<void>;
}

/** A deletion started: the finalizers must run even if nothing else changed. */
const deletionStarted: Predicate = (event) => {
  const deleting = (object: KubeObject) =>
    Boolean((object.metadata as { deletionTimestamp?: string } | undefined)?.deletionTimestamp);
  return event.type === 'update' && deleting(event.object) !== deleting(event.oldObject);
};

/** The `schemaName` of a PinotSchema's document. */
const schemaNameOf = (o: RestObject) =>
  (parseJson(String(o.spec['schema.json'] ?? '')) as { schemaName?: string } | undefined)?.schemaName;

/** Creates the operator; nothing runs until `start`. */
export function createPinotOperator(options: PinotOperatorOptions): PinotOperator {
  const {
    kubeConfig,
    reconcileWaitMs = pinotOperatorDefaults.reconcileWaitMs,
    denyList = [],
    watchNamespaces = [],
    controllerUrl,
    secretNamespaces = [],
    httpTimeoutMs = pinotOperatorDefaults.httpTimeoutMs,
    name = pinotOperatorDefaults.name,
  } = options;
  const webhook = options.webhook && createPinotWebhookServer(options.webhook);
  const manager = createManager({
    name,
    ...(webhook && { runnables: [webhook.server] }),
    kubeConfig,
    leaderElection: options.leaderElection ?? false,
    ...(options.probes !== undefined && { probes: options.probes }),
    ...(options.metrics !== undefined && { metrics: options.metrics }),
    ...(options.logger && { logger: options.logger }),
    ...(options.clientLimits && { clientLimits: options.clientLimits }),
    ...(options.onRequest && { onRequest: options.onRequest }),
  });
  // One namespace narrows every watch; several are watched cluster-wide and filtered.
  const scope = watchNamespaces.length === 1 ? { namespace: watchNamespaces[0]! } : {};
  const filters = (legacyAnnotation: string) => [
    namespaceFilter({ allow: watchNamespaces, deny: denyList }),
    notPaused(),
    notPaused(legacyAnnotation),
    or(generationChanged, annotationsChanged, labelsChanged, deletionStarted),
  ];

  const childLabelSelector = { app: 'pinot' };
  const handles: SharedInformerHandle[] = [];
  const acquire = <TObject extends KubeObject>(type: TypeMeta, labelSelector?: Record<string, string>) => {
    const handle = manager.store.informer<TObject>(type, { ...scope, ...(labelSelector && { labelSelector }) });
    handles.push(handle);
    return handle.informer;
  };
  const pinots = acquire<Pinot>(pinotType);
  // The controller Services the operator made (the same informer as the owned Services: one list, one watch).
  const services = acquire(serviceType, childLabelSelector);
  const restInformers = new Map(
    [schemaKind, tableKind, tenantKind].map((kind) => [kind.type.kind, acquire<RestObject>(kind.type)] as const),
  );

  webhook?.serveFrom({ pinots, tables: restInformers.get('PinotTable')!, client: manager.client });
  manager.addController<Pinot>({
    name: 'pinot',
    for: pinotType,
    owns: pinotOwnedKinds,
    // Every child carries the Go operator's `app: pinot` label (pinotNodeLabels): unrelated ConfigMaps, Services and
    // workloads of the watched namespaces are neither cached nor watched.
    ownedLabelSelector: childLabelSelector,
    ...scope,
    predicates: filters(legacyPinotIgnoreAnnotation) as Predicate<Pinot & KubeObject>[],
    reconciler: createPinotReconciler({
      client: manager.client,
      recorder: manager.recorder,
      reconcileWaitMs,
      fieldManager: name,
    }),
  });

  const resolveEndpoint = createEndpointResolver({
    getService: (ns, serviceName) => services.get(serviceName, ns),
    reader: manager.client,
    secretNamespaces,
    ...(controllerUrl !== undefined && { controllerUrl }),
  });
  const objectsOfCluster =
    (kind: RestKind) =>
    (pinot: KubeObject): ReconcileRequest[] =>
      restInformers
        .get(kind.type.kind)!
        .list({ namespace: pinot.metadata?.namespace ?? '' })
        .filter((o) => o.spec.pinotCluster === pinot.metadata?.name)
        .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name }));

  for (const kind of [schemaKind, tableKind, tenantKind]) {
    const isTable = kind === tableKind;
    manager.addController<RestObject>({
      name: kind.type.kind.toLowerCase(),
      for: kind.type,
      ...scope,
      predicates: filters(kind.legacyIgnoreAnnotation) as Predicate<RestObject & KubeObject>[],
      // Checked at start-up besides the watches: the finalizer patches, and the GET of a cluster's auth Secret.
      permissions: {
        finalizer: true,
        extra: [{ verbs: ['get'], type: secretType, purpose: 'reads the auth and CA Secrets' }],
      },
      // A Pinot that failed is asked again at least every RECONCILE_WAIT: the usual doubling backoff would otherwise
      // grow to 1000 s during an outage, and a recovered Pinot would wait that long to get the spec.
      rateLimiter: createDefaultRateLimiter({ maxDelayMs: Math.max(reconcileWaitMs, 5) }),
      watches: [
        // The cluster appearing or going away (deleting objects stuck on it may let go).
        { type: pinotType, map: objectsOfCluster(kind) },
        ...(isTable
          ? [
              {
                // A schema Pinot accepted anew may need a segment reload of its tables.
                type: schemaKind.type,
                map: (schema: KubeObject) => {
                  const name = schemaNameOf(schema as RestObject);
                  return restInformers
                    .get('PinotTable')!
                    .list({ namespace: schema.metadata?.namespace ?? '' })
                    .filter(
                      (t) => name !== undefined && schemaNameOfTable(String(t.spec['tables.json'] ?? '')) === name,
                    )
                    .map((t) => ({ namespace: t.metadata.namespace, name: t.metadata.name }));
                },
              },
            ]
          : []),
      ],
      reconciler: createRestReconciler({
        kind,
        client: manager.client,
        recorder: manager.recorder,
        listObjects: (ns) => restInformers.get(kind.type.kind)!.list({ namespace: ns }),
        getPinot: (ns, clusterName) => pinots.get(clusterName, ns),
        resolveEndpoint,
        reconcileWaitMs,
        httpTimeoutMs,
        ...(isTable && {
          schemaLookup: (ns: string, cluster: string, schemaName: string) =>
            restInformers
              .get('PinotSchema')!
              .list({ namespace: ns })
              .filter(
                (s) =>
                  s.spec.pinotCluster === cluster && schemaNameOf(s) === schemaName && !s.metadata.deletionTimestamp,
              )
              .map((s) => s.status?.['currentSchemas.json'] as string | undefined)
              .find((current) => current !== undefined),
        }),
      }),
    });
  }

  return {
    manager,
    async start(signal) {
      try {
        await manager.start(signal);
      } finally {
        for (const handle of handles) handle.release();
      }
    },
  };
}
