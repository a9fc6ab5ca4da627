/** The logger interface the runtime writes to: pino's, so a pino logger fits as is. */
import { pino } from 'pino';

/** A structured logger (the subset of pino the runtime uses). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A JSON logger on stdout (pino) at `level`; what the runtime uses when none is given. */
export function createLogger(options: { readonly level?: string; readonly name?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    ...(options.name ? { name: options.name } : {}),
  });
}
