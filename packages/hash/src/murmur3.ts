/**
 * MurmurHash3 x64 128 (seed 0) over bytes, in 32-bit halves: no 64-bit value is ever allocated (no BigInt, no
 * arrays per operation), so hashing a 5 KB object costs microseconds and leaves no garbage. Each 64-bit value is a
 * pair of unsigned 32-bit numbers, high and low; the helpers write their result to `hi`/`lo`.
 */

let hi = 0;
let lo = 0;

/** (aH, aL) × (bH, bL) mod 2^64 into hi/lo. */
function mul(aH: number, aL: number, bH: number, bL: number): void {
  const a0 = aL & 0xffff;
  const a1 = aL >>> 16;
  const b0 = bL & 0xffff;
  const b1 = bL >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const t = (low >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff);
  lo = (((t & 0xffff) << 16) | (low & 0xffff)) >>> 0;
  const high = a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + (t >>> 16);
  hi = (high + Math.imul(aH, bL) + Math.imul(aL, bH)) >>> 0;
}

/** (aH, aL) + (bH, bL) mod 2^64 into hi/lo. */
function add(aH: number, aL: number, bH: number, bL: number): void {
  const sum = aL + bL;
  lo = sum >>> 0;
  hi = (aH + bH + (sum > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (h, l) rotated left by `r` bits (0 < r < 64, r ≠ 32) into hi/lo. */
function rotl(h: number, l: number, r: number): void {
  if (r > 32) {
    const swap = h;
    h = l;
    l = swap;
    r -= 32;
  }
  hi = ((h << r) | (l >>> (32 - r))) >>> 0;
  lo = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** The finalisation mix of one 64-bit half into hi/lo. */
function fmix(h: number, l: number): void {
  l = (l ^ (h >>> 1)) >>> 0; // k ^= k >>> 33
  mul(h, l, 0xff51afd7, 0xed558ccd);
  h = hi;
  l = (lo ^ (h >>> 1)) >>> 0;
  mul(h, l, 0xc4ceb9fe, 0x1a85ec53);
  h = hi;
  l = (lo ^ (h >>> 1)) >>> 0;
  hi = h;
  lo = l;
}

const c1H = 0x87c37b91;
const c1L = 0x114253d5;
const c2H = 0x4cf5ad43;
const c2L = 0x2745937f;

/** Little-endian unsigned 32-bit word of `bytes` at `i`. */
function block(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/** Little-endian unsigned 32-bit word of `bytes` at `i` (bytes past `end` read as 0). */
function word(bytes: Uint8Array, i: number, end: number): number {
  let w = 0;
  for (let j = Math.min(3, end - i - 1); j >= 0; j--) w = (w << 8) | bytes[i + j]!;
  return w >>> 0;
}

/** `k1` mixed into (h1H, h1L): writes hi/lo. */
function mixK1(kH: number, kL: number, hH: number, hL: number): void {
  mul(kH, kL, c1H, c1L);
  rotl(hi, lo, 31);
  mul(hi, lo, c2H, c2L);
  hi = (hH ^ hi) >>> 0;
  lo = (hL ^ lo) >>> 0;
}

/** `k2` mixed into (h2H, h2L): writes hi/lo. */
function mixK2(kH: number, kL: number, hH: number, hL: number): void {
  mul(kH, kL, c2H, c2L);
  rotl(hi, lo, 33);
  mul(hi, lo, c1H, c1L);
  hi = (hH ^ hi) >>> 0;
  lo = (hL ^ lo) >>> 0;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** MurmurHash3 x64 128 with seed 0 of `bytes[0, length)`, as 32 lower-case hex characters (h1 then h2). */
export function murmur3x64128(bytes: Uint8Array, length = bytes.length): string {
  let h1H = 0;
  let h1L = 0;
  let h2H = 0;
  let h2L = 0;
  const blocksEnd = length - (length % 16);
  for (let i = 0; i < blocksEnd; i += 16) {
    mixK1(block(bytes, i + 4), block(bytes, i), h1H, h1L);
    rotl(hi, lo, 27);
    add(hi, lo, h2H, h2L);
    mul(hi, lo, 0, 5);
    add(hi, lo, 0, 0x52dce729);
    h1H = hi;
    h1L = lo;
    mixK2(block(bytes, i + 12), block(bytes, i + 8), h2H, h2L);
    rotl(hi, lo, 31);
    add(hi, lo, h1H, h1L);
    mul(hi, lo, 0, 5);
    add(hi, lo, 0, 0x38495ab5);
    h2H = hi;
    h2L = lo;
  }
  const tail = length - blocksEnd;
  if (tail > 8) {
    mixK2(tail > 12 ? word(bytes, blocksEnd + 12, length) : 0, word(bytes, blocksEnd + 8, length), h2H, h2L);
    h2H = hi;
    h2L = lo;
  }
  if (tail > 0) {
    mixK1(tail > 4 ? word(bytes, blocksEnd + 4, length) : 0, word(bytes, blocksEnd, length), h1H, h1L);
    h1H = hi;
    h1L = lo;
  }
  // The length is below 2^32 here (a string's UTF-8 bytes), so only the low words take it.
  h1L = (h1L ^ length) >>> 0;
  h2L = (h2L ^ length) >>> 0;
  add(h1H, h1L, h2H, h2L);
  h1H = hi;
  h1L = lo;
  add(h2H, h2L, h1H, h1L);
  h2H = hi;
  h2L = lo;
  fmix(h1H, h1L);
  h1H = hi;
  h1L = lo;
  fmix(h2H, h2L);
  h2H = hi;
  h2L = lo;
  add(h1H, h1L, h2H, h2L);
  h1H = hi;
  h1L = lo;
  add(h2H, h2L, h1H, h1L);
  return hex(h1H) + hex(h1L) + hex(hi) + hex(lo);
}
