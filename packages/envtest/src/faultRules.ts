/** The faults a {@link FaultProxy} can inject, the rules that select requests for them, and their matching. */
import { isWrite, type KubeVerb, type RequestInfo } from './requestInfo.js';

/** Which requests a {@link FaultRule} applies to. Every given field must match; an omitted field matches anything. */
export interface FaultMatch {
  /** Kubernetes verbs (`list`, `watch`, `patch`, ...). @default any verb */
  readonly verbs?: readonly KubeVerb[];
  /** `true`: only writes (create, update, patch, delete, deletecollection); `false`: only reads. @default both */
  readonly writes?: boolean;
  /** API group, `''` for the core group. @default any group */
  readonly group?: string;
  /**
   * Resource as RBAC names it: `configmaps`, or `statefulsets/status` for a subresource. As in RBAC, `statefulsets`
   * does not match requests to `statefulsets/status`. @default any resource
   */
  readonly resource?: string;
  /** Namespace, `''` for cluster-scoped and all-namespaces requests. @default any namespace */
  readonly namespace?: string;
  /** Object name (for a list or watch, the one pinned by `fieldSelector=metadata.name=...`). @default any name */
  readonly name?: string;
  /**
   * Tested against the request target, path and query (`/api/v1/namespaces/a/pods?watch=true`).
   *
   * Caveat: a rule without `path` matches only resource requests; discovery, `/version`, `/healthz` and `/openapi`
   * are faulted only by rules that give a `path` matching them.
   */
  readonly path?: RegExp;
  /**
   * The client's `User-Agent` header: a string must equal it, a RegExp is tested against it. Singles out one client
   * among several sharing the proxy, e.g. the Lease requests of one operator replica (give each replica its own
   * user agent). @default any client
   */
  readonly userAgent?: string | RegExp;
}

/** Answers with an error status and a real `metav1.Status` body; the request never reaches the API server. */
export interface StatusFault {
  readonly type: 'status';
  /** HTTP status code, 400-599 (429, 500, 503, 409, 410, ...). */
  readonly code: number;
  /**
   * `Status.reason`. @default the one kube-apiserver uses for `code`: 409 is `AlreadyExists` for a create and
   * `Conflict` otherwise, 410 `Expired`, 429 `TooManyRequests`, 500 `InternalError`, 503 `ServiceUnavailable`
   */
  readonly reason?: string;
  /** `Status.message`. @default kube-apiserver's wording for the reason, marked as injected */
  readonly message?: string;
  /** Sends `Retry-After` and `Status.details.retryAfterSeconds`. @default none */
  readonly retryAfterSeconds?: number;
}

/**
 * "Your resourceVersion is too old". A watch gets HTTP 200, one `ERROR` event holding a 410 `Expired` Status, and the
 * end of the stream, exactly as kube-apiserver does; any other request gets a 410 `Expired` Status.
 */
export interface GoneFault {
  readonly type: 'gone';
}

/** Holds the request for `delayMs`, then forwards it. The request counts as in flight while it waits. */
export interface StallFault {
  readonly type: 'stall';
  /** How long to wait before forwarding. */
  readonly delayMs: number;
}

/** Resets the TCP connection (RST) without a response: the client sees `ECONNRESET`. */
export interface ResetFault {
  readonly type: 'reset';
}

/**
 * "Committed, response lost": forwards the request, lets the API server finish it (the whole response is read), then
 * resets the client's connection before any response byte. The client sees `ECONNRESET` for a write that did happen,
 * the case that makes retrying a non-idempotent write dangerous. The API server's answer is in the log
 * (`upstreamStatus`). A watch is reset as soon as its response head arrives.
 */
export interface LostResponseFault {
  readonly type: 'lostResponse';
}

/**
 * Forwards the request at once and holds the API server's response for `delayMs` before relaying it: the server has
 * acted (a write is committed) while the client still waits, and may time out.
 */
export interface DelayFault {
  readonly type: 'delay';
  /** How long to hold the response (its head and body) before relaying it. */
  readonly delayMs: number;
}

/** What happens to a request a {@link FaultRule} selects. */
export type Fault = StatusFault | GoneFault | StallFault | ResetFault | LostResponseFault | DelayFault;

/**
 * A fault and the requests it applies to. Rules are tried in the order they were added; the first rule that
 * applies to a request injects its fault, and later rules neither see nor count that request.
 */
export interface FaultRule {
  /** Which requests count for this rule. @default every resource request */
  readonly match?: FaultMatch;
  /** The fault to inject. */
  readonly fault: Fault;
  /** Inject into at most this many requests, then retire the rule. @default no limit */
  readonly times?: number;
  /** Inject into every Nth matching request only (2 = the 2nd, 4th, 6th...). @default 1 (every one) */
  readonly every?: number;
}

/** A request as rules see it. */
export interface FaultTarget {
  /** What the request does. */
  readonly info: RequestInfo;
  /** The request target: path and query (`/api/v1/namespaces/a/pods?watch=true`). */
  readonly url: string;
  /** The `User-Agent` header, `''` when none. */
  readonly userAgent: string;
}

/** Whether the request `target` matches `match`. */
export function matchesFault(match: FaultMatch | undefined, { info, url, userAgent }: FaultTarget): boolean {
  if (match?.path) {
    match.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
    if (!match.path.test(url)) return false;
  } else if (!info.isResourceRequest) {
    return false;
  }
  if (!match) return true;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return (
    (match.verbs === undefined || (match.verbs as readonly string[]).includes(info.verb)) &&
    (match.writes === undefined || match.writes === isWrite(info)) &&
    (match.group === undefined || match.group === info.group) &&
    (match.resource === undefined || match.resource === resource) &&
    (match.namespace === undefined || match.namespace === info.namespace) &&
    (match.name === undefined || match.name === info.name) &&
    matchesText(match.userAgent, userAgent)
  );
}

function matchesText(pattern: string | RegExp | undefined, text: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern === text;
  pattern.lastIndex = 0;
  return pattern.test(text);
}

interface RuleState {
  readonly rule: FaultRule;
  matched: number;
  injected: number;
}

/** The ordered, mutable rule list of one proxy, with each rule's counters. */
export class FaultRuleSet {
  private rules: RuleState[] = [];

  /** Adds `rule` after the existing ones; returns the function removing it. @throws RangeError on a bad rule */
  add(rule: FaultRule): () => void {
    validateRule(rule);
    const state: RuleState = { rule, matched: 0, injected: 0 };
    this.rules.push(state);
    return () => {
      this.rules = this.rules.filter((s) => s !== state);
    };
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /** Counts the request against the rules in order and returns the first fault that applies (retiring its rule). */
  select(target: FaultTarget): Fault | undefined {
    for (const state of this.rules) {
      if (!matchesFault(state.rule.match, target)) continue;
      state.matched += 1;
      if (state.matched % (state.rule.every ?? 1) !== 0) continue;
      state.injected += 1;
      if (state.rule.times !== undefined && state.injected >= state.rule.times) {
        this.rules = this.rules.filter((s) => s !== state);
      }
      return state.rule.fault;
    }
    return undefined;
  }
}

const faultTypes = new Set<string>([
  'status',
  'gone',
  'stall',
  'reset',
  'lostResponse',
  'delay',
] satisfies Fault['type'][]);

function validateRule({ fault, times, every }: FaultRule): void {
  if (!faultTypes.has(fault?.type)) throw new TypeError(`fault rule: unknown fault type ${String(fault?.type)}`);
  const positiveInt = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 1);
  if (!positiveInt(times)) throw new RangeError(`fault rule: times must be an integer >= 1, got ${times}`);
  if (!positiveInt(every)) throw new RangeError(`fault rule: every must be an integer >= 1, got ${every}`);
  if (fault.type === 'status') {
    if (!Number.isInteger(fault.code) || fault.code < 400 || fault.code > 599) {
      throw new RangeError(`fault rule: status code must be 400-599, got ${fault.code}`);
    }
    const retry = fault.retryAfterSeconds;
    if (retry !== undefined && (!Number.isInteger(retry) || retry < 0)) {
      throw new RangeError(`fault rule: retryAfterSeconds must be an integer >= 0, got ${retry}`);
    }
  } else if (
    (fault.type === 'stall' || fault.type === 'delay') &&
    !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)
  ) {
    throw new RangeError(`fault rule: ${fault.type} delayMs must be a finite number >= 0, got ${fault.delayMs}`);
  }
}
