import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KubeApiError, NotFoundError, TooManyRequestsError } from '../kubeApiError.js';
import { decodeJson, decodeStatusError, isSuccess } from './decodeResponse.js';
import type { RequestPlan } from './requester.js';

const plan: RequestPlan = {
  method: 'GET',
  path: '/api/v1/namespaces/a/configmaps/b',
  idempotent: true,
  operation: 'get',
  verb: 'get',
  group: '',
  version: 'v1',
  resource: 'configmaps',
  target: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'b' },
};

function response(statusCode: number, body = '', headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), { statusCode, headers }) as unknown as IncomingMessage;
}

const status = (code: number, reason: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: `says ${reason}` });

describe('isSuccess', () => {
  it('is true for 2xx only', () => {
    expect([199, 200, 201, 299, 300, 404].map((code) => isSuccess(response(code)))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('decodeStatusError', () => {
  it('types the error by its Status and keeps the Retry-After', async () => {
    const error = await decodeStatusError(
      plan,
      response(429, '', { 'retry-after': '3' }),
      status(429, 'TooManyRequests'),
    );
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error.retryAfterMs).toBe(3000);
  });

  it('reads the body itself when the attempt did not', async () => {
    const error = await decodeStatusError(plan, response(404, status(404, 'NotFound')), undefined);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('says NotFound');
  });
});

describe('decodeJson', () => {
  it('parses the body, and an empty body is undefined', () => {
    expect(decodeJson(plan, response(200), '{"a":1}')).toEqual({ a: 1 });
    expect(decodeJson(plan, response(200), '')).toBeUndefined();
    expect(decodeJson(plan, response(200), undefined)).toBeUndefined();
  });

  it('throws a KubeApiError naming the call when the body is not JSON', () => {
    let thrown: unknown;
    try {
      decodeJson(plan, response(200), '<html>');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KubeApiError);
    expect((thrown as KubeApiError).reason).toBe('Unknown');
    expect((thrown as KubeApiError).message).toContain('the response is not JSON: <html>');
  });
});
