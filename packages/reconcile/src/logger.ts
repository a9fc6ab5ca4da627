/** The logger interface the runtime writes to: pino's, so a pino logger fits as is. */
import { pino } from 'pino';

/** A structured logger (the subset of pino the runtime uses). */
export interface Logger {
  /** Logs detail for debugging: `obj`'s fields become fields of the JSON line, `msg` its message. */
  debug(obj: object, msg?: string): void;
  /** Logs a normal event (a controller started, permissions checked). */
  info(obj: object, msg?: string): void;
  /** Logs something that went wrong but is handled (a retried write, a check that could not run). */
  warn(obj: object, msg?: string): void;
  /** Logs a failure that needs attention; put the error under `err`. */
  error(obj: object, msg?: string): void;
  /** A logger whose every line also carries `bindings` (e.g. `{ controller: 'webapp' }`). */
  child(bindings: Record<string, unknown>): Logger;
}

/** A JSON logger on stdout (pino) at `level`; what the runtime uses when none is given. */
export function createLogger(options: { readonly level?: string; readonly name?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    ...(options.name ? { name: options.name } : {}),
  });
}
