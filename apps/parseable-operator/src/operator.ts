/**
 * The Parseable operator: one manager running the ParseableTenant controller, with the Go operator's settings
 * (`RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`) honoured on watch events and on periodic re-checks alike.
 */
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { createManager, type Manager, type ReconcileRequest } from '@dsoi/reconcile';
import { type OperatorPredicateOptions, operatorPredicates, type Predicate } from '@dsoi/reconcile/controller';
import type { OperatorFlags, OperatorManagerOptions } from '@dsoi/reconcile/manager';
import { type ParseableTenant, parseableApiVersion } from './api/parseableTenant.ts';
import { createTenantReconciler, persistentVolumeClaimType, tenantOwnedKinds } from './tenant/tenantReconciler.ts';

/** The ParseableTenant kind. */
export const parseableTenantType: TypeMeta = Object.freeze({
  apiVersion: parseableApiVersion,
  kind: 'ParseableTenant',
});

/**
 * Options of {@link createParseableOperator}: what the manager takes (`OperatorManagerOptions` of
 * `@dsoi/reconcile/manager`), plus the Go operator's settings (`RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`).
 */
export interface ParseableOperatorOptions
  extends OperatorManagerOptions,
    Partial<Pick<OperatorFlags, 'reconcileWaitMs' | 'denyList' | 'watchNamespaces'>> {
  /** Field manager and Event reporter. @default 'parseable-operator' */
  readonly name?: string;
  /**
   * Pass privileged pod settings of a CR through (`--allow-privileged-pods`): hostPath volumes, host ports, Service
   * externalIPs, a ServiceAccount. @default false (a CR with one gets InvalidSpec naming the field and no child)
   */
  readonly allowPrivilegedPods?: boolean;
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
 * The predicates of the tenant controller (`operatorPredicates` of `@dsoi/reconcile/controller`). The namespace filter and the paused annotation (`dsoi.io/paused: "true"`)
 * are object filters: they also hold before every reconcile, periodic re-checks included (the Go operator had none).
 * Status-only updates do not wake the controller; an annotation or label change does (un-pausing, for one).
 */
export function tenantPredicates(options: Pick<OperatorPredicateOptions, 'denyList' | 'watchNamespaces'>): Predicate[] {
  return operatorPredicates(options);
}

/** Creates the operator; nothing runs until `start`. */
export function createParseableOperator(options: ParseableOperatorOptions): ParseableOperator {
  const {
    name = parseableOperatorDefaults.name,
    reconcileWaitMs = parseableOperatorDefaults.reconcileWaitMs,
    denyList = [],
    watchNamespaces = [],
    allowPrivilegedPods = false,
    ...managerOptions
  } = options;
  const manager = createManager({ ...managerOptions, name });
  // One namespace narrows every watch (and the RBAC it needs); several are watched cluster-wide and filtered.
  const scope = watchNamespaces.length === 1 ? { namespace: watchNamespaces[0]! } : {};
  manager.addController<ParseableTenant>({
    name: 'parseabletenant',
    for: parseableTenantType,
    owns: tenantOwnedKinds,
    // Every child and data claim carries the Go operator's `app: parseable` label (parseableNodeLabels): unrelated
    // objects of those kinds in the watched namespaces are neither cached nor watched.
    ownedLabelSelector: { app: 'parseable' },
    watches: [{ type: persistentVolumeClaimType, map: claimToTenant, labelSelector: { app: 'parseable' } }],
    ...scope,
    predicates: tenantPredicates({ denyList, watchNamespaces }) as Predicate<ParseableTenant & KubeObject>[],
    // Checked at start-up besides the watches: retained data claims are applied (and released) outside `owns`.
    permissions: {
      extra: [{ verbs: ['create', 'patch'], type: persistentVolumeClaimType, purpose: 'applies retained data claims' }],
    },
    reconciler: createTenantReconciler({
      client: manager.client,
      recorder: manager.recorder,
      reconcileWaitMs,
      allowPrivilegedPods,
    }),
  });
  return { manager, start: (signal) => manager.start(signal) };
}
