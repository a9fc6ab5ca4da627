import { isNotFound } from '@dsoi/client/errors';
import { describe, expect, it } from 'vitest';
import { createFakeClient } from './fakeClient.js';

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } };
const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns' };

describe('createFakeClient', () => {
  it('answers get of a missing object with NotFoundError, as the API server does', async () => {
    const client = createFakeClient();
    const error = await client.get(ref).catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(true);
  });

  it('stores applied objects with a uid, lists them by kind and namespace, and records each write', async () => {
    const client = createFakeClient({ objects: [{ ...configMap, metadata: { name: 'b', namespace: 'other' } }] });
    const live = await client.apply(configMap);
    expect(live.metadata.uid).toMatch(/^uid-/);
    expect((await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'ns' })).items).toHaveLength(1);
    expect((await client.list({ apiVersion: 'v1', kind: 'ConfigMap' })).items).toHaveLength(2);
    expect(client.writes.map((w) => `${w.verb} ${w.target}`)).toEqual(['apply v1 ConfigMap ns/a']);
  });

  it('merge-patches (null removes a key) and keeps the uid; a patch of the status touches only the status', async () => {
    const client = createFakeClient({ objects: [configMap] });
    const uid = (await client.get(ref)).metadata.uid;
    await client.patch(ref, { type: 'merge', body: { data: { k: null, j: 'w' } } });
    await client.patchStatus(ref, { type: 'merge', body: { status: { ok: true }, data: { ignored: 'x' } } });
    const live = await client.get<typeof configMap & { status?: unknown }>(ref);
    expect(live.data).toEqual({ j: 'w' });
    expect(live.status).toEqual({ ok: true });
    expect(live.metadata.uid).toBe(uid);
  });

  it('keeps the status across an apply of the spec, refuses patches it cannot apply faithfully, and deletes', async () => {
    const client = createFakeClient({ objects: [{ ...configMap, status: { ok: true } } as typeof configMap] });
    await client.apply({ ...configMap, data: { k: 'changed' } });
    expect(await client.get<typeof configMap & { status?: unknown }>(ref)).toMatchObject({
      data: { k: 'changed' },
      status: { ok: true },
    });
    await expect(client.patch(ref, { type: 'strategic', body: {} })).rejects.toThrow(/merge patches only/);
    await client.delete(ref);
    expect(client.objects()).toEqual([]);
    await expect(client.delete(ref)).rejects.toThrow(/not found/);
  });
});
