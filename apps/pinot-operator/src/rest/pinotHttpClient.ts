/**
 * A small client of the Pinot controller REST API: Node's fetch with a timeout per request (the Go operator had
 * none, so a hung controller blocked a worker for ever), optional basic auth, and errors that never carry secrets.
 */
import type { Dispatcher } from 'undici';

/** Basic-auth credentials of the Pinot controller. */
export interface PinotCredentials {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link createPinotHttpClient}. */
export interface PinotHttpClientOptions {
  /** The controller's base URL, e.g. `http://pinot-controller-controller-svc.pinot.svc:9000`. */
  readonly baseUrl: string;
  /** Sent as HTTP basic auth on every request when set. @default none */
  readonly credentials?: PinotCredentials;
  /** The undici dispatcher of every request, e.g. an Agent trusting the cluster's CA. @default Node's global one */
  readonly dispatcher?: Dispatcher;
  /** Time allowed per request, until the whole response is read. @default 10_000 */
  readonly timeoutMs?: number;
  /** Aborts every request (the reconcile's signal). @default none */
  readonly signal?: AbortSignal;
  /** The fetch implementation (tests). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The defaults of {@link PinotHttpClientOptions}. */
export const pinotHttpClientDefaults = Object.freeze({ timeoutMs: 10_000 });

/** A response: the status code and the body text. */
export interface PinotResponse {
  readonly status: number;
  readonly body: string;
}

/** Talks to one Pinot controller. */
export interface PinotHttpClient {
  /** Sends a request; resolves with any HTTP status, rejects only when no response arrived. */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string): Promise<PinotResponse>;
}

/** No response from the Pinot controller: connection refused, DNS, timeout or abort. The message names the call. */
export class PinotRequestError extends Error {
  override readonly name = 'PinotRequestError';
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, cause: unknown) {
    const reason =
      cause instanceof Error && cause.name === 'TimeoutError'
        ? 'timed out'
        : cause instanceof Error
          ? (((cause as { cause?: { code?: string; message?: string } }).cause?.code ??
              (cause as { cause?: { message?: string } }).cause?.message ??
              cause.message) as string)
          : String(cause);
    super(`${method} ${path}: no answer from the Pinot controller: ${reason}`, { cause });
    this.method = method;
    this.path = path;
  }
}

/** Creates a {@link PinotHttpClient}. Every request carries `Content-Type: application/json`, as Pinot expects. */
export function createPinotHttpClient(options: PinotHttpClientOptions): PinotHttpClient {
  const { baseUrl, credentials, dispatcher, timeoutMs = pinotHttpClientDefaults.timeoutMs, signal } = options;
  const doFetch = options.fetch ?? fetch;
  const authorization = credentials
    ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    : undefined;
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async request(method, path, body) {
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const response = await doFetch(`${base}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(authorization && { authorization }),
          },
          ...(body !== undefined && { body }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          ...(dispatcher && { dispatcher }),
        } as RequestInit);
        return { status: response.status, body: await response.text() };
      } catch (err) {
        throw new PinotRequestError(method, path, err);
      }
    },
  };
}
