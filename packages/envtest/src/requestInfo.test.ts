import { describe, expect, it } from 'vitest';
import { isWrite, parseRequestInfo } from './requestInfo.js';

/** The fields kube-apiserver's RequestInfo would hold, '' where it leaves them empty. */
function info(fields: Partial<ReturnType<typeof parseRequestInfo>>) {
  return {
    isResourceRequest: true,
    verb: '',
    group: '',
    version: 'v1',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    ...fields,
  };
}

describe('parseRequestInfo', () => {
  it.each([
    [
      'GET',
      '/api/v1/namespaces/a/configmaps/x',
      info({ verb: 'get', resource: 'configmaps', namespace: 'a', name: 'x' }),
    ],
    ['GET', '/api/v1/namespaces/a/configmaps', info({ verb: 'list', resource: 'configmaps', namespace: 'a' })],
    ['GET', '/api/v1/configmaps?limit=500', info({ verb: 'list', resource: 'configmaps' })],
    ['POST', '/api/v1/namespaces/a/configmaps', info({ verb: 'create', resource: 'configmaps', namespace: 'a' })],
    [
      'PUT',
      '/api/v1/namespaces/a/configmaps/x',
      info({ verb: 'update', resource: 'configmaps', namespace: 'a', name: 'x' }),
    ],
    [
      'PATCH',
      '/api/v1/namespaces/a/configmaps/x',
      info({ verb: 'patch', resource: 'configmaps', namespace: 'a', name: 'x' }),
    ],
    [
      'DELETE',
      '/api/v1/namespaces/a/configmaps/x',
      info({ verb: 'delete', resource: 'configmaps', namespace: 'a', name: 'x' }),
    ],
    [
      'DELETE',
      '/api/v1/namespaces/a/configmaps',
      info({ verb: 'deletecollection', resource: 'configmaps', namespace: 'a' }),
    ],
    ['HEAD', '/api/v1/namespaces/a/pods/p', info({ verb: 'get', resource: 'pods', namespace: 'a', name: 'p' })],
  ])('maps %s %s to its verb', (method, url, expected) => {
    expect(parseRequestInfo(method, url)).toEqual(expected);
  });

  it('reads the group and version of /apis paths', () => {
    expect(parseRequestInfo('GET', '/apis/apps/v1/namespaces/a/statefulsets/web')).toEqual(
      info({ verb: 'get', group: 'apps', resource: 'statefulsets', namespace: 'a', name: 'web' }),
    );
    expect(parseRequestInfo('GET', '/apis/example.dsoi.io/v1alpha1/widgets')).toEqual(
      info({ verb: 'list', group: 'example.dsoi.io', version: 'v1alpha1', resource: 'widgets' }),
    );
  });

  it.each([
    ['/api/v1/namespaces/a/pods?watch=true', 'watch'],
    ['/api/v1/namespaces/a/pods?watch=1', 'watch'],
    ['/api/v1/namespaces/a/pods?watch=', 'watch'], // kube's bool conversion: only false and 0 are false
    ['/api/v1/namespaces/a/pods?watch=TRUE&resourceVersion=5', 'watch'],
    ['/api/v1/namespaces/a/pods?watch=false', 'list'],
    ['/api/v1/namespaces/a/pods?watch=0', 'list'],
    ['/api/v1/namespaces/a/pods?watch=False', 'list'],
  ])('reads the watch parameter of %s as %s', (url, verb) => {
    expect(parseRequestInfo('GET', url).verb).toBe(verb);
  });

  it('treats the /watch/ prefix as a watch', () => {
    expect(parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods')).toEqual(
      info({ verb: 'watch', resource: 'pods', namespace: 'a' }),
    );
    expect(parseRequestInfo('GET', '/apis/apps/v1/watch/deployments')).toEqual(
      info({ verb: 'watch', group: 'apps', resource: 'deployments' }),
    );
    // A named watch keeps its name, and is still a watch.
    expect(parseRequestInfo('GET', '/api/v1/watch/namespaces/a/pods/p')).toEqual(
      info({ verb: 'watch', resource: 'pods', namespace: 'a', name: 'p' }),
    );
  });

  it('takes the name of a list or watch pinned by a metadata.name field selector', () => {
    const url = '/api/v1/namespaces/a/configmaps?watch=true&fieldSelector=metadata.name%3Dlock';
    expect(parseRequestInfo('GET', url)).toEqual(
      info({ verb: 'watch', resource: 'configmaps', namespace: 'a', name: 'lock' }),
    );
    expect(parseRequestInfo('GET', '/api/v1/configmaps?fieldSelector=a%3Db,metadata.name%3D%3Dx').name).toBe('x');
    expect(parseRequestInfo('GET', '/api/v1/configmaps?fieldSelector=metadata.name!%3Dx').name).toBe('');
  });

  it('separates subresources from the resource', () => {
    expect(parseRequestInfo('PATCH', '/apis/apps/v1/namespaces/a/statefulsets/web/status')).toEqual(
      info({
        verb: 'patch',
        group: 'apps',
        resource: 'statefulsets',
        subresource: 'status',
        namespace: 'a',
        name: 'web',
      }),
    );
    expect(parseRequestInfo('POST', '/api/v1/namespaces/a/serviceaccounts/sa/token')).toEqual(
      info({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'a', name: 'sa' }),
    );
  });

  it('reads namespaces as cluster-scoped objects with their own subresources', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/a')).toEqual(
      info({ verb: 'get', resource: 'namespaces', namespace: 'a', name: 'a' }),
    );
    expect(parseRequestInfo('PUT', '/api/v1/namespaces/a/finalize')).toEqual(
      info({ verb: 'update', resource: 'namespaces', subresource: 'finalize', namespace: 'a', name: 'a' }),
    );
    expect(parseRequestInfo('GET', '/api/v1/namespaces')).toEqual(info({ verb: 'list', resource: 'namespaces' }));
  });

  it.each([
    ['/version'],
    ['/healthz'],
    ['/api'],
    ['/api/v1'],
    ['/apis'],
    ['/apis/apps/v1'],
    ['/openapi/v3/apis/apps/v1'],
  ])('treats %s as a non-resource request', (url) => {
    expect(parseRequestInfo('GET', url)).toEqual(info({ isResourceRequest: false, verb: 'get', version: '' }));
  });

  it('decodes path segments', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/a/configmaps/x%3Ay').name).toBe('x:y');
  });
});

describe('isWrite', () => {
  it.each([
    ['POST', '/api/v1/namespaces/a/configmaps', true],
    ['PUT', '/api/v1/namespaces/a/configmaps/x', true],
    ['PATCH', '/api/v1/namespaces/a/configmaps/x/status', true],
    ['DELETE', '/api/v1/namespaces/a/configmaps/x', true],
    ['DELETE', '/api/v1/namespaces/a/configmaps', true],
    ['GET', '/api/v1/namespaces/a/configmaps/x', false],
    ['GET', '/api/v1/namespaces/a/configmaps', false],
    ['GET', '/api/v1/namespaces/a/configmaps?watch=1', false],
    ['POST', '/apis/authorization.k8s.io', false], // non-resource
  ])('%s %s is a write: %s', (method, url, expected) => {
    expect(isWrite(parseRequestInfo(method, url))).toBe(expected);
  });
});
