/**
 * The body of a reference operator's replica script (`apps/<app>/test/fixtures/operatorProcess.mjs`, which
 * `withOperatorPair` runs with node): the operator built from the app's dist, configured by environment, run until SIGTERM.
 *   OPERATOR_KUBECONFIG  kubeconfig file (the fault proxy's)       OPERATOR_NAMESPACE  the one watched namespace
 *   OPERATOR_IDENTITY    leader-election identity; unset = no leader election (lease 4 s, renew 3 s, retry 0.5 s)
 *   OPERATOR_LOG_LEVEL   pino level (default info)
 *   OPERATOR_MAX_CONCURRENT_REQUESTS  the client's in-flight limit (default: the client's)
 *   OPERATOR_KUBE_API_QPS  the client's QPS (burst 30), negative: none (default: the manager's 20 QPS, burst 30)
 * Logs JSON lines to stdout (pino); exits 0 after a clean stop (SIGTERM drains in-flight reconciles first), 1 when
 * the operator failed (a lost leadership included: a replica restarts as a standby).
 */
import { createLogger, type ManagerOptions, shutdownSignal } from '@dsoi/reconcile';
import { KubeConfig } from '@kubernetes/client-node';

/** What {@link runOperatorProcess} passes to the app's factory (both reference operators' options accept it). */
export type OperatorProcessOptions = Required<
  Pick<ManagerOptions, 'kubeConfig' | 'logger' | 'clientLimits' | 'leaderElection'>
> & {
  readonly watchNamespaces: string[];
  readonly reconcileWaitMs: number;
  readonly probes: false;
  readonly metrics: false;
};

/** Options of {@link runOperatorProcess}. */
export interface RunOperatorProcessOptions {
  /** The Lease of the app's leader election (its Go operator's leader-election ID). */
  readonly leaseName: string;
}

/** Runs the operator `create` makes from the environment until SIGTERM or SIGINT; sets the exit code. */
export async function runOperatorProcess(
  create: (options: OperatorProcessOptions) => { start(signal: AbortSignal): Promise<void> },
  { leaseName }: RunOperatorProcessOptions,
): Promise<void> {
  const env = process.env;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env.OPERATOR_KUBECONFIG ?? '');
  const namespace = env.OPERATOR_NAMESPACE ?? '';
  const logger = createLogger({ level: env.OPERATOR_LOG_LEVEL ?? 'info' });
  const maxConcurrentRequests = env.OPERATOR_MAX_CONCURRENT_REQUESTS;
  const qps = env.OPERATOR_KUBE_API_QPS === undefined ? undefined : Number(env.OPERATOR_KUBE_API_QPS);
  const operator = create({
    kubeConfig,
    watchNamespaces: [namespace],
    // Nothing periodic: every change must arrive through a watch event, so a lost event shows as a stale child.
    reconcileWaitMs: 600_000,
    probes: false,
    metrics: false,
    logger,
    clientLimits: {
      ...(maxConcurrentRequests && { maxConcurrentRequests: Number(maxConcurrentRequests) }),
      ...(qps !== undefined && { rateLimit: qps < 0 ? false : { qps, burst: 30 } }),
    },
    leaderElection: env.OPERATOR_IDENTITY
      ? {
          namespace,
          leaseName,
          identity: env.OPERATOR_IDENTITY,
          leaseDurationMs: 4_000,
          renewDeadlineMs: 3_000,
          retryPeriodMs: 500,
        }
      : false,
  });
  try {
    await operator.start(shutdownSignal({ logger }));
  } catch (err) {
    logger.error({ err }, 'operator failed');
    process.exitCode = 1;
  }
}
