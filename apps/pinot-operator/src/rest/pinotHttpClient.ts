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
  /**
   * Longest response body read; a longer one is cut off there and the request fails (`reason: 'ResponseTooLarge'`),
   * so a broken or hostile controller streaming without end cannot grow the operator's memory. Pinot's own answers
   * (configs, schemas, status lines) are kilobytes. @default 2_097_152 (2 MiB)
   */
  readonly maxResponseBytes?: number;
  /** Aborts every request (the reconcile's signal). @default none */
  readonly signal?: AbortSignal;
  /** The fetch implementation (tests). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The defaults of {@link PinotHttpClientOptions}. */
export const pinotHttpClientDefaults = Object.freeze({ timeoutMs: 10_000, maxResponseBytes: 2 * 1024 * 1024 });

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

/**
 * No usable response from the Pinot controller: connection refused, DNS, timeout or abort (`reason: 'Unreachable'`),
 * or a body longer than `maxResponseBytes` (`'ResponseTooLarge'`). The message names the call, never credentials.
 */
export class PinotRequestError extends Error {
  override readonly name = 'PinotRequestError';
  readonly method: string;
  readonly path: string;
  readonly reason: 'Unreachable' | 'ResponseTooLarge';
  constructor(method: string, path: string, cause: unknown) {
    const tooLarge = cause instanceof ResponseTooLarge;
    const reason = tooLarge
      ? cause.message
      : cause instanceof Error && cause.name === 'TimeoutError'
        ? 'timed out'
        : cause instanceof Error
          ? (((cause as { cause?: { code?: string; message?: string } }).cause?.code ??
              (cause as { cause?: { message?: string } }).cause?.message ??
              cause.message) as string)
          : String(cause);
    super(`${method} ${path}: ${tooLarge ? '' : 'no answer from the Pinot controller: '}${reason}`, { cause });
    this.method = method;
    this.path = path;
    this.reason = tooLarge ? 'ResponseTooLarge' : 'Unreachable';
  }
}

/** The body went past the limit (internal; becomes a {@link PinotRequestError}). */
class ResponseTooLarge extends Error {}

/** Reads a body up to `maxBytes`; cancels the stream and throws past it. */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLarge(`response body cut off past ${maxBytes} bytes (the limit)`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Creates a {@link PinotHttpClient}. Every request carries `Content-Type: application/json`, as Pinot expects. */
export function createPinotHttpClient(options: PinotHttpClientOptions): PinotHttpClient {
  const {
    baseUrl,
    credentials,
    dispatcher,
    timeoutMs = pinotHttpClientDefaults.timeoutMs,
    maxResponseBytes = pinotHttpClientDefaults.maxResponseBytes,
    signal,
  } = options;
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
        return { status: response.status, body: await readBounded(response, maxResponseBytes) };
      } catch (err) {
        throw new PinotRequestError(method, path, err);
      }
    },
  };
}
