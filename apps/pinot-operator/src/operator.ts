/**
 * The Pinot operator: one manager running four controllers (Pinot clusters and the REST-backed PinotSchema,
 * PinotTable and PinotTenant), with the Go operator's settings (`RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`).
 */
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { createManager, type Manager, type ReconcileRequest } from '@dsoi/reconcile';
import { createDefaultRateLimiter, operatorPredicates, type Predicate } from '@dsoi/reconcile/controller';
import type { OperatorFlags, OperatorManagerOptions } from '@dsoi/reconcile/manager';
import type { Informer, SharedInformerHandle } from '@dsoi/store';
import { pinotApiVersion } from './api/common.ts';
import type { Pinot } from './api/pinot.ts';
import { createPinotReconciler, pinotOwnedKinds } from './cluster/pinotReconciler.ts';
import {
  type ControllerUrlOverride,
  createEndpointResolver,
  type EndpointResolver,
} from './rest/controllerEndpoint.ts';
import { pinotHttpClientDefaults } from './rest/pinotHttpClient.ts';
import { type RestKind, schemaKind, tableKind, tenantKind } from './rest/restKinds.ts';
import { createRestReconciler, type RestObject } from './rest/restReconciler.ts';
import { type SchemaLookup, schemaNameOfTable } from './rest/segmentReload.ts';
import { parseJson } from './rest/semanticJson.ts';
import { createPinotWebhookServer, type PinotWebhookServerOptions } from './webhook/pinotWebhookServer.ts';

/** The Pinot cluster kind. */
export const pinotType: TypeMeta = { apiVersion: pinotApiVersion, kind: 'Pinot' };
const serviceType: TypeMeta = { apiVersion: 'v1', kind: 'Service' };
const secretType: TypeMeta = { apiVersion: 'v1', kind: 'Secret' };

/** The Go operator's ignore annotation of Pinot clusters (`"true"` = do not reconcile), still honoured. */
export const legacyPinotIgnoreAnnotation = 'pinot.datainfra.io/reconcile';

/**
 * Options of {@link createPinotOperator}: the manager's own (`OperatorManagerOptions`), the Go operator's environment
 * settings, and how to reach Pinot's REST API.
 */
export interface PinotOperatorOptions
  extends OperatorManagerOptions,
    Partial<Pick<OperatorFlags, 'reconcileWaitMs' | 'denyList' | 'watchNamespaces'>> {
  /** The Pinot controller URL, instead of discovery from the controller Service (outside the cluster, tests). @default discovery */
  readonly controllerUrl?: ControllerUrlOverride;
  /**
   * Namespaces besides a Pinot CR's own whose Secrets its `spec.auth` and `spec.controllerTLS` may name
   * (`--secret-namespaces`). @default [] (own namespace only: a CR cannot make the operator read another team's Secret)
   */
  readonly secretNamespaces?: readonly string[];
  /**
   * Pass privileged pod settings of a CR through (`--allow-privileged-pods`): hostPath volumes, host ports, Service
   * externalIPs, a ServiceAccount. @default false (a CR with one gets InvalidSpec naming the field and no child)
   */
  readonly allowPrivilegedPods?: boolean;
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

/** The cached informers of the REST kinds, by kind. */
type RestInformers = ReadonlyMap<RestKind['type']['kind'], Informer<RestObject>>;

/** The requests of a kind's objects that name the Pinot cluster `pinot`. */
const objectsOfCluster =
  (informers: RestInformers, kind: RestKind) =>
  (pinot: KubeObject): ReconcileRequest[] =>
    informers
      .get(kind.type.kind)!
      .list({ namespace: pinot.metadata?.namespace ?? '' })
      .filter((o) => o.spec.pinotCluster === pinot.metadata?.name)
      .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name }));

/** The requests of the PinotTables that use `schema` (by `schemaName`, else by `tableName`). */
const tablesOfSchema =
  (informers: RestInformers) =>
  (schema: KubeObject): ReconcileRequest[] => {
    const name = schemaNameOf(schema as RestObject);
    return informers
      .get('PinotTable')!
      .list({ namespace: schema.metadata?.namespace ?? '' })
      .filter((t) => name !== undefined && schemaNameOfTable(String(t.spec['tables.json'] ?? '')) === name)
      .map((t) => ({ namespace: t.metadata.namespace, name: t.metadata.name }));
  };

/** The schema document Pinot last accepted for a schema name of a cluster, from the cached PinotSchemas. */
const schemaLookupOf =
  (informers: RestInformers): SchemaLookup =>
  (namespace, cluster, schemaName) =>
    informers
      .get('PinotSchema')!
      .list({ namespace })
      .filter((s) => s.spec.pinotCluster === cluster && schemaNameOf(s) === schemaName && !s.metadata.deletionTimestamp)
      .map((s) => s.status?.['currentSchemas.json'] as string | undefined)
      .find((current) => current !== undefined);

/** What the operator's controllers share (the Pinot controller all but `resolveEndpoint`). */
interface RestControllerSetup {
  readonly manager: Manager;
  readonly scope: { readonly namespace?: string };
  readonly filters: (legacyAnnotation: string) => Predicate[];
  readonly informers: RestInformers;
  readonly pinots: Informer<Pinot>;
  readonly resolveEndpoint: EndpointResolver;
  readonly reconcileWaitMs: number;
  readonly httpTimeoutMs: number;
}

/**
 * Adds the controller of the Pinot clusters; `fieldManager` names the operator's writes, `allowPrivilegedPods` lets
 * CRs pass privileged pod settings through.
 */
function addPinotController(
  setup: Omit<RestControllerSetup, 'resolveEndpoint'>,
  childLabelSelector: Readonly<Record<string, string>>,
  fieldManager: string,
  allowPrivilegedPods: boolean,
): void {
  const { manager, scope, filters, reconcileWaitMs } = setup;
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
      fieldManager,
      allowPrivilegedPods,
    }),
  });
}

/** Adds the controller of one REST kind (PinotSchema, PinotTable or PinotTenant). */
function addRestController(setup: RestControllerSetup, kind: RestKind): void {
  const { manager, scope, filters, informers, pinots, reconcileWaitMs } = setup;
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
      { type: pinotType, map: objectsOfCluster(informers, kind) },
      // A schema Pinot accepted anew may need a segment reload of its tables.
      ...(isTable ? [{ type: schemaKind.type, map: tablesOfSchema(informers) }] : []),
    ],
    reconciler: createRestReconciler({
      kind,
      client: manager.client,
      recorder: manager.recorder,
      listObjects: (ns) => informers.get(kind.type.kind)!.list({ namespace: ns }),
      getPinot: (ns, clusterName) => pinots.get(clusterName, ns),
      resolveEndpoint: setup.resolveEndpoint,
      reconcileWaitMs,
      httpTimeoutMs: setup.httpTimeoutMs,
      ...(isTable && { schemaLookup: schemaLookupOf(informers) }),
    }),
  });
}

/** Creates the operator; nothing runs until `start`. */
export function createPinotOperator(options: PinotOperatorOptions): PinotOperator {
  const {
    reconcileWaitMs = pinotOperatorDefaults.reconcileWaitMs,
    denyList = [],
    watchNamespaces = [],
    controllerUrl,
    secretNamespaces = [],
    httpTimeoutMs = pinotOperatorDefaults.httpTimeoutMs,
    name = pinotOperatorDefaults.name,
    allowPrivilegedPods = false,
    webhook: webhookOptions,
    ...managerOptions
  } = options;
  const webhook = webhookOptions && createPinotWebhookServer(webhookOptions);
  // The webhook server runs on every replica, leader or not: it is one of the manager's runnables.
  const manager = createManager({ ...managerOptions, name, ...(webhook && { runnables: [webhook.server] }) });
  // One namespace narrows every watch; several are watched cluster-wide and filtered.
  const scope = watchNamespaces.length === 1 ? { namespace: watchNamespaces[0]! } : {};
  const filters = (legacyAnnotation: string) =>
    operatorPredicates({ watchNamespaces, denyList, pausedAnnotations: [legacyAnnotation], alsoOn: [deletionStarted] });

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
  const informers: RestInformers = new Map(
    [schemaKind, tableKind, tenantKind].map((kind) => [kind.type.kind, acquire<RestObject>(kind.type)] as const),
  );

  webhook?.serveFrom({ pinots, tables: informers.get('PinotTable')!, client: manager.client });
  const setup = { manager, scope, filters, informers, pinots, reconcileWaitMs, httpTimeoutMs };
  addPinotController(setup, childLabelSelector, name, allowPrivilegedPods);

  const resolveEndpoint = createEndpointResolver({
    getService: (ns, serviceName) => services.get(serviceName, ns),
    reader: manager.client,
    secretNamespaces,
    ...(controllerUrl !== undefined && { controllerUrl }),
  });
  for (const kind of [schemaKind, tableKind, tenantKind]) addRestController({ ...setup, resolveEndpoint }, kind);

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
