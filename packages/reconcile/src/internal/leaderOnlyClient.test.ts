import type { Client } from '@dsoi/client';
import type { EventsV1Event } from '@dsoi/events';
import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { LeaderElectionLostError } from '../manager/leaderElection.js';
import { type Leadership, leaderOnlyClient } from './leaderOnlyClient.js';

const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } };
const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'ns', name: 'web' };
const event = { metadata: { name: 'e.1', namespace: 'ns' } } as EventsV1Event;

/** A client whose every method records its name and arguments. */
function recordingClient() {
  const calls: { method: string; args: unknown[] }[] = [];
  const method =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push({ method: name, args });
      return {};
    };
  const names = ['get', 'list', 'create', 'replace', 'replaceStatus', 'apply', 'applyStatus', 'patch', 'patchStatus'];
  const client = Object.fromEntries(names.map((name) => [name, method(name)])) as unknown as Client;
  Object.assign(client, {
    delete: method('delete'),
    eventSink: () => ({ create: method('event create'), patch: method('event patch') }),
  });
  return { client, calls };
}

/** A leadership whose answer the test sets, with one term signal. */
function leadership(leading: boolean) {
  const term = new AbortController();
  const state: Leadership & { leading: boolean; term: AbortController } = {
    identity: 'operator-a',
    leading,
    term,
    isLeader: () => state.leading,
    leadingSignal: () => state.term.signal,
  };
  return state;
}

/** Every write of the client, and both Event writes, with the name the client records. */
const writes: [string, (c: Client) => Promise<unknown>][] = [
  ['create', (c) => c.create(configMap)],
  ['replace', (c) => c.replace(configMap, { timeoutMs: 5 })],
  ['replaceStatus', (c) => c.replaceStatus(configMap)],
  ['apply', (c) => c.apply(configMap, { force: true })],
  ['applyStatus', (c) => c.applyStatus(configMap, { force: true })],
  ['patch', (c) => c.patch(ref, { type: 'merge', body: { spec: {} } })],
  ['patchStatus', (c) => c.patchStatus(ref, { type: 'merge', body: { status: {} } })],
  ['delete', (c) => c.delete(ref)],
  ['event create', (c) => c.eventSink().create(event, { signal: new AbortController().signal })],
  ['event patch', (c) => c.eventSink().patch('ns', 'e.1', { series: {} } as never, { signal: AbortSignal.abort() })],
];

describe('leaderOnlyClient', () => {
  it.each(writes)('lets %s through while leading, with its own arguments and options', async (name, write) => {
    const { client, calls } = recordingClient();
    await write(leaderOnlyClient(client, leadership(true), 'ns/op'));
    expect(calls.map((c) => c.method)).toEqual([name]);
    const args = calls[0]!.args;
    if (name === 'patch' || name === 'patchStatus') expect(args[1]).toEqual(expect.objectContaining({ type: 'merge' }));
    if (name === 'replace') expect(args.at(-1)).toMatchObject({ timeoutMs: 5 });
    if (name === 'apply') expect(args.at(-1)).toMatchObject({ force: true });
    expect((args.at(-1) as { signal?: unknown }).signal).toBeInstanceOf(AbortSignal);
  });

  it.each(writes)('refuses %s when this replica does not lead, without calling the API', async (_name, write) => {
    const { client, calls } = recordingClient();
    const guarded = leaderOnlyClient(client, leadership(false), 'ns/op');
    const refused = write(guarded);
    await expect(refused).rejects.toBeInstanceOf(LeaderElectionLostError);
    await expect(refused).rejects.toThrow(/refused, operator-a does not lead Lease ns\/op/);
    expect(calls).toEqual([]);
  });

  it('names the refused object, and never refuses reads', async () => {
    const { client, calls } = recordingClient();
    const guarded = leaderOnlyClient(client, leadership(false), 'ns/op');
    await expect(guarded.patch(ref, { type: 'merge', body: {} })).rejects.toThrow(/^patch StatefulSet ns\/web: /);
    await expect(guarded.create(configMap)).rejects.toThrow(/^create ConfigMap ns\/cm: /);
    await guarded.get(ref);
    await guarded.list({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(calls.map((c) => c.method)).toEqual(['get', 'list']);
  });

  it('reads leadership at each write: a write after the term ended is refused', async () => {
    const { client, calls } = recordingClient();
    const lease = leadership(true);
    const guarded = leaderOnlyClient(client, lease, 'ns/op');
    await guarded.apply(configMap);
    lease.leading = false;
    await expect(guarded.apply(configMap)).rejects.toBeInstanceOf(LeaderElectionLostError);
    expect(calls).toHaveLength(1);
  });

  it.each(writes)(
    'checks %s again at send time, through the hook the client calls before writing',
    async (_n, write) => {
      const { client, calls } = recordingClient();
      const lease = leadership(true);
      await write(leaderOnlyClient(client, lease, 'ns/op'));
      const { beforeSend } = calls[0]!.args.at(-1) as { beforeSend: () => void };
      beforeSend(); // still leading: the request may leave
      lease.leading = false; // e.g. the process was paused past its renew deadline while the request waited
      expect(beforeSend).toThrow(LeaderElectionLostError);
      expect(beforeSend).toThrow(/\(at send time\): refused, operator-a does not lead Lease ns\/op/);
    },
  );

  it("runs the caller's own beforeSend after the leadership check", async () => {
    const { client, calls } = recordingClient();
    const lease = leadership(true);
    const order: string[] = [];
    await leaderOnlyClient(client, lease, 'ns/op').apply(configMap, { beforeSend: () => void order.push('caller') });
    const { beforeSend } = calls[0]!.args.at(-1) as { beforeSend: () => void };
    beforeSend();
    expect(order).toEqual(['caller']);
    lease.leading = false;
    expect(beforeSend).toThrow(LeaderElectionLostError);
    expect(order).toEqual(['caller']);
  });

  it("aborts a write that passed when the term ends, or when the caller's own signal aborts", async () => {
    const { client, calls } = recordingClient();
    const lease = leadership(true);
    const guarded = leaderOnlyClient(client, lease, 'ns/op');
    const own = new AbortController();
    await guarded.apply(configMap, { signal: own.signal });
    await guarded.delete(ref);
    const [withOwn, withTermOnly] = calls.map((c) => (c.args.at(-1) as { signal: AbortSignal }).signal);
    own.abort(new Error('caller gave up'));
    expect(withOwn!.aborted).toBe(true);
    expect(withTermOnly!.aborted).toBe(false);
    lease.term.abort(new Error('term ended'));
    expect(withTermOnly!.aborted).toBe(true);
  });
});
