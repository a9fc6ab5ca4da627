/** Builds the `metav1.Status` bodies and watch events kube-apiserver sends for the errors the fault proxy injects. */
import type { StatusFault } from '../faultRules.js';
import type { RequestInfo } from '../requestInfo.js';

/** A `metav1.Status` object (the subset kube-apiserver fills for errors). */
export interface KubeStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason?: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly retryAfterSeconds?: number;
  };
  readonly code: number;
}

const injected = '(injected by the envtest fault proxy)';

// The reasons of k8s.io/apimachinery/pkg/api/errors for each code; "" (StatusReasonUnknown) is left out.
const reasons: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The `reason` kube-apiserver would give to `code` for a request described by `info`. */
export function reasonFor(code: number, info: RequestInfo): string | undefined {
  // A create that collides answers 409 AlreadyExists; an update on a stale resourceVersion answers 409 Conflict.
  if (code === 409 && info.verb === 'create') return 'AlreadyExists';
  return reasons[code];
}

function defaultMessage(reason: string | undefined, code: number, info: RequestInfo): string {
  const object = `${info.resource}${info.group ? `.${info.group}` : ''} "${info.name}"`;
  switch (reason) {
    case 'Conflict':
      return `Operation cannot be fulfilled on ${object}: the object has been modified; please apply your changes to the latest version and try again ${injected}`;
    case 'AlreadyExists':
      return `${object} already exists ${injected}`;
    case 'NotFound':
      return `${object} not found ${injected}`;
    case 'Expired':
      return `The resourceVersion for the provided list is too old. ${injected}`;
    case 'TooManyRequests':
      return `Too many requests, please try again later. ${injected}`;
    case 'InternalError':
      return `Internal error occurred: ${injected}`;
    case 'ServiceUnavailable':
      return `the server is currently unable to handle the request ${injected}`;
    default:
      return `HTTP ${code} ${injected}`;
  }
}

/** The Status body answering the request `info` with `fault`. */
export function statusForFault(fault: StatusFault, info: RequestInfo): KubeStatus {
  const reason = fault.reason ?? reasonFor(fault.code, info);
  const details = {
    ...(info.name ? { name: info.name } : {}),
    ...(info.group ? { group: info.group } : {}),
    ...(info.resource ? { kind: info.resource } : {}),
    ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
  };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: fault.message ?? defaultMessage(reason, fault.code, info),
    ...(reason ? { reason } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    code: fault.code,
  };
}

/**
 * The one event of a watch whose resourceVersion fell out of the watch cache, newline-terminated as on the wire:
 * `{"type":"ERROR","object":{"kind":"Status",...,"reason":"Expired","code":410}}` (the cacher's errWatcher).
 */
export function expiredWatchEvent(resourceVersion: string): string {
  const status: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${resourceVersion || '0'} ${injected}`,
    reason: 'Expired',
    code: 410,
  };
  return `${JSON.stringify({ type: 'ERROR', object: status })}\n`;
}
