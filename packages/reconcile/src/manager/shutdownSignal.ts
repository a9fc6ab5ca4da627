/** `shutdownSignal()`: turns SIGTERM/SIGINT into an AbortSignal for a graceful stop; a second signal forces an exit. */
import type { Logger } from '../logger.js';

/** Options of {@link shutdownSignal}. */
export interface ShutdownSignalOptions {
  /** The process signals that start a graceful stop. @default ['SIGTERM', 'SIGINT'] */
  readonly signals?: readonly NodeJS.Signals[];
  /** Called on every signal after the first (the drain is taking too long for whoever sent it). @default `process.exit(1)` */
  readonly onSecondSignal?: (signal: NodeJS.Signals) => void;
  /**
   * Logs the first signal (info) and the forced exit (warn). @default none: nothing is logged, since the entry point
   * usually has no logger yet and stdout may be the program's own output
   */
  readonly logger?: Logger;
}

/** The defaults of {@link ShutdownSignalOptions}. */
export const shutdownSignalDefaults = Object.freeze({ signals: Object.freeze(['SIGTERM', 'SIGINT'] as const) });

/**
 * Returns a signal that aborts on the first of `signals` the process receives (its reason: an `AbortError`
 * `DOMException` naming the process signal), for `manager.start(shutdownSignal())`. Every later one calls `onSecondSignal`, which by default
 * exits with code 1, as controller-runtime's `SetupSignalHandler` does.
 *
 * Caveats: the listeners live as long as the process (a second signal must still be caught during the drain), and
 * they replace Node's default of exiting at once on those signals. Call it once per process, at the entry point:
 * each call adds its own listeners, and nothing is shared between calls.
 */
export function shutdownSignal(options: ShutdownSignalOptions = {}): AbortSignal {
  const { signals = shutdownSignalDefaults.signals, onSecondSignal, logger } = options;
  const controller = new AbortController();
  const onSignal = (received: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      logger?.info({ signal: received }, 'shutting down gracefully; send the signal again to exit at once');
      controller.abort(new DOMException(`received ${received}`, 'AbortError'));
      return;
    }
    if (onSecondSignal) {
      onSecondSignal(received);
      return;
    }
    logger?.warn({ signal: received }, 'second signal received; exiting without a graceful stop');
    process.exit(1);
  };
  for (const name of signals) process.on(name, onSignal);
  return controller.signal;
}
