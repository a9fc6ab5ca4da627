/** The start-up permission check against a real API server, as a ServiceAccount with a narrow or a full Role. */
import { createClient, type RequestInfo } from '@dsoi/client';
import { ForbiddenError, isNotFound } from '@dsoi/client/errors';
import {
  createTestNamespace,
  installCrds,
  type RbacRule,
  serviceAccountKubeConfig,
  testKubeConfig,
} from '@dsoi/envtest/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createManager, done, MissingPermissionsError, reconcileChildren } from '../src/index.js';
import {
  configMapType,
  desiredChildren,
  statefulSetType,
  type Widget,
  widget,
  widgetCrd,
  widgetType,
} from './fixtures/widget.js';

const kubeConfig = testKubeConfig();
const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const narrowRules = [
  { apiGroups: ['example.dsoi.io'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['example.dsoi.io'], resources: ['widgets/status'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];
const fullRules = [
  ...narrowRules,
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['example.dsoi.io'], resources: ['widgets/finalizers'], verbs: ['update'] },
];

/** A ServiceAccount bound to a Role with `rules` in `namespace`, and a KubeConfig authenticated as it. */
function accountWith(namespace: string, name: string, rules: readonly RbacRule[]) {
  return serviceAccountKubeConfig(kubeConfig, { namespace, name, rules });
}

/** A manager with one Widget controller owning ConfigMaps and StatefulSets in `namespace`, leader-elected there. */
function widgetManager(options: { kubeConfig: typeof kubeConfig; namespace: string; checkPermissions?: boolean }) {
  const requests: RequestInfo[] = [];
  const manager = createManager({
    name: 'widget-operator',
    kubeConfig: options.kubeConfig,
    probes: false,
    metrics: false,
    logger: quiet,
    leaderElection: { namespace: options.namespace, retryPeriodMs: 500 },
    onRequest: (info) => requests.push(info),
    ...(options.checkPermissions !== undefined && { checkPermissions: options.checkPermissions }),
  });
  manager.addController<Widget>({
    name: 'widget',
    for: widgetType,
    owns: [configMapType, statefulSetType],
    namespace: options.namespace,
    reconciler: async ({ object, cache, signal }) => {
      if (!object) return done();
      await reconcileChildren({
        owner: object,
        desired: desiredChildren(object),
        client: manager.client,
        cache,
        signal,
      });
      return done();
    },
  });
  const reviews = () => requests.filter((r) => r.resource === 'selfsubjectaccessreviews');
  return { manager, requests, reviews };
}

const lease = (namespace: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  namespace,
  name: 'widget-operator-leader',
});

beforeAll(async () => {
  await installCrds(kubeConfig, [widgetCrd]);
});

describe('manager.start permission check', () => {
  it('rejects before leader election with a MissingPermissionsError naming exactly what the Role lacks', async () => {
    const ns = await createTestNamespace(kubeConfig, 'perm-narrow');
    const asNarrow = await accountWith(ns, 'narrow', narrowRules);
    const { manager, reviews } = widgetManager({ kubeConfig: asNarrow, namespace: ns });
    const error = await manager.start(new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(MissingPermissionsError);
    const missing = (error as MissingPermissionsError).missing;
    expect(
      missing.map((m) => `${m.verb} ${m.resource}${m.subresource ? `/${m.subresource}` : ''} ${m.namespace}`),
    ).toEqual([
      `update widgets/finalizers ${ns}`,
      `list statefulsets ${ns}`,
      `watch statefulsets ${ns}`,
      `create statefulsets ${ns}`,
      `patch statefulsets ${ns}`,
      `delete statefulsets ${ns}`,
    ]);
    expect((error as Error).message).toContain(
      `cannot "list" "statefulsets.apps" in namespace "${ns}", needed by controller "widget" (watches owned apps/v1 StatefulSet)`,
    );
    expect((error as Error).message).toContain(
      `cannot "update" "widgets.example.dsoi.io/finalizers" in namespace "${ns}"`,
    );
    // Every distinct permission was asked about once, all granted ones included.
    expect(reviews().length).toBe(2 + 2 + 1 + 2 * 5 + 2 + 3);
    // Nothing started: no Lease was taken, no controller ran.
    await expect(admin.get(lease(ns))).rejects.toSatisfy(isNotFound);
    expect(manager.isLeader()).toBe(false);
  });

  it('starts with every permission granted: leads, and the controller writes its children', async () => {
    const ns = await createTestNamespace(kubeConfig, 'perm-full');
    const asFull = await accountWith(ns, 'full', fullRules);
    const { manager, reviews } = widgetManager({ kubeConfig: asFull, namespace: ns });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    try {
      await admin.create(widget(ns, 'w', { configMaps: 1 }));
      await expect
        .poll(
          () =>
            admin.get({ ...configMapType, namespace: ns, name: 'w-cm-0' }).then(
              () => true,
              () => false,
            ),
          {
            timeout: 20_000,
          },
        )
        .toBe(true);
      expect(manager.isLeader()).toBe(true);
      expect(reviews().length).toBe(20);
    } finally {
      stop.abort();
      await running;
    }
  });

  it('checkPermissions: false skips the check: the first informer denied fails the start, after leader election', async () => {
    const ns = await createTestNamespace(kubeConfig, 'perm-off');
    const asNarrow = await accountWith(ns, 'narrow', narrowRules);
    const { manager, reviews } = widgetManager({ kubeConfig: asNarrow, namespace: ns, checkPermissions: false });
    const error = await manager.start(new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(reviews()).toEqual([]);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ verb: 'list', resource: 'statefulsets' });
    // The Lease was taken before the failure, unlike with the check.
    await expect(admin.get(lease(ns))).resolves.toBeDefined();
  });
});
