import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineDecoder } from './lineDecoder.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineDecoder', () => {
  it('returns complete lines and keeps the partial one for the next chunk', () => {
    const decoder = new LineDecoder();
    expect(decoder.push(bytes('{"type":"ADDED"}\n{"type":'))).toEqual(['{"type":"ADDED"}']);
    expect(decoder.push(bytes('"MODIFIED"}'))).toEqual([]);
    expect(decoder.push(bytes('\n'))).toEqual(['{"type":"MODIFIED"}']);
    expect(decoder.end()).toEqual([]);
  });

  it('joins a multi-byte character split between chunks', () => {
    const encoded = bytes('{"note":"größe ✓ 🚀"}\n');
    const decoder = new LineDecoder();
    const lines = [...encoded].flatMap((byte) => decoder.push(new Uint8Array([byte])));
    expect(lines).toEqual(['{"note":"größe ✓ 🚀"}']);
  });

  it('drops empty lines and carriage returns, and flushes an unterminated last line', () => {
    const decoder = new LineDecoder();
    expect(decoder.push('a\r\n\n\r\nb')).toEqual(['a']);
    expect(decoder.end()).toEqual(['b']);
  });

  it('yields the same lines however the stream is chunked', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => JSON.stringify({ text }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (lines, cuts) => {
        const encoded = bytes(lines.map((l) => `${l}\n`).join(''));
        const points = [...new Set(cuts.map((cut) => cut % (encoded.length + 1)))].sort((a, b) => a - b);
        const decoder = new LineDecoder();
        const out: string[] = [];
        let from = 0;
        for (const point of [...points, encoded.length]) {
          out.push(...decoder.push(encoded.subarray(from, point)));
          from = point;
        }
        out.push(...decoder.end());
        expect(out).toEqual(lines);
      }),
    );
  });
});
