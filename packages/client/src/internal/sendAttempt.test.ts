import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RequestInfo } from '../clientStats.js';
import { ConnectionError, TimeoutError, UnauthorizedError } from '../kubeApiError.js';
import { retryDefaults } from '../retry.js';
import { createRequestCounters } from './requestCounters.js';
import type { RequestPlan } from './requester.js';
import { createRequestLimiter } from './requestLimiter.js';
import { type AttemptContext, type AttemptRequest, sendAttempt, serialize } from './sendAttempt.js';
import { credentialsErrorCode, type HttpRequest, readBody } from './transport.js';

const plan: RequestPlan = {
  method: 'GET',
  path: '/api/v1/namespaces/a/configmaps/b',
  idempotent: true,
  operation: 'get',
  verb: 'get',
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespace: 'a',
};

function response(statusCode: number, body: string): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers: {}, complete: true }) as never;
}

/** A context whose transport answers with `send`, recording each request and each `onRequest`. */
function setup(send: (request: HttpRequest) => Promise<IncomingMessage>, timeoutMs = 1000) {
  const sent: HttpRequest[] = [];
  const observed: RequestInfo[] = [];
  const limiter = createRequestLimiter({ maxConcurrentRequests: 1, rateLimit: false });
  const context: AttemptContext = {
    settings: {
      transport: {
        host: 'test:6443',
        send: (request) => {
          sent.push(request);
          return send(request);
        },
        close() {},
      },
      timeoutMs,
      retry: retryDefaults,
      random: () => 0,
      userAgent: 'test',
      onRequest: (info) => observed.push(info),
      onWarning: undefined,
      limiter,
    },
    counters: createRequestCounters(),
  };
  return { context, sent, observed, limiter };
}

const request = (options: AttemptRequest['options'] = {}): AttemptRequest => ({
  plan,
  options,
  attempt: 2,
  streamSignal: undefined,
  consume: readBody,
});

describe('sendAttempt', () => {
  it('ends answered with the body read, observed, counted as a retry, and its slot released', async () => {
    const { context, sent, observed, limiter } = setup(async () => response(404, 'gone'));
    const outcome = await sendAttempt(context, request());
    expect(outcome).toMatchObject({ state: 'answered', body: 'gone' });
    expect(sent[0]?.headers).toMatchObject({ 'User-Agent': 'test', 'Accept-Encoding': 'gzip' });
    expect(observed.map((info) => [info.code, info.attempt])).toEqual([[404, 2]]);
    expect(context.counters.snapshot(limiter.inFlight())).toMatchObject({ requests: 1, retries: 1, failures: 1 });
    expect(limiter.inFlight()).toBe(0);
  });

  it('ends unanswered with a ConnectionError when the send fails', async () => {
    const { context, observed } = setup(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const outcome = await sendAttempt(context, request());
    expect(outcome.state).toBe('unanswered');
    expect(outcome.state === 'unanswered' && outcome.error).toBeInstanceOf(ConnectionError);
    expect(observed.map((info) => info.code)).toEqual([0]);
  });

  it('ends unanswered with a TimeoutError when the timeout fires first', async () => {
    const { context } = setup(
      (req) => new Promise((_resolve, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason))),
      5,
    );
    const outcome = await sendAttempt(context, request());
    expect(outcome.state === 'unanswered' && outcome.error).toBeInstanceOf(TimeoutError);
  });

  it('throws an UnauthorizedError (never retried) when the credentials cannot be had', async () => {
    const { context } = setup(async () => {
      throw Object.assign(new Error('token expired'), { code: credentialsErrorCode });
    });
    await expect(sendAttempt(context, request())).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('throws the call signal reason when the call is aborted', async () => {
    const abort = new AbortController();
    const { context } = setup(async () => {
      abort.abort(new Error('stop'));
      throw new Error('socket destroyed');
    });
    await expect(sendAttempt(context, request({ signal: abort.signal }))).rejects.toThrow('stop');
  });

  it('a refusal by beforeSend throws its own error and takes the attempt back: not counted, not observed', async () => {
    const { context, observed, limiter } = setup(async (req) => {
      req.beforeWrite?.();
      return response(200, '{}');
    });
    const refusal = new ConnectionError({ message: 'not the leader', errno: 'ECONNREFUSED' });
    const outcome = sendAttempt(
      context,
      request({
        beforeSend: () => {
          throw refusal;
        },
      }),
    );
    await expect(outcome).rejects.toBe(refusal);
    expect(observed).toEqual([]);
    expect(context.counters.snapshot(limiter.inFlight())).toEqual({
      requests: 0,
      retries: 0,
      failures: 0,
      byVerb: {},
      inFlight: 0,
      waiting: 0,
    });
  });
});

describe('serialize', () => {
  it('escapes what a YAML decoder refuses raw, only in server-side apply bodies, and stays the same JSON', () => {
    const body = { data: { k: 'a\u007f\u0085\u009f\ufffe\uffffb é' } };
    const applied = serialize(body, 'application/apply-patch+yaml');
    expect(applied).toBe('{"data":{"k":"a\\u007f\\u0085\\u009f\\ufffe\\uffffb é"}}');
    expect(JSON.parse(applied)).toEqual(body);
    expect(serialize(body, 'application/merge-patch+json')).toBe(JSON.stringify(body));
  });
});
