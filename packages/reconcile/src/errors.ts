/**
 * Errors of @dsoi/reconcile: a terminal error stops retries, the rest say which controller and key failed, or which
 * permissions the operator lacks at start-up.
 */
import type { ChildrenReport } from './children/reconcileChildren.js';

/** Why a reconcile failed, as the controller reports it. */
export type ReconcileErrorReason = 'Terminal' | 'Timeout' | 'Failed' | 'Forbidden';

/** Base class of the errors @dsoi/reconcile throws or records. */
export class ReconcileError extends Error {
  override readonly name: string = 'ReconcileError';
  readonly reason: ReconcileErrorReason;
  constructor(reason: ReconcileErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * Throw it from a reconcile to say "retrying will not help" (bad input, an impossible state): the controller records
 * the error and does not retry the key until the object changes, as controller-runtime's `reconcile.TerminalError`.
 */
export class TerminalError extends ReconcileError {
  override readonly name = 'TerminalError';
  constructor(cause: unknown) {
    super('Terminal', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** A reconcile ran past `reconcileTimeoutMs`; its signal was aborted and it is retried with backoff. */
export class ReconcileTimeoutError extends ReconcileError {
  override readonly name = 'ReconcileTimeoutError';
  constructor(controller: string, key: string, timeoutMs: number) {
    super('Timeout', `${controller} ${key}: reconcile took longer than ${timeoutMs} ms and was aborted`);
  }
}

/** Whether `err` is (or wraps, through `cause`) a {@link TerminalError}. */
export function isTerminalError(err: unknown): err is TerminalError {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof TerminalError) return true;
  return false;
}

/** Some children of an owner could not be written or deleted; the others were. Retried with backoff. */
export class ChildrenError extends ReconcileError {
  override readonly name = 'ChildrenError';
  /** Each child that failed, with what the client threw. */
  readonly failures: readonly {
    readonly ref: { readonly kind: string; readonly name: string };
    readonly error: unknown;
  }[];
  /** The children report of the pass: what was written, pruned, waited on or left as it was. */
  readonly report: ChildrenReport;
  constructor(
    owner: string,
    failures: readonly { readonly ref: { readonly kind: string; readonly name: string }; readonly error: unknown }[],
    report: ChildrenReport,
  ) {
    const list = failures.map(
      (f) => `${f.ref.kind} ${f.ref.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    );
    super('Failed', `${owner}: ${failures.length} child write(s) failed: ${list.join('; ')}`, {
      cause: failures[0]?.error,
    });
    this.failures = failures;
    this.report = report;
  }
}

/** One permission the start-up check found denied. */
export interface MissingPermission {
  /** The RBAC verb, e.g. `list`. */
  readonly verb: string;
  /** The API group; `''` for the core group. */
  readonly group: string;
  /** The plural resource, e.g. `statefulsets`. */
  readonly resource: string;
  /** E.g. `status`. */
  readonly subresource?: string;
  /** `undefined`: in every namespace (cluster-wide). */
  readonly namespace?: string;
  /** One object's name (a Lease), when the check was about it. */
  readonly name?: string;
  /** Who needs it, e.g. `controller "pinot" (watches owned apps/v1 StatefulSet)`. */
  readonly neededBy: readonly string[];
  /** The authorizer's reason or evaluation error, when it gave one. */
  readonly reason?: string;
}

/** `cannot "list" "statefulsets.apps" in namespace "x"`, or `(cluster-wide)` without a namespace. */
export function describeMissingPermission(permission: MissingPermission): string {
  const { verb, group, resource, subresource, namespace, name } = permission;
  const what = `${resource}${group ? `.${group}` : ''}${subresource ? `/${subresource}` : ''}`;
  const named = name === undefined ? '' : ` named "${name}"`;
  const where = namespace === undefined ? '(cluster-wide)' : `in namespace "${namespace}"`;
  return `cannot "${verb}" "${what}"${named} ${where}`;
}

/**
 * `manager.start()` rejects with it, before leader election and before any controller starts, when RBAC denies
 * something the operator needs (checked with SelfSubjectAccessReview); `missing` lists every one.
 */
export class MissingPermissionsError extends ReconcileError {
  override readonly name = 'MissingPermissionsError';
  /** Every denied permission, with who needs it. */
  readonly missing: readonly MissingPermission[];
  constructor(operator: string, missing: readonly MissingPermission[]) {
    const lines = missing.map((p) => `  ${describeMissingPermission(p)}, needed by ${p.neededBy.join(', ')}`);
    super(
      'Forbidden',
      `${operator}: ${missing.length} permission(s) missing (grant them to its ServiceAccount, or start with ` +
        `checkPermissions: false to skip this check):\n${lines.join('\n')}`,
    );
    this.missing = missing;
  }
}
