import { describe, expect, it, vi } from 'vitest';
import { errorFromStatus, ForbiddenError, UnknownKindError } from './kubeApiError.js';
import { createResourceMapper, indexResources } from './resourceMapper.js';

const coreV1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'bindings', kind: 'Binding', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'namespaces/status', kind: 'Namespace', namespaced: false },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'pods/binding', kind: 'Binding', namespaced: true },
    { name: 'pods/status', kind: 'Pod', namespaced: true },
  ],
};

const notFound = () =>
  errorFromStatus({
    code: 404,
    status: { kind: 'Status', code: 404, reason: 'NotFound', message: '404 page not found' },
  });

describe('indexResources', () => {
  it('maps each kind to its top-level resource and skips subresources', () => {
    const byKind = indexResources('v1', coreV1);
    expect(byKind.get('ConfigMap')).toEqual({
      apiVersion: 'v1',
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
    });
    expect(byKind.get('Namespace')?.namespaced).toBe(false);
    expect(byKind.get('Binding')?.plural).toBe('bindings');
    expect([...byKind.keys()]).toEqual(['Binding', 'ConfigMap', 'Namespace', 'Pod']);
  });
});

describe('createResourceMapper', () => {
  it('asks discovery once per group-version and then answers from the cache', async () => {
    const fetch = vi.fn(async () => coreV1);
    const mapper = createResourceMapper(fetch);
    const [a, b] = await Promise.all([
      mapper.resolve({ apiVersion: 'v1', kind: 'ConfigMap' }, 'get'),
      mapper.resolve({ apiVersion: 'v1', kind: 'Pod' }, 'get'),
    ]);
    expect(a.plural).toBe('configmaps');
    expect(b.plural).toBe('pods');
    await mapper.resolve({ apiVersion: 'v1', kind: 'Namespace' }, 'get');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith('', 'v1');
  });

  it('refreshes the group-version once on a miss (a CRD installed after start)', async () => {
    let served = [{ name: 'pinots', kind: 'Pinot', namespaced: true }];
    const fetch = vi.fn(async () => ({ resources: served }));
    const mapper = createResourceMapper(fetch);
    await mapper.resolve({ apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot' }, 'get');
    served = [...served, { name: 'pinottables', kind: 'PinotTable', namespaced: true }];
    const table = await mapper.resolve({ apiVersion: 'datainfra.io/v1beta1', kind: 'PinotTable' }, 'apply');
    expect(table).toMatchObject({ group: 'datainfra.io', version: 'v1beta1', plural: 'pinottables' });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(fetch).toHaveBeenLastCalledWith('datainfra.io', 'v1beta1');
  });

  it('fails with UnknownKindError after one refresh when the kind is still missing', async () => {
    const fetch = vi.fn(async () => coreV1);
    const mapper = createResourceMapper(fetch);
    await mapper.resolve({ apiVersion: 'v1', kind: 'Pod' }, 'get');
    const err = await mapper.resolve({ apiVersion: 'v1', kind: 'Pinot' }, 'apply').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKindError);
    expect((err as Error).message).toBe(
      'apply v1 Pinot: kind Pinot in group/version core/v1 is not served by the API server (is the CRD installed?)',
    );
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('fails with UnknownKindError when the group-version is not served (404)', async () => {
    const mapper = createResourceMapper(async () => {
      throw notFound();
    });
    const err = await mapper.resolve({ apiVersion: 'datainfra.io/v1', kind: 'Pinot' }, 'get').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKindError);
    expect((err as UnknownKindError).cause).toBeDefined();
    expect((err as Error).message).toContain('kind Pinot in group/version datainfra.io/v1 is not served');
  });

  it('passes other discovery errors through', async () => {
    const forbidden = errorFromStatus({ code: 403 });
    const mapper = createResourceMapper(async () => {
      throw forbidden;
    });
    await expect(mapper.resolve({ apiVersion: 'apps/v1', kind: 'StatefulSet' }, 'get')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('answers registered kinds without discovery, before discovered ones', async () => {
    const fetch = vi.fn(async () => coreV1);
    const mapper = createResourceMapper(fetch, [
      { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', plural: 'pinots', namespaced: true },
    ]);
    mapper.register({ apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true });
    expect(await mapper.resolve({ apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot' }, 'get')).toEqual({
      apiVersion: 'datainfra.io/v1beta1',
      group: 'datainfra.io',
      version: 'v1beta1',
      kind: 'Pinot',
      plural: 'pinots',
      namespaced: true,
    });
    await mapper.resolve({ apiVersion: 'v1', kind: 'ConfigMap' }, 'get');
    expect(fetch).not.toHaveBeenCalled();
    expect(() => mapper.register({ apiVersion: 'v1', kind: 'X', plural: '', namespaced: true })).toThrow(TypeError);
  });

  it('lets one caller abort its wait without failing the shared discovery request', async () => {
    let release: (value: unknown) => void = () => {};
    const fetch = vi.fn(() => new Promise((resolve) => (release = resolve)));
    const mapper = createResourceMapper(fetch);
    const controller = new AbortController();
    const first = mapper.resolve({ apiVersion: 'v1', kind: 'Pod' }, 'get', controller.signal);
    const second = mapper.resolve({ apiVersion: 'v1', kind: 'ConfigMap' }, 'get');
    controller.abort(new Error('stop'));
    await expect(first).rejects.toThrow('stop');
    release(coreV1);
    expect((await second).plural).toBe('configmaps');
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
