/**
 * A logger for the operator that keeps every record in memory, so a test can scan all of it (for secrets, say).
 * `createLogger` of @dsoi/reconcile writes pino JSON to stdout and takes no destination, so this implements the same
 * `Logger` interface instead; it serializes errors more fully than pino does (stack, cause, every own property), so a
 * scan of it is at least as strict as a scan of pino's output.
 */
import type { Logger } from '../logger.js';

/** An in-memory {@link Logger} and what it holds. */
export interface MemoryLogger {
  readonly logger: Logger;
  /** Every record so far, one JSON line each. */
  text(): string;
  /** How many records were written. */
  count(): number;
}

function serialize(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (value instanceof Error) {
      const fields: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(value)) fields[key] = Reflect.get(value, key);
      return { name: value.name, ...fields, cause: value.cause };
    }
    if (value instanceof Map) return Object.fromEntries(value);
    if (value instanceof Set) return [...value];
    return value;
  });
}

/** Creates a {@link MemoryLogger} that records every level, debug included. */
export function createMemoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (obj: object, msg?: string) => {
      lines.push(serialize({ level, ...bindings, ...obj, msg }));
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), text: () => lines.join('\n'), count: () => lines.length };
}
