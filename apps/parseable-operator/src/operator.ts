/**
 * The Parseable operator: one manager running the ParseableTenant controller, with the Go operator's settings
 * (`RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`) honoured on watch events and on periodic re-checks alike.
 */
import type { KubeObject, TypeMeta } from '@dsoi/client';
import {
  annotationsChanged,
  type BindAddress,
  createManager,
  generationChanged,
  type Logger,
  labelsChanged,
  type Manager,
  type ManagerLeaderElectionOptions,
  type ManagerOptions,
  namespaceFilter,
  notPaused,
  or,
  type Predicate,
  type ReconcileRequest,
} from '@dsoi/reconcile';
import type { KubeConfig } from '@kubernetes/client-node';
import { type ParseableTenant, parseableApiVersion } from './api/parseableTenant.ts';
import { createTenantReconciler, persistentVolumeClaimType, tenantOwnedKinds } from './tenant/tenantReconciler.ts';

/** The ParseableTenant kind. */
export const parseableTenantType: TypeMeta = Object.freeze({
  apiVersion: parseableApiVersion,
  kind: 'ParseableTenant',
});

/** Options of {@link createParseableOperator}. */
export interface ParseableOperatorOptions {
  /** Cluster and credentials. */
  readonly kubeConfig: KubeConfig;
  /** Periodic re-check of a tenant (`RECONCILE_WAIT`). @default 10_000 */
  readonly reconcileWaitMs?: number;
  /** Namespaces never reconciled (`DENY_LIST`), also on periodic re-checks. @default [] */
  readonly denyList?: readonly string[];
  /** The only namespaces reconciled (`WATCH_NAMESPACE`); a single one also narrows the watches. @default all */
  readonly watchNamespaces?: readonly string[];
  /** Leader election (the Go operator's lease id is `parseableOperatorDefaults.leaderElectionId`). @default false */
  readonly leaderElection?: ManagerLeaderElectionOptions | false;
  /** `/healthz` and `/readyz`. @default { host: '127.0.0.1', port: 8081 } */
  readonly probes?: BindAddress | false;
  /** Prometheus `/metrics`. @default { host: '127.0.0.1', port: 8080 } */
  readonly metrics?: BindAddress | false;
  /** @default a pino JSON logger */
  readonly logger?: Logger;
  /** Field manager and Event reporter. @default 'parseable-operator' */
  readonly name?: string;
  /** Requests in flight at once and the QPS/burst of the Kubernetes client (see `ManagerOptions`). @default the manager's */
  readonly clientLimits?: ManagerOptions['clientLimits'];
  /** Called after every Kubernetes API request the operator makes (see `ManagerOptions`). @default none */
  readonly onRequest?: ManagerOptions['onRequest'];
}

/** The defaults of {@link ParseableOperatorOptions}. */
export const parseableOperatorDefaults = Object.freeze({
  reconcileWaitMs: 10_000,
  name: 'parseable-operator',
  leaderElectionId: '56004781.parseable.io',
});

/** A configured Parseable operator. */
export interface ParseableOperator {
  readonly manager: Manager;
  /** Runs until `signal` aborts (see `Manager.start`). */
  start(signal: AbortSignal): Promise<void>;
}

/** A data claim's events go to the tenant named by its `custom_resource` label (retained claims have no owner). */
const claimToTenant = (claim: KubeObject): ReconcileRequest[] => {
  const labels = (claim.metadata as { labels?: Record<string, string> } | undefined)?.labels;
  const tenant = labels?.app === 'parseable' ? labels.custom_resource : undefined;
  return tenant ? [{ namespace: claim.metadata?.namespace, name: tenant }] : [];
};

/**
 * The predicates of the tenant controller. The namespace filter and the paused annotation (`dsoi.io/paused: "true"`)
 * are object filters: they also hold before every reconcile, periodic re-checks included (the Go operator had none).
 * Status-only updates do not wake the controller; an annotation or label change does (un-pausing, for one).
 */
export function tenantPredicates(options: {
  readonly denyList?: readonly string[];
  readonly watchNamespaces?: readonly string[];
}): Predicate[] {
  return [
    namespaceFilter({ allow: options.watchNamespaces ?? [], deny: options.denyList ?? [] }),
    notPaused(),
    or(generationChanged, annotationsChanged, labelsChanged),
  ];
}

/** Creates the operator; nothing runs until `start`. */
export function createParseableOperator(options: ParseableOperatorOptions): ParseableOperator {
  const { kubeConfig, reconcileWaitMs = parseableOperatorDefaults.reconcileWaitMs, watchNamespaces = [] } = options;
  const manager = createManager({
    name: options.name ?? parseableOperatorDefaults.name,
    kubeConfig,
    leaderElection: options.leaderElection ?? false,
    ...(options.probes !== undefined && { probes: options.probes }),
    ...(options.metrics !== undefined && { metrics: options.metrics }),
    ...(options.logger && { logger: options.logger }),
    ...(options.clientLimits && { clientLimits: options.clientLimits }),
    ...(options.onRequest && { onRequest: options.onRequest }),
  });
  // One namespace narrows every watch (and the RBAC it needs); several are watched cluster-wide and filtered.
  const scope = watchNamespaces.length === 1 ? { namespace: watchNamespaces[0]! } : {};
  manager.addController<ParseableTenant>({
    name: 'parseabletenant',
    for: parseableTenantType,
    owns: tenantOwnedKinds,
    watches: [{ type: persistentVolumeClaimType, map: claimToTenant }],
    ...scope,
    predicates: tenantPredicates(options) as Predicate<ParseableTenant & KubeObject>[],
    // Checked at start-up besides the watches: retained data claims are applied (and released) outside `owns`.
    permissions: {
      extra: [{ verbs: ['create', 'patch'], type: persistentVolumeClaimType, purpose: 'applies retained data claims' }],
    },
    reconciler: createTenantReconciler({ client: manager.client, recorder: manager.recorder, reconcileWaitMs }),
  });
  return { manager, start: (signal) => manager.start(signal) };
}
