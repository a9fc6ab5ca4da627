/** The logger interface the runtime writes to (pino's, so a pino logger fits as is) and a pino that redacts secrets. */
import { type DestinationStream, pino } from 'pino';

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

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The lowest level written. @default process.env.LOG_LEVEL, else 'info' */
  readonly level?: string;
  /** The `name` field of every line. @default none */
  readonly name?: string;
  /** Where the JSON lines go. @default stdout */
  readonly destination?: DestinationStream;
}

/** What {@link createLogger} replaces and how it recognises it. */
export const loggerDefaults = Object.freeze({
  /** Written instead of a redacted value. */
  censor: '[REDACTED]',
  /**
   * A string under a key that matches is a secret (`password`, `P_S3_SECRET_KEY`, `authorization`, `token`, ...),
   * unless the key also matches `referenceKeyPattern`; so is an env entry `{ name, value }` whose name matches.
   */
  secretKeyPattern: /pass(word|wd|phrase)?$|secret|token|credential|api[-_]?key|authorization|private[-_]?key/i,
  /** Keys that name or point at a secret without holding it (`secretName`, `secretKeyRef`, `tokenRef`). */
  referenceKeyPattern: /(name|ref|refs|path|file)$/i,
  /** How deep a log line's fields are searched. */
  maxDepth: 12,
});

/**
 * A JSON logger on stdout (pino) at `level`; what the runtime uses when none is given. It redacts known secret
 * paths anywhere in a line's fields (up to `loggerDefaults.maxDepth`): the `data` and `stringData` values of a
 * Secret, strings under secret-like keys (`password`, `*SECRET*`, `*TOKEN*`, `authorization`, ...), and the value of
 * an env entry with such a name (`{ name: 'P_PASSWORD', value }`). NB: text inside a message or an error's message is
 * not searched; such text must not carry a value in the first place (errors name fields, never values).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    ...(options.name ? { name: options.name } : {}),
    formatters: { log: (fields: Record<string, unknown>) => redactSecrets(fields) as Record<string, unknown> },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * A copy of `value` with the secrets {@link createLogger} redacts replaced by `loggerDefaults.censor`; parts without
 * secrets are returned as they are (not copied). Errors are kept as errors (their own fields searched too).
 */
export function redactSecrets(value: unknown): unknown {
  return redact(value, 0, new WeakSet());
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null || depth > loggerDefaults.maxDepth || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = redact(item, depth + 1, seen);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? items : value;
  }
  const record = value as Record<string, unknown>;
  const isSecret = record.kind === 'Secret' && typeof record.apiVersion === 'string';
  const isEnvEntry = typeof record.name === 'string' && 'value' in record && isSecretKey(record.name);
  let copy: Record<string, unknown> | undefined;
  const set = (key: string, next: unknown) => {
    if (next === record[key]) return;
    copy ??= value instanceof Error ? errorCopy(value) : { ...record };
    copy[key] = next;
  };
  for (const [key, field] of Object.entries(record)) {
    if (isSecret && (key === 'data' || key === 'stringData') && typeof field === 'object' && field !== null) {
      set(key, Object.fromEntries(Object.keys(field).map((k) => [k, loggerDefaults.censor])));
    } else if (typeof field === 'string' && ((isEnvEntry && key === 'value') || isSecretKey(key))) {
      set(key, loggerDefaults.censor);
    } else {
      set(key, redact(field, depth + 1, seen));
    }
  }
  return copy ?? value;
}

function isSecretKey(key: string): boolean {
  return loggerDefaults.secretKeyPattern.test(key) && !loggerDefaults.referenceKeyPattern.test(key);
}

/** An error with the same prototype, message and stack, so pino's error serializer still treats it as one. */
function errorCopy(err: Error): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(err)) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(err)) {
    // V8's `stack` may be an accessor bound to the original: copy values, keeping each one's enumerability.
    const { enumerable } = Object.getOwnPropertyDescriptor(err, key) ?? {};
    const field: unknown = Reflect.get(err, key);
    Object.defineProperty(copy, key, { value: field, enumerable, writable: true, configurable: true });
  }
  return copy;
}
