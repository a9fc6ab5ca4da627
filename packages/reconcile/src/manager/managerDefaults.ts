/** The defaults of a manager's options, in a module of their own so that every part of the manager can read them. */
import type { ManagerOptions } from './manager.js';

/** Defaults of {@link ManagerOptions}. */
export const managerDefaults = Object.freeze({
  probes: Object.freeze({ host: '127.0.0.1', port: 8081 }),
  metrics: Object.freeze({ host: '127.0.0.1', port: 8080 }),
  readyWhenStandby: true,
  shutdownTimeoutMs: 30_000,
  checkPermissions: true,
  /** controller-runtime's defaults up to v0.20 (client-go's rest.Config QPS 20, Burst 30). */
  clientRateLimit: Object.freeze({ qps: 20, burst: 30 }),
});
