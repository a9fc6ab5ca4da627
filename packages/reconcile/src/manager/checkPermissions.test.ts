import type { ResourceMapping } from '@dsoi/client';
import { ServerError, UnknownKindError } from '@dsoi/client/errors';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { MissingPermissionsError } from '../errors.js';
import { checkPermissions } from './checkPermissions.js';
import { requiredPermissions } from './requiredPermissions.js';

interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const served: Record<string, ResourceMapping> = {
  'example.dsoi.io/v1/Widget': mapping('example.dsoi.io', 'v1', 'Widget', 'widgets', true),
  'v1/ConfigMap': mapping('', 'v1', 'ConfigMap', 'configmaps', true),
  'v1/Node': mapping('', 'v1', 'Node', 'nodes', false),
  'events.k8s.io/v1/Event': mapping('events.k8s.io', 'v1', 'Event', 'events', true),
};

function mapping(group: string, version: string, kind: string, plural: string, namespaced: boolean) {
  return { apiVersion: group ? `${group}/${version}` : version, group, version, kind, plural, namespaced };
}

/** A client double: discovery from `served`, and a review that denies what `denied` says. */
function fakeClient(denied: (attributes: Attributes) => boolean) {
  const reviews: Attributes[] = [];
  const registered: string[] = [];
  return {
    reviews,
    registered,
    async resourceMapping(type: TypeMeta) {
      const found = served[`${type.apiVersion}/${type.kind}`];
      if (!found) throw new UnknownKindError({ apiVersion: type.apiVersion, kind: type.kind });
      return found;
    },
    registerKind(kind: TypeMeta) {
      registered.push(kind.kind);
    },
    async create<TObject extends KubeObject>(object: TObject) {
      const attributes = (object as unknown as { spec: { resourceAttributes: Attributes } }).spec.resourceAttributes;
      reviews.push(attributes);
      const allowed = !denied(attributes);
      return { ...object, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } } as never;
    },
  };
}

const widget = { apiVersion: 'example.dsoi.io/v1', kind: 'Widget' };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap' };

describe('checkPermissions', () => {
  it('resolves kinds to resources and reports exactly the denied permissions, with who needs them', async () => {
    const client = fakeClient((a) => a.resource === 'configmaps' && (a.verb === 'list' || a.verb === 'delete'));
    const required = requiredPermissions({
      controllers: [{ name: 'widget', for: widget, owns: [configMap], namespace: 'ns' }],
    });
    const result = await checkPermissions(client, required);
    expect(client.registered).toEqual(['SelfSubjectAccessReview']);
    expect(result.checked).toBe(required.length);
    expect(result.unknownKinds).toEqual([]);
    expect(result.missing).toEqual([
      {
        verb: 'list',
        group: '',
        resource: 'configmaps',
        namespace: 'ns',
        neededBy: ['controller "widget" (watches owned v1 ConfigMap)'],
        reason: 'no RBAC policy matched',
      },
      {
        verb: 'delete',
        group: '',
        resource: 'configmaps',
        namespace: 'ns',
        neededBy: ['controller "widget" (prunes owned v1 ConfigMap)'],
        reason: 'no RBAC policy matched',
      },
    ]);
    expect(client.reviews).toContainEqual({
      verb: 'patch',
      group: 'example.dsoi.io',
      resource: 'widgets',
      subresource: 'status',
      namespace: 'ns',
    });
  });

  it('asks once per distinct permission and names every part that needs it', async () => {
    const client = fakeClient((a) => a.resource === 'widgets' && a.verb === 'watch');
    const required = requiredPermissions({
      controllers: [
        { name: 'a', for: widget, namespace: 'ns', permissions: { status: false, events: false } },
        { name: 'b', for: configMap, namespace: 'ns', watches: [{ type: widget }], permissions: { events: false } },
      ],
    });
    const result = await checkPermissions(client, required);
    expect(client.reviews.filter((a) => a.resource === 'widgets' && a.verb === 'watch')).toHaveLength(1);
    expect(result.missing.map((m) => m.neededBy)).toEqual([
      ['controller "a" (watches its kind)', 'controller "b" (watches example.dsoi.io/v1 Widget)'],
    ]);
  });

  it('checks a cluster-scoped kind cluster-wide, and skips kinds the server does not serve', async () => {
    const client = fakeClient(() => false);
    const gadget = { apiVersion: 'example.dsoi.io/v2', kind: 'Gadget' };
    const required = requiredPermissions({
      controllers: [{ name: 'g', for: gadget, namespace: 'ns', permissions: { status: false, events: false } }],
      extra: [{ verbs: ['get'], type: { apiVersion: 'v1', kind: 'Node' }, namespace: 'ns' }],
    });
    const result = await checkPermissions(client, required);
    expect(result.unknownKinds).toEqual([gadget]);
    expect(client.reviews).toEqual([{ verb: 'get', group: '', resource: 'nodes' }]);
    expect(result).toMatchObject({ missing: [], checked: 1 });
  });

  it('sends a review again after a 5xx (it stores nothing), and gives up after the last retry', async () => {
    const client = fakeClient(() => false);
    const answer = client.create.bind(client);
    let failures = 2;
    client.create = async (object) => {
      if (failures-- > 0) throw new ServerError({ reason: 'ServiceUnavailable', code: 503, message: 'overloaded' });
      return answer(object);
    };
    const required = requiredPermissions({ controllers: [], extra: [{ verbs: ['get'], resource: 'nodes' }] });
    await expect(checkPermissions(client, required, { retryDelaysMs: [0, 0] })).resolves.toMatchObject({ checked: 1 });
    failures = 3;
    await expect(checkPermissions(client, required, { retryDelaysMs: [0, 0] })).rejects.toThrow('overloaded');
  });

  it('passes other failures through at once (the check cannot say yes or no)', async () => {
    const client = fakeClient(() => false);
    let calls = 0;
    client.create = async () => {
      calls++;
      throw new Error('certificate rejected');
    };
    const required = requiredPermissions({ controllers: [], extra: [{ verbs: ['get'], resource: 'nodes' }] });
    await expect(checkPermissions(client, required)).rejects.toThrow('certificate rejected');
    expect(calls).toBe(1);
  });
});

describe('MissingPermissionsError', () => {
  it('lists every missing permission and who needs it, cluster-wide or in a namespace', () => {
    const error = new MissingPermissionsError('pinot-operator', [
      { verb: 'list', group: 'apps', resource: 'statefulsets', neededBy: ['controller "pinot" (watches owned x)'] },
      {
        verb: 'patch',
        group: 'datainfra.io',
        resource: 'pinots',
        subresource: 'status',
        namespace: 'x',
        neededBy: ['controller "pinot" (writes status)'],
      },
      {
        verb: 'get',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'ops',
        name: 'l',
        neededBy: ['a', 'b'],
      },
      { verb: 'get', group: '', resource: 'secrets', namespace: 'x', neededBy: ['controller "s" (declared)'] },
    ]);
    expect(error).toMatchObject({ name: 'MissingPermissionsError', reason: 'Forbidden' });
    expect(error.message.split('\n')).toEqual([
      'pinot-operator: 4 permission(s) missing (grant them to its ServiceAccount, or start with checkPermissions: ' +
        'false to skip this check):',
      '  cannot "list" "statefulsets.apps" (cluster-wide), needed by controller "pinot" (watches owned x)',
      '  cannot "patch" "pinots.datainfra.io/status" in namespace "x", needed by controller "pinot" (writes status)',
      '  cannot "get" "leases.coordination.k8s.io" named "l" in namespace "ops", needed by a, b',
      '  cannot "get" "secrets" in namespace "x", needed by controller "s" (declared)',
    ]);
  });
});
