import { describe, expect, it } from 'vitest';
import type { ClientBus } from '../bus.js';
import { type AnnouncedWrite, announceWrite } from './announceWrite.js';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'b' };
const write = (options: AnnouncedWrite['options'] = {}): AnnouncedWrite => ({
  verb: 'apply',
  ref,
  subresource: undefined,
  options,
});

function recordingBus() {
  const seen: Array<[string, unknown]> = [];
  const bus: ClientBus = { emit: (type, payload) => seen.push([type, payload]) };
  return { bus, seen };
}

describe('announceWrite', () => {
  it('announces a success with the uid and resourceVersion of the result', async () => {
    const { bus, seen } = recordingBus();
    const live = { ...ref, metadata: { name: 'b', uid: 'u1', resourceVersion: '7' } };
    await expect(announceWrite(bus, write(), async () => live)).resolves.toBe(live);
    expect(seen).toEqual([
      ['applied', expect.objectContaining({ verb: 'apply', ref: { ...ref, uid: 'u1', resourceVersion: '7' } })],
    ]);
  });

  it('announces a server failure, but not a dry run, an aborted call or invalid input', async () => {
    const { bus, seen } = recordingBus();
    const failure = new Error('Forbidden');
    await expect(announceWrite(bus, write(), () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(announceWrite(bus, write({ dryRun: true }), () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(announceWrite(bus, write({ dryRun: true }), async () => ({}))).resolves.toEqual({});
    const aborted = AbortSignal.abort();
    await expect(announceWrite(bus, write({ signal: aborted }), () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(announceWrite(bus, write(), () => Promise.reject(new TypeError('bad')))).rejects.toThrow('bad');
    expect(seen).toEqual([['failed', expect.objectContaining({ verb: 'apply', ref, error: failure })]]);
  });

  it('keeps the outcome of the write when the bus throws', async () => {
    const bus: ClientBus = {
      emit: () => {
        throw new Error('listener broke');
      },
    };
    await expect(announceWrite(bus, write(), async () => 'ok')).resolves.toBe('ok');
  });
});
