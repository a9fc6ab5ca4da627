/**
 * Semantic JSON equality, kept from the Go operator: two documents are equal when they parse to the same value,
 * whatever their whitespace and key order.
 */
import { canonicalJson } from '@dsoi/hash';

/** Parses a JSON document; `undefined` when it is not valid JSON. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** True when both texts are valid JSON and parse to equal values (object key order and whitespace ignored). */
export function semanticJsonEqual(a: string | undefined, b: string | undefined): boolean {
  const x = parseJson(a);
  const y = parseJson(b);
  if (x === undefined || y === undefined) return false;
  return canonicalJson(x) === canonicalJson(y);
}
