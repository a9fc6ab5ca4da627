/** Reads the HTTP status out of whatever an EventSink rejected with, to decide between retry, recreate and give up. */

// Kubernetes Status.reason values and their HTTP codes (k8s.io/apimachinery pkg/apis/meta/v1 types.go).
const statusByReason: Readonly<Record<string, number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
  ServerTimeout: 504,
};

const isHttpStatus = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;

/** The HTTP status carried by `error` (`reason`, then `code`, `statusCode` or `status`), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { reason, code, statusCode, status } = error as Record<string, unknown>;
  if (typeof reason === 'string' && statusByReason[reason] !== undefined) return statusByReason[reason];
  return [code, statusCode, status].find(isHttpStatus);
}

/** True when `error` says the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** True when `error` says the object already exists. */
export function isAlreadyExists(error: unknown): boolean {
  return statusOf(error) === 409;
}

/** True when trying again may succeed: no status (a network error), 408, 429 or a 5xx. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** The server's `Retry-After` in milliseconds, when the error carries one as `retryAfterMs`. */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { retryAfterMs } = error as { retryAfterMs?: unknown };
  return typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : undefined;
}
