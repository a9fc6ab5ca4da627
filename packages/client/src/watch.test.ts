import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectionError, GoneError, KubeApiError, TimeoutError } from './kubeApiError.js';
import { parseWatchLine, streamWatchEvents, type WatchEvent } from './watch.js';

const target = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'pinot' };
const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
const configMap = (name: string, resourceVersion: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'pinot', resourceVersion },
});
const gone = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'too old resource version: 1 (5000)',
  reason: 'Expired',
  code: 410,
};

/** A fake connection: a stream the test writes to, destroyed like an HTTP response when the watch aborts it. */
function fakeConnection() {
  const body = new PassThrough();
  let opened = 0;
  const connection = {
    target,
    open: async (streamSignal: AbortSignal) => {
      opened++;
      streamSignal.addEventListener('abort', () =>
        body.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })),
      );
      return body;
    },
  };
  return { body, connection, opened: () => opened };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('parseWatchLine', () => {
  it('returns typed events and skips unknown types', () => {
    expect(parseWatchLine(line('ADDED', configMap('a', '1')), target)).toEqual({
      type: 'ADDED',
      object: configMap('a', '1'),
    });
    const bookmark = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '12' } };
    expect(parseWatchLine(line('BOOKMARK', bookmark), target)).toEqual({ type: 'BOOKMARK', object: bookmark });
    expect(parseWatchLine(line('FUTURE', {}), target)).toBeUndefined();
  });

  it('throws the typed error of an ERROR event', () => {
    const err = (() => {
      try {
        parseWatchLine(line('ERROR', gone), target);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GoneError);
    expect((err as GoneError).code).toBe(410);
    expect((err as GoneError).message).toBe(
      'watch v1 ConfigMap in namespace pinot: Expired: too old resource version: 1 (5000)',
    );
  });

  it('throws a KubeApiError naming the line when it is not JSON', () => {
    expect(() => parseWatchLine('{"type":', target)).toThrow(KubeApiError);
    expect(() => parseWatchLine('{"type":', target)).toThrow(/malformed watch event: \{"type":/);
  });
});

describe('streamWatchEvents', () => {
  it('yields events split anywhere across chunks and ends when the server closes the stream', async () => {
    const { body, connection } = fakeConnection();
    const text =
      line('ADDED', configMap('a', '1')) + line('MODIFIED', configMap('a', '2')) + line('DELETED', configMap('a', '3'));
    const bytes = Buffer.from(text);
    const events = collect(streamWatchEvents(connection, {}));
    for (let at = 0; at < bytes.length; at += 7) body.write(bytes.subarray(at, at + 7));
    body.end();
    expect((await events).map((e) => `${e.type} ${e.object.metadata?.resourceVersion}`)).toEqual([
      'ADDED 1',
      'MODIFIED 2',
      'DELETED 3',
    ]);
  });

  it('throws GoneError from the iterator on an ERROR event, and closes the stream', async () => {
    const { body, connection } = fakeConnection();
    const seen: WatchEvent[] = [];
    const run = (async () => {
      for await (const event of streamWatchEvents(connection, {})) seen.push(event);
    })();
    body.write(line('ADDED', configMap('a', '1')) + line('ERROR', gone));
    await expect(run).rejects.toBeInstanceOf(GoneError);
    expect(seen).toHaveLength(1);
    expect(body.destroyed).toBe(true);
  });

  it('ends cleanly, without an error, when the signal aborts', async () => {
    const { body, connection } = fakeConnection();
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const event of streamWatchEvents(connection, { signal: controller.signal })) {
        seen.push(event.type);
        if (seen.length === 1) controller.abort();
      }
    })();
    body.write(line('ADDED', configMap('a', '1')));
    await expect(run).resolves.toBeUndefined();
    expect(seen).toEqual(['ADDED']);
    expect(body.destroyed).toBe(true);
  });

  it('does not connect at all when the signal is already aborted', async () => {
    const { connection, opened } = fakeConnection();
    expect(await collect(streamWatchEvents(connection, { signal: AbortSignal.abort() }))).toEqual([]);
    expect(opened()).toBe(0);
  });

  it('closes the connection when the consumer breaks out of the loop', async () => {
    const { body, connection } = fakeConnection();
    body.write(line('ADDED', configMap('a', '1')) + line('ADDED', configMap('b', '2')));
    for await (const _event of streamWatchEvents(connection, {})) break;
    expect(body.destroyed).toBe(true);
  });

  it('throws a TimeoutError after inactivityTimeoutMs of silence', async () => {
    const { body, connection } = fakeConnection();
    const run = collect(streamWatchEvents(connection, { inactivityTimeoutMs: 50 }));
    body.write(line('ADDED', configMap('a', '1')));
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe(0);
    expect((err as Error).message).toContain('no data for 50 ms');
  });

  it('throws a ConnectionError when the stream breaks', async () => {
    const { body, connection } = fakeConnection();
    const run = collect(streamWatchEvents(connection, {}));
    body.write(line('ADDED', configMap('a', '1')));
    setTimeout(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 10);
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).errno).toBe('ECONNRESET');
  });
});
