/**
 * @dsoi/reconcile/manager: the parts `createManager` is made of, for a hand-built setup or a Go operator's command
 * line: leader election, the health server (and the bearer-token check of secure metrics), Prometheus metrics,
 * logger defaults, shutdown defaults and the operator flags (RECONCILE_WAIT, DENY_LIST, WATCH_NAMESPACE and the
 * controller-runtime flags) with the manager options they set.
 */

export { loggerDefaults, redactSecrets } from '../logger.js';
export type { HealthCheck, HealthChecks, HealthServer, HealthServerOptions } from './healthServer.js';
export { createHealthServer, healthServerDefaults } from './healthServer.js';
export type {
  LeaderElector,
  LeaderElectorOptions,
  LeadershipEndReason,
  Lease,
  LeaseClient,
  LeaseSpec,
} from './leaderElection.js';
export { createLeaderElector, leaderElectionDefaults } from './leaderElection.js';
export { LeaderElectionLostError, managerDefaults } from './manager.js';
export type { ControllerMetrics } from './metrics.js';
export { createControllerMetrics } from './metrics.js';
export type { MetricsAuthClient, MetricsAuthDecision, MetricsAuthFilter, MetricsAuthOptions } from './metricsAuth.js';
export { createMetricsAuthFilter, metricsAuthDefaults } from './metricsAuth.js';
export type {
  ExtraFlag,
  OperatorFlags,
  OperatorFlagsOptions,
  OperatorManagerOptions,
} from './operatorFlags.js';
export {
  managerOptionsFromFlags,
  OperatorFlagsError,
  operatorFlagsUsage,
  parseBindAddress,
  parseGoDuration,
  parseOperatorFlags,
} from './operatorFlags.js';
export { createRestClientMetrics } from './restClientMetrics.js';
export { shutdownSignalDefaults } from './shutdownSignal.js';
