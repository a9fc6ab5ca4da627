import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../standardEvents.js';
import type { EventWriter } from './eventWriter.js';
import { SendLoop, type SendLoopOptions } from './sendLoop.js';
import { type Series, startSeries } from './seriesCache.js';

const event: EventRecord = {
  regarding: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'web-0' },
  type: 'Warning',
  reason: 'Failed',
  note: 'failed',
  action: 'Start',
};
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A send loop over a writer that records each call and can be told to fail or hang. */
function loop(options: Partial<SendLoopOptions> = {}) {
  const calls: string[] = [];
  const outcomes: string[] = [];
  let clock = 0;
  let behaviour: 'ok' | 'fail' | 'hang' = 'ok';
  const act = async () => {
    if (behaviour === 'fail') throw new Error('refused');
    if (behaviour === 'hang') await new Promise(() => {});
  };
  const writer: EventWriter = {
    create: async (_target, count) => {
      calls.push(`create ${count}`);
      await act();
    },
    patchOrCreate: async (_target, count) => {
      calls.push(`patch ${count}`);
      await act();
      return 'patch';
    },
  };
  const lifecycle = new AbortController();
  const sendLoop = new SendLoop({
    writer,
    maxConcurrentWrites: 2,
    seriesUpdateIntervalMs: 10_000,
    now: () => clock,
    signal: lifecycle.signal,
    onWritten: (_series, operation, count) => outcomes.push(`written ${operation} ${count}`),
    onFailed: (_series, operation, count) => outcomes.push(`failed ${operation} ${count}`),
    ...options,
  });
  const control = {
    set behaviour(value: typeof behaviour) {
      behaviour = value;
    },
    tick: (ms: number) => {
      clock += ms;
    },
  };
  return { sendLoop, calls, outcomes, lifecycle, control };
}

describe('send loop', () => {
  it('takes a new series idle → queued → writing → idle, writing on a later tick so a burst folds in', async () => {
    const { sendLoop, calls, outcomes } = loop();
    const series = startSeries('k', event, 0);
    sendLoop.schedule(series);
    expect(series.state).toBe('queued');
    expect(sendLoop.queued).toBe(1);
    series.count = 3; // repeats recorded before the write starts go out with it
    expect(calls).toEqual([]);
    await settled();
    expect(series).toMatchObject({ state: 'idle', written: 3, attempted: 3 });
    expect(calls).toEqual(['create 3']);
    expect(outcomes).toEqual(['written create 3']);
  });

  it('lets a series patch wait out the update interval, unless a flush sends it at once', async () => {
    const { sendLoop, calls, control } = loop();
    const series: Series = { ...startSeries('k', event, 0), written: 2, attempted: 2, count: 3, lastPatchMs: 0 };
    control.tick(4_000);
    sendLoop.schedule(series);
    expect(series.state).toBe('waiting');
    expect(sendLoop.queued).toBe(0);
    await sendLoop.flush(undefined);
    expect(calls).toEqual(['patch 3']);
    expect(series.state).toBe('idle');
    // Nothing new recorded: scheduling again sends nothing.
    sendLoop.schedule(series);
    expect(series.state).toBe('idle');
  });

  it('does not repeat a failed write until the series grows', async () => {
    const { sendLoop, calls, outcomes, control } = loop();
    control.behaviour = 'fail';
    const series = startSeries('k', event, 0);
    sendLoop.schedule(series);
    await settled();
    expect(outcomes).toEqual(['failed create 1']);
    sendLoop.schedule(series);
    expect(series.state).toBe('idle');
    control.behaviour = 'ok';
    series.count = 2;
    sendLoop.schedule(series);
    await sendLoop.flush(undefined);
    expect(calls).toEqual(['create 1', 'create 2']);
  });

  it('stop() hands every unsent series back idle, ignores writes still in flight, and releases flushes', async () => {
    const { sendLoop, outcomes, lifecycle, control } = loop({ maxConcurrentWrites: 1 });
    control.behaviour = 'hang';
    const [first, second] = [startSeries('a', event, 0), startSeries('b', event, 0)];
    sendLoop.schedule(first);
    sendLoop.schedule(second);
    await settled();
    expect([first.state, second.state]).toEqual(['writing', 'queued']);
    const flushed = sendLoop.flush(undefined);
    const unsent: string[] = [];
    lifecycle.abort();
    sendLoop.stop((series) => unsent.push(series.key));
    await flushed;
    expect(unsent.sort()).toEqual(['a', 'b']);
    expect([first.state, second.state]).toEqual(['idle', 'idle']);
    expect(outcomes).toEqual([]);
    sendLoop.schedule(startSeries('c', event, 0));
    expect(sendLoop.queued).toBe(0);
  });
});
