/** One API call with everything around it: timeout, abort, typed errors, retries with backoff, counters, observer. */
import type { IncomingMessage } from 'node:http';
import type { ClientStats, RequestInfo, RequestVerb } from '../clientStats.js';
import {
  ConnectionError,
  describeTarget,
  type ErrorTarget,
  errorFromStatus,
  isTransientConnectionError,
  KubeApiError,
  parseStatus,
  TimeoutError,
  UnauthorizedError,
} from '../kubeApiError.js';
import type { RetryOptions } from '../retry.js';
import { type BackoffPolicy, backoffDelayMs, sleep } from './backoff.js';
import type { RequestLimiter } from './requestLimiter.js';
import { credentialsErrorCode, readBody, type Transport } from './transport.js';

/** Everything the requester needs to send and describe one call. */
export interface RequestPlan {
  readonly method: RequestInfo['method'];
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Whether resending after an unknown outcome is safe (decides retries of 5xx, timeouts and resets). */
  readonly idempotent: boolean;
  readonly operation: string;
  readonly verb: RequestVerb;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly target?: ErrorTarget;
}

/** Per-call knobs every client method accepts. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retry?: RetryOptions | undefined;
  /** Runs right before each attempt's first byte is written; a throw refuses the call (see `RequestOptions`). */
  readonly beforeSend?: (() => void) | undefined;
}

/** What `attemptOnce` throws when the call's `beforeSend` refused: `run` passes `error` on without retrying. */
class SendRefused {
  constructor(readonly error: unknown) {}
}

/** Settings fixed at client construction. */
export interface RequesterSettings {
  readonly transport: Transport;
  readonly timeoutMs: number;
  readonly retry: Readonly<Required<RetryOptions>>;
  readonly random: () => number;
  readonly userAgent: string;
  readonly onRequest: ((info: RequestInfo) => void) | undefined;
  readonly onWarning: ((warning: string, info: RequestInfo) => void) | undefined;
  /** Bounds concurrency (and optionally rate) of the attempts. */
  readonly limiter: RequestLimiter;
}

/** Sends plans; `json` reads the body, `open` hands back the streaming response (for watches). */
export interface Requester {
  json(plan: RequestPlan, options: CallOptions): Promise<unknown>;
  open(plan: RequestPlan, options: CallOptions, streamSignal: AbortSignal): Promise<IncomingMessage>;
  stats(): ClientStats;
}

/** Decides whether a failure may be retried, given whether the request is idempotent. */
export function isRetryable(err: KubeApiError, idempotent: boolean): boolean {
  switch (err.reason) {
    case 'TooManyRequests':
      // API priority and fairness rejects before the request is processed: safe to resend even a create.
      return true;
    case 'ConnectionError':
      return isTransientConnectionError(err as ConnectionError) && (idempotent || (err as ConnectionError).notSent);
    case 'InternalError':
    case 'ServiceUnavailable':
    case 'Timeout':
    case 'ServerTimeout':
      return idempotent;
    default:
      return false;
  }
}

/** The wait before the next attempt, or `undefined` if the server asks for more than the policy allows. */
export function retryDelayMs(err: KubeApiError, retry: number, policy: BackoffPolicy, random: () => number) {
  const backoff = backoffDelayMs(retry, policy, random);
  if (err.retryAfterMs === undefined) return backoff;
  return err.retryAfterMs > policy.maxDelayMs ? undefined : Math.max(backoff, err.retryAfterMs);
}

/** A requester with its own counters; `settings` are fixed for its lifetime. */
export function createRequester(settings: RequesterSettings): Requester {
  const { transport } = settings;
  const counters = { requests: 0, retries: 0, failures: 0, byVerb: {} as Partial<Record<RequestVerb, number>> };
  // Attempts waiting in the limiter (for a rate-limit token or a slot).
  let waiting = 0;

  const observe = (plan: RequestPlan, code: number, startedMs: number, attempt: number): RequestInfo => {
    const info: RequestInfo = {
      operation: plan.operation,
      verb: plan.verb,
      method: plan.method,
      host: transport.host,
      group: plan.group,
      version: plan.version,
      resource: plan.resource,
      subresource: plan.subresource,
      namespace: plan.namespace,
      code,
      durationMs: performance.now() - startedMs,
      attempt,
    };
    if (code < 200 || code > 299) counters.failures++;
    try {
      settings.onRequest?.(info);
    } catch {
      // A failing metrics observer must not fail the request it observes.
    }
    return info;
  };

  /** Counts an attempt (`by` 1) or takes back one that `beforeSend` refused (`by` -1). */
  const count = (verb: RequestVerb, attempt: number, by: 1 | -1) => {
    counters.requests += by;
    const byVerb = (counters.byVerb[verb] ?? 0) + by;
    if (byVerb === 0) delete counters.byVerb[verb];
    else counters.byVerb[verb] = byVerb;
    if (attempt > 1) counters.retries += by;
  };

  /** One attempt: resolves with the response (headers received) or rejects with a typed error. */
  const attemptOnce = async (
    plan: RequestPlan,
    options: CallOptions,
    attempt: number,
    streamSignal: AbortSignal | undefined,
    consume: (response: IncomingMessage) => Promise<string | undefined>,
  ): Promise<{ response: IncomingMessage; body: string | undefined }> => {
    const signalsBeforeSend = [options.signal, streamSignal].filter((s): s is AbortSignal => s !== undefined);
    waiting++;
    let release: () => void;
    try {
      release = await settings.limiter.acquire(
        signalsBeforeSend.length === 0 ? undefined : AbortSignal.any(signalsBeforeSend),
      );
    } finally {
      waiting--;
    }
    count(plan.verb, attempt, 1);
    const startedMs = performance.now();
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
    const signals = [timeout.signal, options.signal, streamSignal].filter((s): s is AbortSignal => s !== undefined);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': settings.userAgent };
    if (plan.contentType !== undefined) headers['Content-Type'] = plan.contentType;
    if (streamSignal === undefined) headers['Accept-Encoding'] = 'gzip';
    let response: IncomingMessage | undefined;
    let refused: SendRefused | undefined;
    const { beforeSend } = options;
    try {
      response = await transport.send({
        method: plan.method,
        path: plan.path,
        headers,
        body: plan.body === undefined ? undefined : serialize(plan.body, plan.contentType),
        signal: AbortSignal.any(signals),
        beforeWrite:
          beforeSend &&
          (() => {
            try {
              beforeSend();
            } catch (err) {
              refused = new SendRefused(err);
              throw err;
            }
          }),
      });
      const body = await consume(response);
      const info = observe(plan, response.statusCode ?? 0, startedMs, attempt);
      reportWarnings(response, info, settings.onWarning);
      return { response, body };
    } catch (err) {
      if (refused !== undefined) {
        // Nothing was written: not a request, and not one to report to onRequest.
        count(plan.verb, attempt, -1);
        throw refused;
      }
      if (response === undefined || response.complete === false) observe(plan, 0, startedMs, attempt);
      if (options.signal?.aborted) throw options.signal.reason;
      if (streamSignal?.aborted) throw streamSignal.reason;
      throw attemptError(plan, err, timeout.signal.aborted ? timeoutMs : undefined);
    } finally {
      clearTimeout(timer);
      release();
    }
  };

  /** Runs attempts until success, a non-retryable error, the attempt limit or abort. */
  const run = async (
    plan: RequestPlan,
    options: CallOptions,
    streamSignal: AbortSignal | undefined,
    consume: (response: IncomingMessage) => Promise<string | undefined>,
  ) => {
    const policy = { ...settings.retry, ...definedOnly(options.retry) };
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      let error: KubeApiError;
      try {
        const { response, body } = await attemptOnce(plan, options, attempt, streamSignal, consume);
        const code = response.statusCode ?? 0;
        if (code >= 200 && code < 300) return { response, body };
        const text = body ?? (await readBody(response).catch(() => ''));
        error = errorFromStatus({
          code,
          status: parseStatus(text),
          rawBody: text,
          retryAfter: header(response, 'retry-after'),
          operation: plan.operation,
          target: plan.target,
        });
      } catch (err) {
        if (err instanceof SendRefused) throw err.error;
        if (!isConnectionOrTimeout(err)) throw err;
        error = err;
      }
      const retryable = attempt < policy.maxAttempts && isRetryable(error, plan.idempotent);
      const waitMs = retryable ? retryDelayMs(error, attempt, policy, settings.random) : undefined;
      if (waitMs === undefined) throw error;
      await sleep(waitMs, options.signal);
    }
  };

  return {
    async json(plan, options) {
      const { response, body } = await run(plan, options, undefined, readBody);
      if (body === undefined || body === '') return undefined;
      try {
        return JSON.parse(body);
      } catch (err) {
        throw new KubeApiError({
          reason: 'Unknown',
          code: response.statusCode ?? 0,
          message: `${describe(plan)}Unknown: the response is not JSON: ${body.slice(0, 200)}`,
          operation: plan.operation,
          target: plan.target,
          cause: err,
        });
      }
    },
    async open(plan, options, streamSignal) {
      const { response } = await run(plan, options, streamSignal, async (res) => {
        const code = res.statusCode ?? 0;
        return code >= 200 && code < 300 ? undefined : readBody(res);
      });
      return response;
    },
    stats: () => ({ ...counters, byVerb: { ...counters.byVerb }, inFlight: settings.limiter.inFlight(), waiting }),
  };
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

/** The typed error of an attempt that failed without a response: `timedOutMs` is set when the timeout fired. */
function attemptError(plan: RequestPlan, err: unknown, timedOutMs: number | undefined): KubeApiError {
  if (timedOutMs !== undefined) {
    return new TimeoutError({
      reason: 'Timeout',
      code: 0,
      message: `${describe(plan)}Timeout: no response within ${timedOutMs} ms (timeoutMs)`,
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
      message: `${describe(plan)}Unauthorized: ${(err as Error).message}`,
      operation: plan.operation,
      target: plan.target,
      cause: (err as Error).cause,
    });
  }
  return new ConnectionError({
    message: `${describe(plan)}ConnectionError: ${(err as Error).message ?? String(err)}`,
    errno: typeof errno === 'string' ? errno : undefined,
    operation: plan.operation,
    target: plan.target,
    cause: err,
  });
}

function isConnectionOrTimeout(err: unknown): err is KubeApiError {
  return err instanceof ConnectionError || (err instanceof TimeoutError && err.code === 0);
}

function definedOnly(retry: RetryOptions | undefined): Partial<Required<RetryOptions>> {
  if (retry === undefined) return {};
  return Object.fromEntries(Object.entries(retry).filter(([, value]) => value !== undefined));
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(plan: RequestPlan): string {
  return describeTarget(plan.operation, plan.target);
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
