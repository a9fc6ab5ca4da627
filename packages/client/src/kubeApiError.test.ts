import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConflictError,
  ConnectionError,
  errorFromStatus,
  ForbiddenError,
  fromUnknown,
  GoneError,
  InvalidError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isKubeApiError,
  isNotFound,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  isUnknownKind,
  KubeApiError,
  NotFoundError,
  parseStatus,
  ServerError,
  type Status,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnknownKindError,
} from './kubeApiError.js';

const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'pinot', name: 'pinot-broker' };

function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details };
}

describe('errorFromStatus', () => {
  it('maps each Status reason to its class and keeps the Status object', () => {
    const cases: Array<[number, string, new (...args: never[]) => KubeApiError]> = [
      [404, 'NotFound', NotFoundError],
      [409, 'AlreadyExists', AlreadyExistsError],
      [409, 'Conflict', ConflictError],
      [422, 'Invalid', InvalidError],
      [403, 'Forbidden', ForbiddenError],
      [401, 'Unauthorized', UnauthorizedError],
      [410, 'Gone', GoneError],
      [410, 'Expired', GoneError],
      [429, 'TooManyRequests', TooManyRequestsError],
      [504, 'Timeout', TimeoutError],
      [500, 'ServerTimeout', TimeoutError],
      [500, 'InternalError', ServerError],
      [503, 'ServiceUnavailable', ServerError],
      [400, 'BadRequest', KubeApiError],
      [415, 'UnsupportedMediaType', KubeApiError],
    ];
    for (const [code, reason, type] of cases) {
      const body = status(code, reason, 'm');
      const err = errorFromStatus({ code, status: body, operation: 'get', target: statefulSet });
      expect(err).toBeInstanceOf(type);
      expect(err).toBeInstanceOf(KubeApiError);
      expect(err).toBeInstanceOf(Error);
      expect(err.reason).toBe(reason);
      expect(err.code).toBe(code);
      expect(err.status).toBe(body);
      expect(err.name).toBe(type.name);
    }
  });

  it('says what failed, on which object and why', () => {
    const err = errorFromStatus({
      code: 404,
      status: status(404, 'NotFound', 'statefulsets.apps "pinot-broker" not found'),
      operation: 'get',
      target: statefulSet,
    });
    expect(err.message).toBe(
      'get apps/v1 StatefulSet pinot/pinot-broker: NotFound: statefulsets.apps "pinot-broker" not found',
    );
    expect(err.operation).toBe('get');
    expect(err.target).toEqual(statefulSet);
  });

  it('describes a list by its namespace and a cluster-scoped object by its name alone', () => {
    const list = errorFromStatus({
      code: 403,
      status: status(403, 'Forbidden', 'x'),
      operation: 'list',
      target: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'pinot' },
    });
    expect(list.message).toBe('list v1 ConfigMap in namespace pinot: Forbidden: x');
    const node = errorFromStatus({
      code: 404,
      status: status(404, 'NotFound', 'nodes "n1" not found'),
      operation: 'get',
      target: { apiVersion: 'v1', kind: 'Node', name: 'n1' },
    });
    expect(node.message).toBe('get v1 Node n1: NotFound: nodes "n1" not found');
  });

  it('names the verb, resource, namespace and user of a Forbidden', () => {
    const message =
      'statefulsets.apps "pinot-broker" is forbidden: User "system:serviceaccount:x:y" cannot patch resource ' +
      '"statefulsets" in API group "apps" in the namespace "pinot"';
    const err = errorFromStatus({
      code: 403,
      status: status(403, 'Forbidden', message),
      operation: 'patch',
      target: statefulSet,
    });
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.message).toBe(
      'patch apps/v1 StatefulSet pinot/pinot-broker: Forbidden: User "system:serviceaccount:x:y" cannot patch resource ' +
        '"statefulsets" in API group "apps" in the namespace "pinot"',
    );
    const forbidden = err as ForbiddenError;
    expect(forbidden.verb).toBe('patch');
    expect(forbidden.resource).toBe('statefulsets');
    expect(forbidden.group).toBe('apps');
    expect(forbidden.namespace).toBe('pinot');
    expect(forbidden.user).toBe('system:serviceaccount:x:y');
  });

  it('reads a cluster-scope Forbidden with a subresource', () => {
    const message =
      'nodes "n1" is forbidden: User "alice" cannot update resource "nodes/status" in API group "" at the cluster scope';
    const err = errorFromStatus({ code: 403, status: status(403, 'Forbidden', message) }) as ForbiddenError;
    expect(err.message).toBe(
      'Forbidden: User "alice" cannot update resource "nodes/status" in API group "" at the cluster scope',
    );
    expect([err.verb, err.resource, err.group, err.namespace, err.user]).toEqual([
      'update',
      'nodes/status',
      '',
      undefined,
      'alice',
    ]);
  });

  it('keeps the field causes of an Invalid', () => {
    const causes = [
      { reason: 'FieldValueInvalid', message: 'Invalid value: "-1": must be >= 0', field: 'spec.replicas' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
    ];
    const err = errorFromStatus({ code: 422, status: status(422, 'Invalid', 'invalid', { causes }) });
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).causes).toEqual(causes);
  });

  it('reads Retry-After in seconds, as an HTTP-date, or from details.retryAfterSeconds', () => {
    const nowMs = Date.parse('2026-01-01T00:00:00Z');
    const seconds = errorFromStatus({
      code: 429,
      status: status(429, 'TooManyRequests', 'slow down'),
      retryAfter: '3',
    });
    expect(seconds.retryAfterMs).toBe(3000);
    const date = errorFromStatus({ code: 429, retryAfter: 'Thu, 01 Jan 2026 00:00:05 GMT', nowMs });
    expect(date.retryAfterMs).toBe(5000);
    const details = errorFromStatus({ code: 500, status: status(500, 'ServerTimeout', 't', { retryAfterSeconds: 2 }) });
    expect(details.retryAfterMs).toBe(2000);
    expect(errorFromStatus({ code: 429 }).retryAfterMs).toBeUndefined();
  });

  it('derives the reason from the HTTP code when the body is not a Status', () => {
    const html = '<html><body>502 Bad Gateway</body></html>';
    const err = errorFromStatus({ code: 502, rawBody: html, operation: 'get', target: statefulSet });
    expect(err).toBeInstanceOf(ServerError);
    expect(err.reason).toBe('ServiceUnavailable');
    expect(err.status).toBeUndefined();
    expect(err.message).toContain('502 Bad Gateway');
    expect(errorFromStatus({ code: 404 }).reason).toBe('NotFound');
    expect(errorFromStatus({ code: 422 }).reason).toBe('Invalid');
    expect(errorFromStatus({ code: 504 }).reason).toBe('Timeout');
    expect(errorFromStatus({ code: 418 }).reason).toBe('Unknown');
    expect(errorFromStatus({ code: 418 }).message).toBe('Unknown: HTTP 418');
  });

  it('derives the reason from the code when the Status has an empty or unknown reason', () => {
    expect(errorFromStatus({ code: 404, status: { kind: 'Status', code: 404, message: 'nope' } })).toBeInstanceOf(
      NotFoundError,
    );
    expect(errorFromStatus({ code: 409, status: status(409, 'SomethingNew', 'x') }).reason).toBe('Conflict');
  });

  it('prefers the Status code over the HTTP code (watch ERROR events arrive with HTTP 200)', () => {
    const err = errorFromStatus({ code: 200, status: status(410, 'Expired', 'too old resource version: 1 (2)') });
    expect(err).toBeInstanceOf(GoneError);
    expect(err.code).toBe(410);
  });
});

describe('guards', () => {
  const make = (code: number, reason: string) => errorFromStatus({ code, status: status(code, reason, reason) });

  it('answer by reason', () => {
    expect(isNotFound(make(404, 'NotFound'))).toBe(true);
    expect(isNotFound(make(409, 'Conflict'))).toBe(false);
    expect(isAlreadyExists(make(409, 'AlreadyExists'))).toBe(true);
    expect(isConflict(make(409, 'Conflict'))).toBe(true);
    expect(isConflict(make(409, 'AlreadyExists'))).toBe(false);
    expect(isInvalid(make(422, 'Invalid'))).toBe(true);
    expect(isForbidden(make(403, 'Forbidden'))).toBe(true);
    expect(isUnauthorized(make(401, 'Unauthorized'))).toBe(true);
    expect(isGone(make(410, 'Gone'))).toBe(true);
    expect(isGone(make(410, 'Expired'))).toBe(true);
    expect(isTooManyRequests(make(429, 'TooManyRequests'))).toBe(true);
    expect(isTimeout(make(504, 'Timeout'))).toBe(true);
    expect(isTimeout(make(500, 'ServerTimeout'))).toBe(true);
    expect(isUnknownKind(new UnknownKindError({ apiVersion: 'x.io/v1', kind: 'X' }))).toBe(true);
  });

  it('are false for anything else, and an unknown kind is not a NotFound', () => {
    for (const value of [undefined, null, 'NotFound', new Error('NotFound'), { reason: 'NotFound' }]) {
      expect(isNotFound(value)).toBe(false);
      expect(isKubeApiError(value)).toBe(false);
    }
    expect(isNotFound(new UnknownKindError({ apiVersion: 'x.io/v1', kind: 'X' }))).toBe(false);
  });
});

describe('UnknownKindError', () => {
  it('says the kind is not served and suggests the CRD', () => {
    const err = new UnknownKindError({ apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', operation: 'apply' });
    expect(err.message).toBe(
      'apply datainfra.io/v1beta1 Pinot: kind Pinot in group/version datainfra.io/v1beta1 is not served by the API ' +
        'server (is the CRD installed?)',
    );
    expect(err.reason).toBe('UnknownKind');
    expect(new UnknownKindError({ apiVersion: 'v2', kind: 'Pod' }).message).toContain('group/version core/v2');
  });
});

describe('fromUnknown', () => {
  it('returns a KubeApiError unchanged', () => {
    const err = errorFromStatus({ code: 404 });
    expect(fromUnknown(err)).toBe(err);
  });

  it('maps a Status object', () => {
    const err = fromUnknown(status(409, 'Conflict', 'the object has been modified'));
    expect(err).toBeInstanceOf(ConflictError);
  });

  it("maps client-node's ApiException (code + body text + headers) and keeps it as the cause", () => {
    const apiException = Object.assign(new Error('HTTP-Code: 429'), {
      code: 429,
      body: JSON.stringify(status(429, 'TooManyRequests', 'storage is (re)initializing')),
      headers: { 'retry-after': '1' },
    });
    const err = fromUnknown(apiException);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err.retryAfterMs).toBe(1000);
    expect(err.message).toBe('TooManyRequests: storage is (re)initializing');
    expect(err.cause).toBe(apiException);
  });

  it('maps a Node.js network error to a ConnectionError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const err = fromUnknown(refused);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).errno).toBe('ECONNREFUSED');
    expect((err as ConnectionError).notSent).toBe(true);
    expect(err.cause).toBe(refused);
    const reset = fromUnknown(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) as ConnectionError;
    expect(reset.notSent).toBe(false);
  });

  it('wraps anything else as reason Unknown', () => {
    const err = fromUnknown(new TypeError('boom'));
    expect(err.reason).toBe('Unknown');
    expect(err.code).toBe(0);
    expect(err.message).toBe('boom');
    expect(fromUnknown('text').message).toBe('text');
  });
});

describe('parseStatus', () => {
  it('accepts Status text or objects and rejects other bodies', () => {
    expect(parseStatus('{"kind":"Status","code":404}')).toEqual({ kind: 'Status', code: 404 });
    expect(parseStatus({ reason: 'NotFound', message: 'x' })).toEqual({ reason: 'NotFound', message: 'x' });
    expect(parseStatus('<html>')).toBeUndefined();
    expect(parseStatus('{"kind":"ConfigMap"}')).toBeUndefined();
    expect(parseStatus('null')).toBeUndefined();
  });
});
