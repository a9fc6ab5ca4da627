/** @dsoi/reconcile: controllers, work queue, children reconciliation, leader election and manager. Start here. */

export type { ChildCache } from './childCache.js';
export type { ChildOwnership } from './childOwnership.js';
export type { Condition, ConditionInput } from './conditions.js';
export { findCondition, isConditionTrue, setCondition, toMetaTime } from './conditions.js';
export type {
  Controller,
  ControllerOptions,
  ReconcileContext,
  ReconcileFunction,
  Reconciler,
  WatchSpec,
} from './controller.js';
// Controllers
export { controllerDefaults, createController } from './controller.js';
export type { MissingPermission, ReconcileErrorReason } from './errors.js';
// Errors
export {
  ChildrenError,
  isTerminalError,
  MissingPermissionsError,
  ReconcileError,
  ReconcileTimeoutError,
  TerminalError,
} from './errors.js';
export type { FinalizableObject, FinalizeOptions, FinalizeOutcome } from './finalizer.js';
export { finalize, skipCleanupAnnotation } from './finalizer.js';
export type { EventHandler, ReconcileRequest } from './handlers.js';
export { enqueueOwner, enqueueSelf, keyOf, parseKey } from './handlers.js';
export type { HealthCheck, HealthChecks, HealthServer, HealthServerOptions } from './healthServer.js';
export { createHealthServer, healthServerDefaults } from './healthServer.js';
export type { ImmutablePlan, KeptField } from './immutableFields.js';
export { immutableFields, keepImmutableFields } from './immutableFields.js';
export type {
  LeaderElector,
  LeaderElectorOptions,
  LeadershipEndReason,
  Lease,
  LeaseClient,
  LeaseSpec,
} from './leaderElection.js';
// Leader election, probes, shutdown
export { createLeaderElector, leaderElectionDefaults } from './leaderElection.js';
export type { Logger, LoggerOptions } from './logger.js';
export { createLogger, loggerDefaults, redactSecrets } from './logger.js';
export type {
  BindAddress,
  ManagedControllerOptions,
  Manager,
  ManagerLeaderElectionOptions,
  ManagerOptions,
} from './manager.js';
// Manager: runs controllers with a shared store, leader election, metrics and probes
export { createManager, LeaderElectionLostError, managerDefaults } from './manager.js';
export type { ControllerMetrics } from './metrics.js';
// Operations: metrics, logging
export { createControllerMetrics } from './metrics.js';
export type { ExtraFlag, OperatorFlags, OperatorFlagsOptions } from './operatorFlags.js';
// Operator flags and environment (RECONCILE_WAIT, DENY_LIST, WATCH_NAMESPACE, controller-runtime flags)
export {
  OperatorFlagsError,
  operatorFlagsUsage,
  parseBindAddress,
  parseGoDuration,
  parseOperatorFlags,
} from './operatorFlags.js';
export type { NamespaceFilterOptions, ObjectEvent, Predicate, PredicateObject } from './predicates.js';
// Predicates
export {
  and,
  annotationsChanged,
  generationChanged,
  labelsChanged,
  namespaceFilter,
  not,
  notPaused,
  objectFilter,
  or,
  parseNamespaceList,
  pausedAnnotation,
  resourceVersionChanged,
} from './predicates.js';
export type { BucketOptions, DefaultRateLimiterOptions, ItemBackoffOptions, RateLimiter } from './rateLimiter.js';
export {
  createBucketRateLimiter,
  createDefaultRateLimiter,
  createItemBackoffRateLimiter,
  createMaxOfRateLimiter,
} from './rateLimiter.js';
export type { ChildrenReport, ChildSpec, ReconcileChildrenOptions } from './reconcileChildren.js';
// Children, rollout, status and finalizers
export { reconcileChildren } from './reconcileChildren.js';
export type { ReconcileResult } from './reconcileResult.js';
export { done, requeue, requeueAfter } from './reconcileResult.js';
// Start-up permission check (the manager's `checkPermissions`)
export type { ControllerPermissions, PermissionRequest, RequiredPermission } from './requiredPermissions.js';
export { createRestClientMetrics } from './restClientMetrics.js';
export type { ShutdownSignalOptions } from './shutdownSignal.js';
export { shutdownSignal, shutdownSignalDefaults } from './shutdownSignal.js';
export type { UpdateStatusOptions } from './updateStatus.js';
export { updateStatus, updateStatusDefaults } from './updateStatus.js';
export type { WorkloadObject, WorkloadReadiness } from './workloadReadiness.js';
export { workloadReadiness } from './workloadReadiness.js';
export type { WorkQueue, WorkQueueObserver, WorkQueueOptions } from './workQueue.js';
// Work queue and rate limiting
export { createWorkQueue } from './workQueue.js';
