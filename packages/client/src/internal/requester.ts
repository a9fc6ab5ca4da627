/**
 * One API call with everything around it: attempts (`sendAttempt`), each failure weighed by `decideRetry`, the
 * answer decoded (`decodeResponse`), all counted (`requestCounters`).
 */
import type { IncomingMessage } from 'node:http';
import { sleep } from '../backoff.js';
import type { ClientStats, RequestInfo, RequestVerb } from '../clientStats.js';
import type { ErrorTarget } from '../kubeApiError.js';
import type { RetryOptions } from '../retry.js';
import { decodeJson, decodeStatusError, isSuccess } from './decodeResponse.js';
import { createRequestCounters } from './requestCounters.js';
import type { RequestLimiter } from './requestLimiter.js';
import { decideRetry } from './retryDecision.js';
import { type AttemptContext, type AttemptRequest, sendAttempt } from './sendAttempt.js';
import { readBody, type Transport } from './transport.js';

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

/** A requester with its own counters; `settings` are fixed for its lifetime. */
export function createRequester(settings: RequesterSettings): Requester {
  const context: AttemptContext = { settings, counters: createRequestCounters() };
  return {
    async json(plan, options) {
      const { response, body } = await runAttempts(context, {
        plan,
        options,
        streamSignal: undefined,
        consume: readBody,
      });
      return decodeJson(plan, response, body);
    },
    async open(plan, options, streamSignal) {
      // Only an error's body is read: a watch's stream is handed back unread.
      const consume = async (response: IncomingMessage) => (isSuccess(response) ? undefined : readBody(response));
      const { response } = await runAttempts(context, { plan, options, streamSignal, consume });
      return response;
    },
    stats: () => context.counters.snapshot(settings.limiter.inFlight()),
  };
}

/**
 * Attempts the plan until one is answered with a 2xx, the retry decision gives up (the error is thrown), an attempt
 * throws, or the call's signal aborts.
 */
async function runAttempts(context: AttemptContext, call: Omit<AttemptRequest, 'attempt'>) {
  const { plan, options } = call;
  const policy = { ...context.settings.retry, ...definedOnly(options.retry) };
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const outcome = await sendAttempt(context, { ...call, attempt });
    if (outcome.state === 'answered' && isSuccess(outcome.response)) return outcome;
    const error =
      outcome.state === 'answered' ? await decodeStatusError(plan, outcome.response, outcome.body) : outcome.error;
    const decision = decideRetry(error, {
      attempt,
      idempotent: plan.idempotent,
      policy,
      random: context.settings.random,
    });
    if (decision.action === 'giveUp') throw error;
    await sleep(decision.waitMs, options.signal);
  }
}

function definedOnly(retry: RetryOptions | undefined): Partial<Required<RetryOptions>> {
  if (retry === undefined) return {};
  return Object.fromEntries(Object.entries(retry).filter(([, value]) => value !== undefined));
}
