/** What a client measures and limits: the per-request record for `onRequest`, the counters of `stats()`, the rate limit. */

/** The Kubernetes verb of a request, as audit logs and RBAC name it (server-side apply is a `patch`). */
export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** What one HTTP request was about, reported to `onRequest` after each attempt. */
export interface RequestInfo {
  /** The client method: `get`, `list`, `apply`, `patchStatus`, `watch`, `discovery`, ... */
  readonly operation: string;
  readonly verb: RequestVerb;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `host:port` of the API server. */
  readonly host: string;
  /** API group (`''` for core). */
  readonly group: string;
  readonly version: string;
  /** Plural resource (`statefulsets`); `''` for discovery requests. */
  readonly resource: string;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  /** HTTP status code; `0` when no response arrived (connection error, timeout, abort). */
  readonly code: number;
  /** Time to the complete response (for a watch: to its headers). */
  readonly durationMs: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
}

/** Counters of the HTTP requests a client sent since it was created. */
export interface ClientStats {
  /** Every HTTP request sent: attempts and retries, discovery and watches included. */
  readonly requests: number;
  /** Requests that were retries of a failed attempt. */
  readonly retries: number;
  /** Requests that got no 2xx response. */
  readonly failures: number;
  /** Requests per Kubernetes verb. */
  readonly byVerb: Readonly<Partial<Record<RequestVerb, number>>>;
  /** Requests holding one of the `maxConcurrentRequests` slots now (a watch only until its headers arrive). */
  readonly inFlight: number;
  /** Requests waiting for a slot or a rate-limit token now. */
  readonly waiting: number;
}

/** A token bucket: `qps` tokens per second, at most `burst` saved up. */
export interface RateLimit {
  readonly qps: number;
  readonly burst: number;
}
