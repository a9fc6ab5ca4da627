import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { retryDefaults } from '../retry.js';
import { createRequester, type RequestPlan } from './requester.js';
import { createRequestLimiter } from './requestLimiter.js';

const plan = (idempotent: boolean): RequestPlan => ({
  method: idempotent ? 'GET' : 'POST',
  path: '/api/v1/namespaces/a/configmaps',
  idempotent,
  operation: idempotent ? 'get' : 'create',
  verb: idempotent ? 'get' : 'create',
  group: '',
  version: 'v1',
  resource: 'configmaps',
});

const response = (statusCode: number, body: string): IncomingMessage =>
  Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers: {}, complete: true }) as never;

/** A requester whose transport gives the answers in turn (a thrown error is a failed send). */
function requesterAnswering(...answers: Array<() => IncomingMessage>) {
  let sends = 0;
  const requester = createRequester({
    transport: { host: 'test', send: async () => answers[sends++]!(), close() {} },
    timeoutMs: 1000,
    retry: { ...retryDefaults, initialDelayMs: 1, maxDelayMs: 5 },
    random: () => 0,
    userAgent: 'test',
    onRequest: undefined,
    onWarning: undefined,
    limiter: createRequestLimiter({ maxConcurrentRequests: 1, rateLimit: false }),
  });
  return { requester, sends: () => sends };
}

const unavailable = () => response(503, JSON.stringify({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' }));
const reset = () => {
  throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
};

describe('createRequester', () => {
  it('retries an idempotent call through a reset and a 503, then decodes the 2xx answer', async () => {
    const { requester, sends } = requesterAnswering(reset, unavailable, () => response(200, '{"ok":true}'));
    await expect(requester.json(plan(true), {})).resolves.toEqual({ ok: true });
    expect(sends()).toBe(3);
    expect(requester.stats()).toMatchObject({ requests: 3, retries: 2, failures: 2, byVerb: { get: 3 } });
  });

  it('throws the typed error of a 500 to a create without resending it', async () => {
    const { requester, sends } = requesterAnswering(
      () => response(500, JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError' })),
      () => response(201, '{}'),
    );
    await expect(requester.json(plan(false), {})).rejects.toMatchObject({ reason: 'InternalError', code: 500 });
    expect(sends()).toBe(1);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    const { requester, sends } = requesterAnswering(unavailable, unavailable, unavailable);
    await expect(requester.json(plan(true), { retry: { maxAttempts: 2 } })).rejects.toMatchObject({
      reason: 'ServiceUnavailable',
    });
    expect(sends()).toBe(2);
  });

  it('hands a watch its 2xx response unread', async () => {
    const { requester } = requesterAnswering(() => response(200, '{"type":"ADDED"}\n'));
    const opened = await requester.open(plan(true), {}, new AbortController().signal);
    expect(opened.statusCode).toBe(200);
    expect(opened.readableEnded).toBe(false);
  });
});
