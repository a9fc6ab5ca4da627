/** The requester's counters: each attempt is counted as it moves from waiting to sent, refused or failed. */
import type { ClientStats, RequestVerb } from '../clientStats.js';

/** The transitions an attempt reports, and a snapshot of what they added up to. */
export interface RequestCounters {
  /** The attempt starts waiting in the limiter (for a rate-limit token or a slot); call the result when it stops. */
  waitStarted(): () => void;
  /** The attempt goes out: one more request, and one more retry when `attempt` is past the first. */
  sent(verb: RequestVerb, attempt: number): void;
  /** `beforeSend` refused the attempt, so nothing was written: takes back what `sent` counted. */
  refused(verb: RequestVerb, attempt: number): void;
  /** The attempt got no 2xx response. */
  failed(): void;
  /** The counters now, with the limiter's `inFlight`. */
  snapshot(inFlight: number): ClientStats;
}

/** Counters starting at zero. */
export function createRequestCounters(): RequestCounters {
  let requests = 0;
  let retries = 0;
  let failures = 0;
  let waiting = 0;
  const byVerb: Partial<Record<RequestVerb, number>> = {};
  const add = (verb: RequestVerb, attempt: number, by: 1 | -1) => {
    requests += by;
    const count = (byVerb[verb] ?? 0) + by;
    if (count === 0) delete byVerb[verb];
    else byVerb[verb] = count;
    if (attempt > 1) retries += by;
  };
  return {
    waitStarted() {
      waiting++;
      let ended = false;
      return () => {
        if (!ended) waiting--;
        ended = true;
      };
    },
    sent: (verb, attempt) => add(verb, attempt, 1),
    refused: (verb, attempt) => add(verb, attempt, -1),
    failed: () => {
      failures++;
    },
    snapshot: (inFlight) => ({ requests, retries, failures, byVerb: { ...byVerb }, inFlight, waiting }),
  };
}
