import fc from 'fast-check';
import murmurHash3 from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { hash, hashText } from './hash.js';

describe('hashText', () => {
  // Vectors pinned so that every process, platform and future version agrees (DESIGN decision 4). Each one was
  // cross-checked against an independent implementation (Go, github.com/twmb/murmur3 Sum128, h1 then h2 in hex).
  it.each([
    ['hello', 'cbd8a7b341bd9b025b1e906a48ae1d19'],
    ['', '00000000000000000000000000000000'],
    ['{"a":1}', '75b4c446ea7e78a0ed33cf94515d0333'],
    ['héllo wörld', '6b757453f10a333b4432d052f7788963'],
    ['日本語のテキスト', 'e8d3ac652a560caaa4c4e6415667b49e'],
    ['🚀 rocket', 'a5330b7e3c62a38d0734c6df0ddae5ad'],
  ])('hashes %j to %s', (text, expected) => {
    expect(hashText(text)).toBe(expected);
  });

  it('agrees with murmurhash3js-revisited (the implementation it replaced) on any text, every tail length, long text', () => {
    const encoder = new TextEncoder();
    const reference = (text: string) => murmurHash3.x64.hash128(encoder.encode(text));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        expect(hashText(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    // Past the reused 64 KiB buffer: it grows.
    const long = 'ä€🚀x'.repeat(30_000);
    expect(hashText(long)).toBe(reference(long));
    expect(hashText('hello')).toBe('cbd8a7b341bd9b025b1e906a48ae1d19');
  });
});

describe('hash', () => {
  it('is 32 lower-case hex characters', () => {
    expect(hash({ kind: 'ConfigMap' })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never changes with key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(hash(reversed)).toBe(hash(record));
      }),
    );
  });

  it('changes whenever a leaf value changes', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), leaf, leaf, (base, key, a, b) => {
        fc.pre(!Object.is(a, b) && JSON.stringify(a) !== JSON.stringify(b));
        const spec = { ...base };
        expect(hash({ spec: { ...spec, [key]: a } })).not.toBe(hash({ spec: { ...spec, [key]: b } }));
      }),
    );
  });

  it('tells an array from an object with the same entries', () => {
    expect(hash(['a'])).not.toBe(hash({ 0: 'a' }));
  });
});
