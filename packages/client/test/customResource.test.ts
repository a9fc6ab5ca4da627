// A custom resource end to end: CRUD, the status subresource, validation, and discovery of a CRD installed late.
import { installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidError, isKubeApiError, KubeApiError, NotFoundError, UnknownKindError } from '../src/errors.js';
import { adminClient, crd, newNamespace, type Widget, widgetCrd, widgetType } from './helpers.js';

let namespace: string;

beforeAll(async () => {
  await installCrds(testKubeConfig(), [widgetCrd]);
  namespace = await newNamespace('client-cr');
});

function widget(name: string, spec: Widget['spec']): Widget {
  return { ...widgetType, metadata: { name, namespace }, spec };
}

describe('custom resources', () => {
  it('creates, reads, lists, patches and deletes a Widget through discovery', async () => {
    const client = adminClient();
    const created = await client.create(widget('w1', { size: 1, color: 'red' }));
    expect(created.metadata.generation).toBe(1);
    const read = await client.get<Widget>({ ...widgetType, namespace, name: 'w1' });
    expect(read.spec).toEqual({ size: 1, color: 'red' });
    const patched = await client.patch<Widget>(read, { type: 'merge', body: { spec: { size: 2 } } });
    expect(patched.spec).toEqual({ size: 2, color: 'red' });
    expect(patched.metadata.generation).toBe(2);
    const list = await client.list<Widget>(widgetType, { namespace });
    expect(list.items.map((item) => `${item.kind} ${item.metadata.name}`)).toEqual(['Widget w1']);
    await client.delete(patched);
    await expect(client.get({ ...widgetType, namespace, name: 'w1' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await client.resourceMapping(widgetType)).toEqual({
      apiVersion: 'test.dsoi.io/v1',
      group: 'test.dsoi.io',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: true,
    });
  });

  it('writes status only through the status subresource, without touching spec or generation', async () => {
    const client = adminClient();
    const applied = await client.apply(widget('w2', { size: 3 }));
    // The main resource ignores status when a status subresource exists.
    const ignored = await client.apply({ ...widget('w2', { size: 3 }), status: { phase: 'Nope' } });
    expect(ignored.status).toBeUndefined();

    const withStatus = await client.applyStatus<Widget>({
      ...widgetType,
      metadata: { name: 'w2', namespace },
      status: { phase: 'Ready', observedGeneration: applied.metadata.generation },
    });
    expect(withStatus.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    expect(withStatus.spec).toEqual({ size: 3 });
    expect(withStatus.metadata.generation).toBe(1);

    const patched = await client.patchStatus<Widget>(withStatus, {
      type: 'merge',
      body: { status: { phase: 'Degraded' } },
    });
    expect(patched.status?.phase).toBe('Degraded');
    const viaStatus = await client.getStatus<Widget>(patched);
    expect(viaStatus.status?.phase).toBe('Degraded');
    const replaced = await client.replaceStatus<Widget>({
      ...viaStatus,
      status: { phase: 'Ready', observedGeneration: 1 },
    });
    expect(replaced.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    expect(replaced.metadata.generation).toBe(1);
  });

  it('answers Invalid with the schema field, and 415 for a strategic merge patch', async () => {
    const client = adminClient();
    const err = await client.apply(widget('w3', { size: -1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as InvalidError).causes).toContainEqual(expect.objectContaining({ field: 'spec.size' }));
    await client.apply(widget('w3', { size: 1 }));
    const strategic = await client
      .patch({ ...widgetType, namespace, name: 'w3' }, { type: 'strategic', body: { spec: { size: 2 } } })
      .catch((e: unknown) => e);
    expect(isKubeApiError(strategic)).toBe(true);
    expect(strategic).toBeInstanceOf(KubeApiError);
    expect((strategic as KubeApiError).code).toBe(415);
    expect((strategic as KubeApiError).reason).toBe('UnsupportedMediaType');
  });

  it('refreshes discovery once when a kind of a known group-version appears later', async () => {
    const client = adminClient();
    await installCrds(testKubeConfig(), [crd('late.dsoi.io', 'Alpha', 'alphas')]);
    await client.list({ apiVersion: 'late.dsoi.io/v1', kind: 'Alpha' }, { namespace });
    const missing = await client.list({ apiVersion: 'late.dsoi.io/v1', kind: 'Beta' }, { namespace }).catch((e) => e);
    expect(missing).toBeInstanceOf(UnknownKindError);

    await installCrds(testKubeConfig(), [crd('late.dsoi.io', 'Beta', 'betas')]);
    const betas = await client.list({ apiVersion: 'late.dsoi.io/v1', kind: 'Beta' }, { namespace });
    expect(betas.items).toEqual([]);
    // Three discovery reads: the first, the miss, the refresh. (A list right after a CRD is installed may get
    // 429 "storage is (re)initializing" with Retry-After 1 s, which the client retries: hence no exact list count.)
    expect(client.stats().byVerb.get).toBe(3);
  });

  it('uses a registered kind without any discovery request', async () => {
    const client = adminClient({ kinds: [{ ...widgetType, plural: 'widgets', namespaced: true }] });
    await client.list(widgetType, { namespace });
    expect(client.stats()).toMatchObject({ requests: 1, byVerb: { list: 1 } });
  });
});
