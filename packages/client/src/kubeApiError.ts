/** Typed errors of @dsoi/client: one class per Kubernetes `Status.reason` that carries data, all under `KubeApiError`. */
import { parseRetryAfter } from './internal/retryAfter.js';

/** The Kubernetes `metav1.Status` object the API server returns with every failure (and in watch ERROR events). */
export interface Status {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** `'Success'` or `'Failure'`. */
  readonly status?: string;
  /** Human-readable description, e.g. `configmaps "broker" not found`. */
  readonly message?: string;
  /** Machine-readable reason, e.g. `NotFound`; empty when the server gave none. */
  readonly reason?: string;
  /** The HTTP status code the server meant. */
  readonly code?: number;
  readonly details?: StatusDetails;
}

/** `Status.details`: the object the failure is about and, for `Invalid`, one cause per field. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** One cause of a failure, e.g. `{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: '...' }`. */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** The `Status.reason` values Kubernetes defines (`k8s.io/apimachinery/pkg/apis/meta/v1` `StatusReason`). */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Unknown';

/**
 * The discriminant of every `KubeApiError`: a Kubernetes `StatusReason`, or one of two client-side reasons:
 * `'ConnectionError'` (no HTTP response) and `'UnknownKind'` (discovery does not serve the kind).
 */
export type KubeApiErrorReason = StatusReason | 'ConnectionError' | 'UnknownKind';

const statusReasons: ReadonlySet<string> = new Set<StatusReason>([
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Expired',
  'Invalid',
  'ServerTimeout',
  'Timeout',
  'TooManyRequests',
  'MethodNotAllowed',
  'NotAcceptable',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'InternalError',
  'ServiceUnavailable',
  'Unknown',
]);

/** The object (or collection) a failed request was about; used in messages and kept on the error. */
export interface ErrorTarget {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** What every `KubeApiError` constructor takes. */
export interface KubeApiErrorInit {
  readonly reason: KubeApiErrorReason;
  /** HTTP status code; `0` when no response arrived. */
  readonly code: number;
  /** The complete message, already prefixed with the operation and object. */
  readonly message: string;
  /** The API server's Status object, when there was one. */
  readonly status?: Status;
  /** The client operation that failed: `get`, `list`, `apply`, `patchStatus`, `watch`, ... */
  readonly operation?: string;
  readonly target?: ErrorTarget;
  /** Milliseconds the server asked to wait (`Retry-After` header or `details.retryAfterSeconds`). */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

const brand = Symbol.for('@dsoi/client.KubeApiError');

/**
 * The base of every error this package throws for a request: switch on `reason` (exhaustive) or use `instanceof`.
 * Thrown as-is for reasons without a subclass (`BadRequest`, `MethodNotAllowed`, `Unknown`, ...).
 */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly reason: KubeApiErrorReason;
  /** HTTP status code; `0` when no response arrived (connection error, client-side timeout). */
  readonly code: number;
  /** The API server's Status object, unchanged, when the server sent one. */
  readonly status: Status | undefined;
  readonly operation: string | undefined;
  readonly target: ErrorTarget | undefined;
  /** Milliseconds the server asked to wait before retrying, if it said. */
  readonly retryAfterMs: number | undefined;
  readonly [brand] = true;

  constructor(init: KubeApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    this.code = init.code;
    this.status = init.status;
    this.operation = init.operation;
    this.target = init.target;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 404 `NotFound`: the object (or namespace) does not exist. */
export class NotFoundError extends KubeApiError {
  override name = 'NotFoundError';
}

/** 409 `AlreadyExists`: `create` of a name that is taken. */
export class AlreadyExistsError extends KubeApiError {
  override name = 'AlreadyExistsError';
}

/** 409 `Conflict`: a stale `resourceVersion`/precondition, or a server-side apply field conflict. Retry after a re-read. */
export class ConflictError extends KubeApiError {
  override name = 'ConflictError';
}

/** 422 `Invalid`: the object failed validation; `causes` names each field. */
export class InvalidError extends KubeApiError {
  override name = 'InvalidError';
  /** One entry per invalid field (`Status.details.causes`). */
  readonly causes: readonly StatusCause[];
  constructor(init: KubeApiErrorInit) {
    super(init);
    this.causes = init.status?.details?.causes ?? [];
  }
}

/** What a `ForbiddenError` knows about the missing permission. */
export interface ForbiddenDetails {
  /** The RBAC verb that was denied: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`. */
  readonly verb?: string;
  /** The resource, with its subresource if any: `statefulsets`, `pinots/status`. */
  readonly resource?: string;
  /** The API group; `''` for the core group. */
  readonly group?: string;
  /** The namespace; `undefined` at cluster scope. */
  readonly namespace?: string;
  /** The user the server authenticated, e.g. `system:serviceaccount:pinot:pinot-operator`. */
  readonly user?: string;
}

/** 403 `Forbidden`: RBAC denies the request. The message and fields name the verb, resource, namespace and user. */
export class ForbiddenError extends KubeApiError {
  override name = 'ForbiddenError';
  readonly verb: string | undefined;
  readonly resource: string | undefined;
  readonly group: string | undefined;
  readonly namespace: string | undefined;
  readonly user: string | undefined;
  constructor(init: KubeApiErrorInit & { readonly forbidden?: ForbiddenDetails }) {
    super(init);
    this.verb = init.forbidden?.verb;
    this.resource = init.forbidden?.resource;
    this.group = init.forbidden?.group;
    this.namespace = init.forbidden?.namespace;
    this.user = init.forbidden?.user;
  }
}

/** 401 `Unauthorized`: the credentials are missing, wrong or expired. */
export class UnauthorizedError extends KubeApiError {
  override name = 'UnauthorizedError';
}

/** 410 `Gone` or `Expired`: a watch `resourceVersion` or list `continue` token is too old. Relist. */
export class GoneError extends KubeApiError {
  override name = 'GoneError';
}

/** 429 `TooManyRequests`: API priority and fairness rejected the request; `retryAfterMs` says when to come back. */
export class TooManyRequestsError extends KubeApiError {
  override name = 'TooManyRequestsError';
}

/** `Timeout` (504, or `code` 0 for the client's own `timeoutMs`) or `ServerTimeout`: the request took too long. */
export class TimeoutError extends KubeApiError {
  override name = 'TimeoutError';
}

/** 5xx `InternalError` or `ServiceUnavailable` (a failing webhook, an overloaded or restarting API server). */
export class ServerError extends KubeApiError {
  override name = 'ServerError';
}

/** No HTTP response: the connection was refused, reset or failed TLS. `cause` is the Node.js error. */
export class ConnectionError extends KubeApiError {
  override name = 'ConnectionError';
  /** The Node.js error code (`ECONNREFUSED`, `ECONNRESET`, `CERT_HAS_EXPIRED`, ...), if any. */
  readonly errno: string | undefined;
  /** True when the request certainly never reached the server (refused, unresolvable), so even a create may be resent. */
  readonly notSent: boolean;
  constructor(init: Omit<KubeApiErrorInit, 'reason' | 'code'> & { readonly errno?: string }) {
    super({ ...init, reason: 'ConnectionError', code: 0 });
    this.errno = init.errno;
    this.notSent = init.errno !== undefined && notSentCodes.has(init.errno);
  }
}

/** The API server does not serve this apiVersion/kind (typically: the CRD is not installed). Not a `NotFound`. */
export class UnknownKindError extends KubeApiError {
  override name = 'UnknownKindError';
  readonly apiVersion: string;
  readonly kind: string;
  constructor(init: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly operation?: string;
    cause?: unknown;
  }) {
    const [group, version] = splitApiVersion(init.apiVersion);
    const prefix = init.operation === undefined ? '' : `${init.operation} ${init.apiVersion} ${init.kind}: `;
    super({
      reason: 'UnknownKind',
      code: 404,
      operation: init.operation,
      target: { apiVersion: init.apiVersion, kind: init.kind },
      cause: init.cause,
      message:
        `${prefix}kind ${init.kind} in group/version ${group === '' ? 'core' : group}/${version} ` +
        'is not served by the API server (is the CRD installed?)',
    });
    this.apiVersion = init.apiVersion;
    this.kind = init.kind;
  }
}

/** Node.js error codes of connections that never carried the request. */
const notSentCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Node.js error codes worth a retry; anything else (TLS verification, bad URL) is a configuration error. */
const transientCodes: ReadonlySet<string> = new Set([
  ...notSentCodes,
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** True for a `ConnectionError` caused by a transient network failure. */
export function isTransientConnectionError(err: ConnectionError): boolean {
  return err.errno !== undefined && transientCodes.has(err.errno);
}

/** Splits `apps/v1` into `['apps', 'v1']` and `v1` into `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** True for any error thrown by this package (works across duplicate copies of the package). */
export function isKubeApiError(err: unknown): err is KubeApiError {
  return typeof err === 'object' && err !== null && (err as { [brand]?: unknown })[brand] === true;
}

const hasReason = (err: unknown, ...reasons: KubeApiErrorReason[]) =>
  isKubeApiError(err) && reasons.includes(err.reason);

/** True when `err` is a `NotFoundError` (404). An `UnknownKindError` is not a NotFound. */
export const isNotFound = (err: unknown): err is NotFoundError => hasReason(err, 'NotFound');
/** True when `err` is an `AlreadyExistsError`. */
export const isAlreadyExists = (err: unknown): err is AlreadyExistsError => hasReason(err, 'AlreadyExists');
/** True when `err` is a `ConflictError` (stale resourceVersion or apply field conflict). */
export const isConflict = (err: unknown): err is ConflictError => hasReason(err, 'Conflict');
/** True when `err` is an `InvalidError` (422). */
export const isInvalid = (err: unknown): err is InvalidError => hasReason(err, 'Invalid');
/** True when `err` is a `ForbiddenError` (403). */
export const isForbidden = (err: unknown): err is ForbiddenError => hasReason(err, 'Forbidden');
/** True when `err` is an `UnauthorizedError` (401). */
export const isUnauthorized = (err: unknown): err is UnauthorizedError => hasReason(err, 'Unauthorized');
/** True when `err` is a `GoneError` (410 Gone or Expired). */
export const isGone = (err: unknown): err is GoneError => hasReason(err, 'Gone', 'Expired');
/** True when `err` is a `TooManyRequestsError` (429). */
export const isTooManyRequests = (err: unknown): err is TooManyRequestsError => hasReason(err, 'TooManyRequests');
/** True when `err` is a `TimeoutError` (server or client-side). */
export const isTimeout = (err: unknown): err is TimeoutError => hasReason(err, 'Timeout', 'ServerTimeout');
/** True when `err` is an `UnknownKindError`. */
export const isUnknownKind = (err: unknown): err is UnknownKindError => hasReason(err, 'UnknownKind');

/** The reason Kubernetes would give for an HTTP code when the body is not a Status. */
export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 502:
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

/** What `errorFromStatus` needs to know about the failed request. */
export interface StatusErrorInput {
  /** HTTP status code of the response (for a watch ERROR event: the Status's own code). */
  readonly code: number;
  /** The Status body, or `undefined` when the body was not a Status (e.g. an HTML page from a proxy). */
  readonly status?: Status;
  /** The raw body when it was not a Status; its start goes into the message. */
  readonly rawBody?: string;
  /** The `Retry-After` response header. */
  readonly retryAfter?: string;
  readonly operation?: string;
  readonly target?: ErrorTarget;
  /** The current time for HTTP-date `Retry-After` values. @default Date.now() */
  readonly nowMs?: number;
}

/** Maps an API server failure (HTTP code + Status body + headers) to the typed error. */
export function errorFromStatus(input: StatusErrorInput): KubeApiError {
  const { status } = input;
  const code = status?.code !== undefined && status.code > 0 ? status.code : input.code;
  const reason: StatusReason =
    status?.reason !== undefined && statusReasons.has(status.reason) && status.reason !== 'Unknown'
      ? (status.reason as StatusReason)
      : reasonForCode(code);
  const retryAfterMs =
    parseRetryAfter(input.retryAfter, input.nowMs ?? Date.now()) ??
    (status?.details?.retryAfterSeconds !== undefined ? status.details.retryAfterSeconds * 1000 : undefined);
  const serverMessage = status?.message ?? (input.rawBody?.trim().slice(0, 200) || `HTTP ${code}`);
  const detail = reason === 'Forbidden' ? stripForbiddenPrefix(serverMessage) : serverMessage;
  const init: KubeApiErrorInit = {
    reason,
    code,
    message: `${describeTarget(input.operation, input.target)}${reason}: ${detail}`,
    status,
    operation: input.operation,
    target: input.target,
    retryAfterMs,
  };
  switch (reason) {
    case 'NotFound':
      return new NotFoundError(init);
    case 'AlreadyExists':
      return new AlreadyExistsError(init);
    case 'Conflict':
      return new ConflictError(init);
    case 'Invalid':
      return new InvalidError(init);
    case 'Forbidden':
      return new ForbiddenError({ ...init, forbidden: parseForbidden(serverMessage, input.target) });
    case 'Unauthorized':
      return new UnauthorizedError(init);
    case 'Gone':
    case 'Expired':
      return new GoneError(init);
    case 'TooManyRequests':
      return new TooManyRequestsError(init);
    case 'Timeout':
    case 'ServerTimeout':
      return new TimeoutError(init);
    case 'InternalError':
    case 'ServiceUnavailable':
      return new ServerError(init);
    default:
      return new KubeApiError(init);
  }
}

/** `patch apps/v1 StatefulSet pinot/pinot-broker: ` (empty when there is no operation). */
export function describeTarget(operation: string | undefined, target: ErrorTarget | undefined): string {
  if (operation === undefined) return '';
  const parts = [operation];
  if (target?.apiVersion !== undefined) parts.push(target.apiVersion);
  if (target?.kind !== undefined) parts.push(target.kind);
  if (target?.name !== undefined) {
    parts.push(target.namespace ? `${target.namespace}/${target.name}` : target.name);
  } else if (target?.namespace) {
    parts.push(`in namespace ${target.namespace}`);
  }
  return `${parts.join(' ')}: `;
}

/** `statefulsets.apps "x" is forbidden: User ...` → `User ...` (the prefix repeats what our message already says). */
function stripForbiddenPrefix(message: string): string {
  const marker = ' is forbidden: ';
  const at = message.indexOf(marker);
  return at < 0 ? message : message.slice(at + marker.length);
}

const forbiddenPattern =
  /User "([^"]*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)/;

/** Reads user, verb, resource, group and namespace from the authorizer's message (`forbiddenMessage` in apiserver). */
export function parseForbidden(message: string, target?: ErrorTarget): ForbiddenDetails {
  const match = forbiddenPattern.exec(message);
  if (match === null) {
    const user = /User "([^"]*)"/.exec(message)?.[1];
    return { user, namespace: target?.namespace };
  }
  const [, user, verb, resource, group, namespace] = match;
  return { user, verb, resource, group, namespace };
}

/** Turns anything thrown into a `KubeApiError` (a Status-shaped object or client-node `ApiException` keeps its data). */
export function fromUnknown(err: unknown): KubeApiError {
  if (isKubeApiError(err)) return err;
  if (typeof err === 'object' && err !== null) {
    const candidate = err as { code?: unknown; body?: unknown; kind?: unknown; reason?: unknown; message?: unknown };
    if (candidate.kind === 'Status' && typeof candidate.code === 'number') {
      return errorFromStatus({ code: candidate.code, status: candidate as Status });
    }
    // client-node's ApiException: { code: number, body: string | object, headers }.
    if (typeof candidate.code === 'number' && candidate.body !== undefined) {
      const status = parseStatus(candidate.body);
      const headers = (err as { headers?: Record<string, string> }).headers;
      const input: StatusErrorInput = {
        code: candidate.code,
        status,
        rawBody: typeof candidate.body === 'string' ? candidate.body : undefined,
        retryAfter: headers?.['retry-after'] ?? headers?.['Retry-After'],
      };
      return withCause(errorFromStatus(input), err);
    }
    if (typeof candidate.code === 'string' && /^E[A-Z]+$|^UND_ERR|CERT|TLS|SSL/.test(candidate.code)) {
      return new ConnectionError({
        message: String(candidate.message ?? candidate.code),
        errno: candidate.code,
        cause: err,
      });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new KubeApiError({ reason: 'Unknown', code: 0, message, cause: err });
}

function withCause(error: KubeApiError, cause: unknown): KubeApiError {
  Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
  return error;
}

/** Parses a body as a Status object; `undefined` if it is not one. */
export function parseStatus(body: unknown): Status | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const status = value as Status;
  return status.kind === 'Status' || (typeof status.reason === 'string' && typeof status.message === 'string')
    ? status
    : undefined;
}
