import { describe, expect, it } from 'vitest';
import type { ResourceMapping } from '../resourceMapper.js';
import { watchPlan } from './watchOperation.js';

const configMaps: ResourceMapping = {
  apiVersion: 'v1',
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const nodes: ResourceMapping = { ...configMaps, kind: 'Node', plural: 'nodes', namespaced: false };

describe('watchPlan', () => {
  it('watches a namespaced kind in its namespace, with bookmarks by default', () => {
    const plan = watchPlan(
      configMaps,
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: 'a', resourceVersion: '5' },
    );
    expect(plan.path).toBe('/api/v1/namespaces/a/configmaps?watch=1&resourceVersion=5&allowWatchBookmarks=true');
    expect(plan).toMatchObject({ verb: 'watch', idempotent: true, namespace: 'a', target: { namespace: 'a' } });
  });

  it('drops the namespace of a cluster-scoped kind, and bookmarks when turned off', () => {
    const plan = watchPlan(nodes, { apiVersion: 'v1', kind: 'Node' }, { namespace: 'a', allowWatchBookmarks: false });
    expect(plan.path).toBe('/api/v1/nodes?watch=1');
    expect(plan.namespace).toBeUndefined();
    expect(plan.target).toEqual({ apiVersion: 'v1', kind: 'Node', namespace: undefined });
  });
});
