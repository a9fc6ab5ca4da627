import { describe, expect, it } from 'vitest';
import { groupVersionPath, queryString, resourcePath } from './paths.js';

describe('resourcePath', () => {
  const configMaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
  const statefulSets = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true };
  const namespaces = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };

  it('builds core and group paths for collections, objects and subresources', () => {
    expect(groupVersionPath('', 'v1')).toBe('/api/v1');
    expect(groupVersionPath('datainfra.io', 'v1beta1')).toBe('/apis/datainfra.io/v1beta1');
    expect(resourcePath({ ...configMaps, namespace: 'pinot' })).toBe('/api/v1/namespaces/pinot/configmaps');
    expect(resourcePath(configMaps)).toBe('/api/v1/configmaps');
    expect(resourcePath({ ...configMaps, namespace: 'pinot', name: 'broker' })).toBe(
      '/api/v1/namespaces/pinot/configmaps/broker',
    );
    expect(resourcePath({ ...statefulSets, namespace: 'pinot', name: 'broker', subresource: 'status' })).toBe(
      '/apis/apps/v1/namespaces/pinot/statefulsets/broker/status',
    );
  });

  it('ignores the namespace of a cluster-scoped resource', () => {
    expect(resourcePath({ ...namespaces, namespace: 'pinot', name: 'pinot' })).toBe('/api/v1/namespaces/pinot');
  });

  it('escapes path segments', () => {
    expect(resourcePath({ ...configMaps, namespace: 'a', name: 'x/../y' })).toBe(
      '/api/v1/namespaces/a/configmaps/x%2F..%2Fy',
    );
  });
});

describe('queryString', () => {
  it('encodes the defined values in order and is empty without any', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: undefined })).toBe('');
    expect(
      queryString({ fieldManager: 'op', force: true, limit: 500, labelSelector: 'app=x,tier!=y', skip: undefined }),
    ).toBe('?fieldManager=op&force=true&limit=500&labelSelector=app%3Dx%2Ctier%21%3Dy');
  });
});
