/**
 * @dsoi/reconcile: controllers, children reconciliation, status, finalizers and the manager. Start here. The parts
 * a hand-built setup needs are subpath entries: `@dsoi/reconcile/controller` (predicates, work queue, rate
 * limiters), `@dsoi/reconcile/children` (immutable fields, workload readiness) and `@dsoi/reconcile/manager`
 * (leader election, probes, metrics, operator flags).
 */

// Children, status conditions and finalizers
export type { ChildCache } from './children/childCache.js';
export type { ChildOwnership } from './children/childOwnership.js';
export type { ChildrenReport, ChildSpec, ReconcileChildrenOptions } from './children/reconcileChildren.js';
export { reconcileChildren } from './children/reconcileChildren.js';
export type { Condition, ConditionInput } from './controller/conditions.js';
export { findCondition, isConditionTrue, setCondition } from './controller/conditions.js';
// Controllers and what a reconcile returns
export type {
  Controller,
  ControllerOptions,
  ReconcileContext,
  ReconcileFunction,
  Reconciler,
  WatchSpec,
} from './controller/controller.js';
export { controllerDefaults, createController } from './controller/controller.js';
export type { FinalizableObject, FinalizeOptions, FinalizeOutcome } from './controller/finalizer.js';
export { finalize } from './controller/finalizer.js';
export type { EventHandler, ReconcileRequest } from './controller/handlers.js';
export { enqueueOwner, enqueueSelf } from './controller/handlers.js';
export type { ReconcileResult } from './controller/reconcileResult.js';
export { done, requeue, requeueAfter } from './controller/reconcileResult.js';
export type { UpdateStatusOptions } from './controller/updateStatus.js';
export { updateStatus } from './controller/updateStatus.js';

// Errors
export type { MissingPermission, ReconcileErrorReason } from './errors.js';
export {
  ChildrenError,
  isTerminalError,
  MissingPermissionsError,
  ReconcileError,
  ReconcileTimeoutError,
  TerminalError,
} from './errors.js';

// The manager: runs controllers with a shared store, leader election, metrics and probes; logging and shutdown
export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export type {
  BindAddress,
  ManagedControllerOptions,
  Manager,
  ManagerLeaderElectionOptions,
  ManagerOptions,
  ManagerRunnable,
  ManagerState,
} from './manager/manager.js';
export { createManager } from './manager/manager.js';
export type { ControllerPermissions, PermissionRequest, RequiredPermission } from './manager/requiredPermissions.js';
export type { ShutdownSignalOptions } from './manager/shutdownSignal.js';
export { shutdownSignal } from './manager/shutdownSignal.js';
