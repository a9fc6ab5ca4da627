/** The change-detection hash: MurmurHash3 x64 128 over the UTF-8 bytes of canonical JSON. */
import murmurHash3 from 'murmurhash3js-revisited';
import { canonicalJson } from './canonicalJson.js';

const encoder = new TextEncoder();

/**
 * Hashes raw text: MurmurHash3 x64 128 (seed 0) of its UTF-8 bytes, as 32 lower-case hex characters.
 *
 * `hashText('hello')` is `cbd8a7b341bd9b025b1e906a48ae1d19`.
 */
export function hashText(text: string): string {
  return murmurHash3.x64.hash128(encoder.encode(text));
}

/**
 * Hashes any JSON-representable value through its canonical JSON, so key order never changes the result.
 *
 * @throws TypeError from {@link canonicalJson} for values JSON cannot represent faithfully.
 */
export function hash(value: unknown): string {
  return hashText(canonicalJson(value));
}
