/** The change-detection hash: MurmurHash3 x64 128 over the UTF-8 bytes of canonical JSON. */
import { canonicalJson } from './canonicalJson.js';
import { murmur3x64128 } from './murmur3.js';

const encoder = new TextEncoder();
/** Reused for every text: UTF-8 takes at most 3 bytes per UTF-16 code unit. */
let scratch = new Uint8Array(64 * 1024);

/**
 * Hashes raw text: MurmurHash3 x64 128 (seed 0) of its UTF-8 bytes, as 32 lower-case hex characters.
 *
 * `hashText('hello')` is `cbd8a7b341bd9b025b1e906a48ae1d19`.
 */
export function hashText(text: string): string {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return murmur3x64128(scratch, written);
}

/**
 * Hashes any JSON-representable value through its canonical JSON, so key order never changes the result.
 *
 * @throws TypeError from {@link canonicalJson} for values JSON cannot represent faithfully.
 */
export function hash(value: unknown): string {
  return hashText(canonicalJson(value));
}
