/** A Pinot call that answered with a non-2xx status, and the helpers that word Pinot's answers in statuses and events. */
import type { PinotResponse } from './pinotHttpClient.ts';

const maxReasonLength = 1024;

/** `text`, cut to `max` characters with an ellipsis (status reasons and messages stay readable). */
export function truncate(text: string, max = maxReasonLength): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Whether Pinot answered 2xx. */
export const isOk = (response: PinotResponse): boolean => response.status >= 200 && response.status < 300;

/** A Pinot call failed (a non-2xx answer): retried with backoff. The message names the call and Pinot's answer. */
export class PinotApiError extends Error {
  override readonly name = 'PinotApiError';
  readonly status: number;
  constructor(what: string, response: PinotResponse) {
    super(`${what}: HTTP ${response.status}: ${truncate(response.body, 300)}`);
    this.status = response.status;
  }
}
