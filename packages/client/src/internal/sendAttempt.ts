/**
 * One attempt of a request: it waits for a limiter slot, sends under its timeout and `beforeSend` guard, reports to
 * the observers, and ends answered (any status), unanswered (a connection error or timeout, which may be retried) or
 * thrown (refused by `beforeSend`, aborted, or a failure that is never retried).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestInfo } from '../clientStats.js';
import {
  ConnectionError,
  describeTarget,
  type KubeApiError,
  TimeoutError,
  UnauthorizedError,
} from '../kubeApiError.js';
import type { RequestCounters } from './requestCounters.js';
import type { CallOptions, RequesterSettings, RequestPlan } from './requester.js';
import { credentialsErrorCode } from './transport.js';

/** The requester an attempt belongs to. */
export interface AttemptContext {
  readonly settings: RequesterSettings;
  readonly counters: RequestCounters;
}

/** One attempt of a plan. */
export interface AttemptRequest {
  readonly plan: RequestPlan;
  readonly options: CallOptions;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** A watch's stream signal: it aborts the attempt too, and the response stays unread. */
  readonly streamSignal: AbortSignal | undefined;
  /** Reads what the caller needs before the slot is released: the body, or nothing for an open watch. */
  readonly consume: (response: IncomingMessage) => Promise<string | undefined>;
}

/** How an attempt ended, when it did not throw. */
export type AttemptOutcome =
  | { readonly state: 'answered'; readonly response: IncomingMessage; readonly body: string | undefined }
  | { readonly state: 'unanswered'; readonly error: ConnectionError | TimeoutError };

/** Sends one attempt; see the module comment for how it ends. */
export async function sendAttempt(context: AttemptContext, request: AttemptRequest): Promise<AttemptOutcome> {
  const { settings, counters } = context;
  const { plan, options, attempt, streamSignal } = request;
  const release = await acquireSlot(context, definedSignals(options.signal, streamSignal));
  counters.sent(plan.verb, attempt);
  const startedMs = performance.now();
  const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
  const guard = guardBeforeSend(options.beforeSend);
  let response: IncomingMessage | undefined;
  try {
    response = await settings.transport.send({
      method: plan.method,
      path: plan.path,
      headers: requestHeaders(settings.userAgent, plan.contentType, streamSignal === undefined),
      body: plan.body === undefined ? undefined : serialize(plan.body, plan.contentType),
      signal: AbortSignal.any(definedSignals(timeout.signal, options.signal, streamSignal)),
      beforeWrite: guard.beforeWrite,
    });
    const body = await request.consume(response);
    const info = observe(context, request, { code: response.statusCode ?? 0, startedMs });
    reportWarnings(response, info, settings.onWarning);
    return { state: 'answered', response, body };
  } catch (err) {
    if (guard.refusal !== undefined) {
      // Nothing was written: not a request, and not one to report to onRequest.
      counters.refused(plan.verb, attempt);
      throw guard.refusal.error;
    }
    if (response === undefined || response.complete === false) observe(context, request, { code: 0, startedMs });
    if (options.signal?.aborted) throw options.signal.reason;
    if (streamSignal?.aborted) throw streamSignal.reason;
    const error = attemptError(plan, err, timeout.signal.aborted ? timeoutMs : undefined);
    if (!(error instanceof ConnectionError || error instanceof TimeoutError)) throw error;
    return { state: 'unanswered', error };
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** Waits for the limiter (counted as waiting meanwhile) and resolves with the slot's release. */
async function acquireSlot({ settings, counters }: AttemptContext, signals: AbortSignal[]): Promise<() => void> {
  const waited = counters.waitStarted();
  try {
    return await settings.limiter.acquire(signals.length === 0 ? undefined : AbortSignal.any(signals));
  } finally {
    waited();
  }
}

/** `beforeSend` wrapped so the attempt can tell its refusal (`refusal` set) from a failure of the send. */
function guardBeforeSend(beforeSend: (() => void) | undefined) {
  const guard: { refusal?: { readonly error: unknown }; beforeWrite?: () => void } = {};
  if (beforeSend === undefined) return guard;
  guard.beforeWrite = () => {
    try {
      beforeSend();
    } catch (error) {
      guard.refusal = { error };
      throw error;
    }
  };
  return guard;
}

/** The headers of an attempt; `compressed` asks for gzip (every request but a watch). */
function requestHeaders(userAgent: string, contentType: string | undefined, compressed: boolean) {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': userAgent };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  if (compressed) headers['Accept-Encoding'] = 'gzip';
  return headers;
}

function definedSignals(...signals: Array<AbortSignal | undefined>): AbortSignal[] {
  return signals.filter((s): s is AbortSignal => s !== undefined);
}

/**
 * The request body. Server-side apply bodies are read by a YAML decoder, which refuses DEL, the C1 controls and
 * U+FFFE/U+FFFF when raw ("control characters are not allowed") but takes them escaped; JSON.stringify leaves them
 * raw, so they are escaped here (still the same JSON). Unpaired surrogates cannot be applied at all.
 */
export function serialize(body: unknown, contentType: string | undefined): string {
  const json = JSON.stringify(body);
  if (contentType !== 'application/apply-patch+yaml') return json;
  return json.replace(/[\u007f-\u009f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Reports the attempt to `onRequest` (counting a non-2xx as a failure) and returns what it reported. */
function observe(
  { settings, counters }: AttemptContext,
  { plan, attempt }: AttemptRequest,
  { code, startedMs }: { readonly code: number; readonly startedMs: number },
): RequestInfo {
  const info: RequestInfo = {
    operation: plan.operation,
    verb: plan.verb,
    method: plan.method,
    host: settings.transport.host,
    group: plan.group,
    version: plan.version,
    resource: plan.resource,
    subresource: plan.subresource,
    namespace: plan.namespace,
    code,
    durationMs: performance.now() - startedMs,
    attempt,
  };
  if (code < 200 || code > 299) counters.failed();
  try {
    settings.onRequest?.(info);
  } catch {
    // A failing metrics observer must not fail the request it observes.
  }
  return info;
}

/** Passes each `Warning: 299 - "text"` header (deprecated API, unknown field) to the callback. */
function reportWarnings(
  response: IncomingMessage,
  info: RequestInfo,
  onWarning: ((warning: string, info: RequestInfo) => void) | undefined,
) {
  if (onWarning === undefined) return;
  const raw = response.headers.warning;
  if (raw === undefined) return;
  for (const match of raw.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) {
    try {
      onWarning((match[1] ?? '').replace(/\\(.)/g, '$1'), info);
    } catch {
      // Same as onRequest: an observer must not fail the request.
    }
  }
}

/** The typed error of an attempt that failed without a response: `timedOutMs` is set when the timeout fired. */
function attemptError(plan: RequestPlan, err: unknown, timedOutMs: number | undefined): KubeApiError {
  const describe = describeTarget(plan.operation, plan.target);
  if (timedOutMs !== undefined) {
    return new TimeoutError({
      reason: 'Timeout',
      code: 0,
      message: `${describe}Timeout: no response within ${timedOutMs} ms (timeoutMs)`,
      operation: plan.operation,
      target: plan.target,
      cause: err,
    });
  }
  const errno = (err as { code?: unknown }).code;
  if (errno === credentialsErrorCode) {
    return new UnauthorizedError({
      reason: 'Unauthorized',
      code: 0,
      message: `${describe}Unauthorized: ${(err as Error).message}`,
      operation: plan.operation,
      target: plan.target,
      cause: (err as Error).cause,
    });
  }
  return new ConnectionError({
    message: `${describe}ConnectionError: ${(err as Error).message ?? String(err)}`,
    errno: typeof errno === 'string' ? errno : undefined,
    operation: plan.operation,
    target: plan.target,
    cause: err,
  });
}
