// CRUD of a built-in kind against a real kube-apiserver, with the typed errors it answers.
import { createEventBus, type StandardEvents } from '@dsoi/events';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  isNotFound,
  NotFoundError,
  UnknownKindError,
} from '../src/errors.js';
import { adminClient, newNamespace } from './helpers.js';

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
let namespace: string;

beforeAll(async () => {
  namespace = await newNamespace('client-crud');
});

function configMap(name: string, data: Record<string, string>) {
  return { ...configMapType, metadata: { name, namespace }, data };
}

describe('ConfigMap CRUD', () => {
  it('creates, reads, lists, replaces, patches three ways and deletes', async () => {
    const client = adminClient();
    const created = await client.create<V1ConfigMap>(configMap('crud', { a: '1' }));
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.managedFields?.[0]?.manager).toBe('dsoi-test');

    const read = await client.get<V1ConfigMap>({ ...configMapType, namespace, name: 'crud' });
    expect(read.data).toEqual({ a: '1' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const list = await client.list<V1ConfigMap>(configMapType, { namespace });
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.map((item) => [item.kind, item.metadata?.name])).toContainEqual(['ConfigMap', 'crud']);

    const replaced = await client.replace<V1ConfigMap>({ ...read, data: { a: '2' } });
    expect(replaced.data).toEqual({ a: '2' });

    const merged = await client.patch<V1ConfigMap>(replaced, { type: 'merge', body: { data: { b: '3' } } });
    expect(merged.data).toEqual({ a: '2', b: '3' });
    const strategic = await client.patch<V1ConfigMap>(merged, { type: 'strategic', body: { data: { c: '4' } } });
    expect(strategic.data).toEqual({ a: '2', b: '3', c: '4' });
    const jsonPatched = await client.patch<V1ConfigMap>(strategic, {
      type: 'json',
      body: [
        { op: 'test', path: '/data/a', value: '2' },
        { op: 'remove', path: '/data/b' },
      ],
    });
    expect(jsonPatched.data).toEqual({ a: '2', c: '4' });

    await client.delete(jsonPatched, { preconditions: { uid: jsonPatched.metadata?.uid } });
    const gone = await client.get({ ...configMapType, namespace, name: 'crud' }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(isNotFound(gone)).toBe(true);
    expect((gone as Error).message).toBe(`get v1 ConfigMap ${namespace}/crud: NotFound: configmaps "crud" not found`);
    expect((gone as NotFoundError).status?.details?.name).toBe('crud');
  });

  it('answers AlreadyExists (409) on a second create', async () => {
    const client = adminClient();
    await client.create(configMap('twice', {}));
    const err = await client.create(configMap('twice', {})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect((err as AlreadyExistsError).code).toBe(409);
    expect((err as Error).message).toBe(
      `create v1 ConfigMap ${namespace}/twice: AlreadyExists: configmaps "twice" already exists`,
    );
  });

  it('answers Conflict (409) on a stale resourceVersion or a failed delete precondition', async () => {
    const client = adminClient();
    const first = await client.create<V1ConfigMap>(configMap('stale', { v: '1' }));
    await client.replace({ ...first, data: { v: '2' } });
    const stale = await client.replace({ ...first, data: { v: '3' } }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as Error).message).toContain('the object has been modified');
    const precondition = await client
      .delete({ ...configMapType, namespace, name: 'stale' }, { preconditions: { uid: 'not-the-uid' } })
      .catch((e: unknown) => e);
    expect(precondition).toBeInstanceOf(ConflictError);
  });

  it('answers Invalid (422) with one cause per field', async () => {
    const client = adminClient();
    const err = await client.create(configMap('invalid', { 'not a valid key!': 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).code).toBe(422);
    expect((err as InvalidError).causes).toContainEqual(
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'data[not a valid key!]' }),
    );
    expect((err as Error).message).toMatch(
      new RegExp(`^create v1 ConfigMap ${namespace}/invalid: Invalid: ConfigMap "invalid" is invalid: `),
    );
  });

  it('fails with UnknownKindError for a kind the server does not serve', async () => {
    const client = adminClient();
    const err = await client.get({ apiVersion: 'v1', kind: 'Widget', namespace, name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKindError);
    expect((err as Error).message).toBe(
      'get v1 Widget: kind Widget in group/version core/v1 is not served by the API server (is the CRD installed?)',
    );
    const group = await client.get({ apiVersion: 'nope.dsoi.io/v1', kind: 'Nope', name: 'x' }).catch((e: unknown) => e);
    expect(group).toBeInstanceOf(UnknownKindError);
  });

  it('announces each write on an @dsoi/events bus', async () => {
    const bus = createEventBus<StandardEvents>();
    const seen: string[] = [];
    bus.on('*', (type, payload) => {
      if ('verb' in payload) seen.push(`${type} ${payload.ref.kind} ${payload.ref.name}`);
    });
    const client = adminClient({ bus });
    const applied = await client.apply(configMap('announced', { a: '1' }));
    await client.apply(configMap('announced', { a: '1' }), { dryRun: true });
    await client.create(configMap('announced', {})).catch(() => {});
    await client.delete(applied);
    expect(seen).toEqual(['applied ConfigMap announced', 'failed ConfigMap announced', 'deleted ConfigMap announced']);
  });

  it('counts requests, so a caller can assert that it made none', async () => {
    const client = adminClient();
    await client.get({ ...configMapType, namespace, name: 'absent' }).catch(() => {});
    const before = client.stats();
    expect(before.requests).toBe(2); // discovery of v1, then the get
    await client.get({ ...configMapType, namespace, name: 'absent' }).catch(() => {});
    const after = client.stats();
    expect(after.requests - before.requests).toBe(1);
    expect(after.failures).toBe(2);
    expect(after.byVerb).toEqual({ get: 3 });
  });
});

describe('beforeSend over TLS', () => {
  it('runs once the TLS connection is up, before the write; a throw leaves nothing created', async () => {
    const client = adminClient({ retry: { maxAttempts: 1 } });
    try {
      const refusal = new Error('refused at send time');
      const inFlightAtHook: number[] = [];
      const created = await client.create<V1ConfigMap>(configMap('before-send', { a: '1' }), {
        beforeSend: () => void inFlightAtHook.push(client.stats().inFlight),
      });
      expect(created.metadata?.uid).toBeTruthy();
      expect(inFlightAtHook).toEqual([1]);
      // A fresh client (no kept-alive socket) connects and shakes hands first; then its hook refuses the write.
      const fresh = adminClient();
      try {
        const attempt = fresh.create(configMap('refused', { a: '1' }), {
          beforeSend: () => {
            throw refusal;
          },
        });
        await expect(attempt).rejects.toBe(refusal);
      } finally {
        fresh.close();
      }
      const absent = await client.get({ ...configMapType, namespace, name: 'refused' }).catch((e: unknown) => e);
      expect(isNotFound(absent)).toBe(true);
    } finally {
      client.close();
    }
  });
});
