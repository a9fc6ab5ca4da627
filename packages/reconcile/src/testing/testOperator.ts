/**
 * Runs an operator in the test process, as real-server tests want it: probes and metrics off, a 1 s RECONCILE_WAIT so
 * periodic re-checks happen within a test, and logs silent unless `TEST_LOG_LEVEL` says otherwise.
 */
import { createLogger, type Logger } from '../logger.js';
import type { ManagerOptions } from '../manager/manager.js';
import { startInBackground } from './background.js';

/** The options an operator's factory takes that a test run sets (`reconcileWaitMs` and `logger` as the reference operators name them). */
export interface TestOperatorOptions extends Pick<ManagerOptions, 'kubeConfig' | 'probes' | 'metrics'> {
  /** How often a converged CR is checked again. */
  readonly reconcileWaitMs?: number;
  /** Where the operator logs. */
  readonly logger?: Logger;
}

/** An operator as {@link startTestOperator} runs it. */
export interface RunningTestOperator<TOperator> {
  /** The operator, for a test that looks inside (its manager's store). */
  readonly operator: TOperator;
  /** Stops the operator and waits for its drain; calling it again waits for the same drain. */
  stop(): Promise<void>;
  /** `undefined` while running; `'resolved'` or `'rejected: <stack>'` once its `start` settled (see `startInBackground`). */
  ended(): string | undefined;
}

/**
 * The options a test runs an operator with, unless it says otherwise: RECONCILE_WAIT 1 s (periodic re-checks happen
 * within a test), probes and metrics off (no ports to collide between parallel tests).
 */
export const testOperatorDefaults = Object.freeze({ reconcileWaitMs: 1_000, probes: false, metrics: false } as const);

/**
 * Creates the operator with `options` over the test defaults (RECONCILE_WAIT 1 s, probes and metrics off, a logger
 * at `TEST_LOG_LEVEL`, default `silent`) and starts it in the background until `stop()`.
 */
export function startTestOperator<
  TOptions extends TestOperatorOptions,
  TOperator extends {
    /** Runs the operator until `signal` aborts. */
    start(signal: AbortSignal): Promise<void>;
  },
>(create: (options: TOptions) => TOperator, options: TOptions): RunningTestOperator<TOperator> {
  const operator = create({
    ...testOperatorDefaults,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...options,
  });
  const run = startInBackground((signal) => operator.start(signal));
  return { operator, stop: run.stop, ended: run.ended };
}
