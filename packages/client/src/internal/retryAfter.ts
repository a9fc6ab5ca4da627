/** Parses the HTTP `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */

/** Milliseconds to wait according to `Retry-After`, or `undefined` when the header is absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only an IMF-fixdate-like text is a date; `Date.parse` would otherwise accept bare numbers such as "-1" or "1.5".
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
