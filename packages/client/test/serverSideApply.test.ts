// Server-side apply ownership: what this field manager drops is removed, what another manager owns is kept.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, isConflict } from '../src/errors.js';
import { adminClient, newNamespace } from './helpers.js';

let namespace: string;

beforeAll(async () => {
  namespace = await newNamespace('client-ssa');
});

function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

describe('server-side apply', () => {
  it('carries text the YAML decoder refuses raw (DEL, C1 controls, U+FFFE, U+FFFF), and keeps it exact', async () => {
    const operator = adminClient();
    const data = { del: 'a\u007fb', c1: 'a\u0090b', nel: 'a\u0085b', nonchar: 'a\ufffe\uffffb', plain: 'é 😀' };
    const live = await operator.apply<V1ConfigMap>(configMap('control-characters', data));
    expect(live.data).toEqual(data);
    expect((await operator.get<V1ConfigMap>(configMap('control-characters', {}))).data).toEqual(data);
  });

  it('removes a field the manager no longer applies', async () => {
    const operator = adminClient();
    await operator.apply(configMap('dropped', { a: '1', b: '2' }));
    const live = await operator.apply<V1ConfigMap>(configMap('dropped', { a: '1' }));
    expect(live.data).toEqual({ a: '1' });
  });

  it('keeps a field another field manager owns', async () => {
    const operator = adminClient();
    const human = adminClient({ fieldManager: 'kubectl-edit' });
    await operator.apply(configMap('shared', { a: '1', b: '2' }));
    await human.apply(configMap('shared', { c: '3' }));
    const live = await operator.apply<V1ConfigMap>(configMap('shared', { a: '1' }));
    expect(live.data).toEqual({ a: '1', c: '3' });
    const managers = live.metadata?.managedFields?.map((entry) => entry.manager).sort();
    expect(managers).toEqual(['dsoi-test', 'kubectl-edit']);
  });

  it('fails with ConflictError on a field another manager owns with another value, unless forced', async () => {
    const operator = adminClient();
    const human = adminClient({ fieldManager: 'kubectl-edit' });
    await operator.apply(configMap('contested', { a: '1' }));
    const err = await human.apply(configMap('contested', { a: 'mine' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(isConflict(err)).toBe(true);
    expect((err as Error).message).toContain('conflict with "dsoi-test"');
    expect((err as ConflictError).status?.details?.causes?.[0]?.field).toBe('.data.a');
    const forced = await human.apply<V1ConfigMap>(configMap('contested', { a: 'mine' }), { force: true });
    expect(forced.data).toEqual({ a: 'mine' });
  });

  it('is idempotent: applying the same intent twice changes nothing', async () => {
    const operator = adminClient();
    const first = await operator.apply<V1ConfigMap>(configMap('same', { a: '1' }));
    const second = await operator.apply<V1ConfigMap>(configMap('same', { a: '1' }));
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });
});
