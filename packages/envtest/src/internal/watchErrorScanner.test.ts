import { describe, expect, it } from 'vitest';
import { expiredWatchEvent } from './kubeStatus.js';
import { WatchErrorScanner, type WatchStreamError } from './watchErrorScanner.js';

function scan(chunks: readonly (string | Buffer)[]): WatchStreamError[] {
  const found: WatchStreamError[] = [];
  const scanner = new WatchErrorScanner((error) => found.push(error));
  for (const chunk of chunks) scanner.push(chunk);
  return found;
}

const added = (name: string) =>
  `${JSON.stringify({ type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name }, data: { note: 'ERROR' } } })}\n`;

describe('WatchErrorScanner', () => {
  it('reports the ERROR event after other events, and nothing for a stream without one', () => {
    expect(scan([added('a'), added('b')])).toEqual([]);
    expect(scan([added('a'), expiredWatchEvent('42')])).toEqual([
      { code: 410, reason: 'Expired', message: expect.stringMatching(/^too old resource version: 42 /) },
    ]);
  });

  it('finds an event split across chunks anywhere, even inside a multi-byte character', () => {
    const stream = Buffer.from(
      `${added('ä-1')}{"type":"ERROR","object":{"code":500,"reason":"InternalError","message":"ü"}}\n`,
    );
    for (let cut = 1; cut < stream.length; cut += 7) {
      expect(scan([stream.subarray(0, cut), stream.subarray(cut)])).toEqual([
        { code: 500, reason: 'InternalError', message: 'ü' },
      ]);
    }
  });

  it('keeps nothing of a line once it cannot be an ERROR event, and ignores an unfinished or broken one', () => {
    const scanner = new WatchErrorScanner(() => {});
    scanner.push(`{"type":"ADDED","object":{"data":"${'x'.repeat(100_000)}`);
    expect((scanner as unknown as { line: string }).line).toBe('');
    expect(scan(['{"type":"ERROR","object":{"code":410'])).toEqual([]);
    expect(scan(['{"type":"ERROR" this is not JSON\n'])).toEqual([]);
  });
});
