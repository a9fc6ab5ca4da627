import { describe, expect, it } from 'vitest';
import { immutableFields, keepImmutableFields, migrationRecipe } from './immutableFields.js';

const labels = { app: 'pinot', custom_resource: 'p', nodeType: 'server' };
const desiredSts = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'server', namespace: 'ns', annotations: { 'dsoi.io/desired-hash': 'h1' } },
  spec: {
    replicas: 2,
    serviceName: 'server-svc',
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'new' }] } },
    volumeClaimTemplates: [
      {
        metadata: { name: 'server-pvc', labels },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
  },
};
// What the Go operator wrote, as the server stores it (claim template metadata {name, namespace}, defaults added).
const goSts = {
  ...desiredSts,
  metadata: { name: 'server', namespace: 'ns', annotations: { PinotOperatorHash: 'x' } },
  spec: {
    ...desiredSts.spec,
    replicas: 1,
    podManagementPolicy: 'OrderedReady',
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'old' }] } },
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'server-pvc', namespace: 'ns' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1024Mi' } },
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Pending' },
      },
    ],
  },
};

describe('keepImmutableFields', () => {
  it('keeps the live claim templates of a StatefulSet the Go operator made, names the field, and changes the rest', () => {
    const plan = keepImmutableFields(desiredSts, goSts);
    const spec = (plan.object as typeof goSts).spec;
    expect(spec.volumeClaimTemplates).toEqual(goSts.spec.volumeClaimTemplates);
    expect(spec.template).toEqual(desiredSts.spec.template);
    expect(spec.replicas).toBe(2);
    expect((plan.object as typeof desiredSts).metadata.annotations).toEqual(desiredSts.metadata.annotations);
    expect(plan.kept).toEqual([
      {
        field: 'spec.volumeClaimTemplates',
        at: 'spec.volumeClaimTemplates[0].metadata.labels',
        migrate: expect.stringContaining('kubectl delete statefulset server -n ns --cascade=orphan'),
      },
    ]);
    expect(plan.refusal).toBeUndefined();
    // The desired object is not mutated.
    expect(desiredSts.spec.volumeClaimTemplates[0]!.metadata).toEqual({ name: 'server-pvc', labels });
  });

  it('applies the live value even when it holds the desired one, and reports nothing (1Gi equals 1024Mi)', () => {
    const same = {
      ...goSts,
      spec: {
        ...goSts.spec,
        volumeClaimTemplates: [
          { ...goSts.spec.volumeClaimTemplates[0]!, metadata: { name: 'server-pvc', namespace: 'ns', labels } },
        ],
      },
    };
    const plan = keepImmutableFields(desiredSts, same);
    expect(plan.kept).toEqual([]);
    expect((plan.object as typeof goSts).spec.volumeClaimTemplates).toEqual(same.spec.volumeClaimTemplates);
  });

  it('removes an immutable field the live object lacks (adding claim templates is a change too)', () => {
    const { volumeClaimTemplates: _none, ...spec } = goSts.spec;
    const plan = keepImmutableFields(desiredSts, { ...goSts, spec });
    expect('volumeClaimTemplates' in (plan.object as typeof goSts).spec).toBe(false);
    expect(plan.kept.map((k) => k.at)).toEqual(['spec.volumeClaimTemplates']);
  });

  it('keeps a narrower live Deployment selector while it still selects the desired pods', () => {
    const deployment = (matchLabels: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broker', namespace: 'ns' },
      spec: { selector: { matchLabels }, template: { metadata: { labels }, spec: {} } },
    });
    const plan = keepImmutableFields(deployment(labels), deployment({ custom_resource: 'p' }));
    expect((plan.object as any).spec.selector).toEqual({ matchLabels: { custom_resource: 'p' } });
    expect(plan.kept).toEqual([
      {
        field: 'spec.selector',
        at: 'spec.selector.matchLabels.app',
        migrate:
          'delete the Deployment (`kubectl delete deployment broker -n ns`); the operator recreates it with the desired value',
      },
    ]);
    expect(plan.refusal).toBeUndefined();
    const foreign = keepImmutableFields(deployment(labels), deployment({ custom_resource: 'other' }));
    expect(foreign.refusal).toBe(
      'the live spec.selector (custom_resource=other) does not select the desired pod template labels',
    );
  });

  it('keeps a Service cluster IP it sets, leaves one it does not set alone, and ignores kinds without immutable fields', () => {
    const service = (spec: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec,
    });
    const headless = keepImmutableFields(service({ clusterIP: 'None' }), service({ clusterIP: '10.0.0.7' }));
    expect((headless.object as any).spec.clusterIP).toBe('10.0.0.7');
    expect(headless.kept.map((k) => k.field)).toEqual(['spec.clusterIP']);
    expect(headless.kept[0]!.migrate).toBe(
      'delete the Service (`kubectl delete service s`); the operator recreates it with the desired value',
    );
    const unset = keepImmutableFields(service({ ports: [] }), service({ clusterIP: '10.0.0.7' }));
    expect(unset.object).toEqual(service({ ports: [] }));
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(keepImmutableFields(configMap, { ...configMap, data: {} })).toEqual({
      object: configMap,
      kept: [],
      refusal: undefined,
    });
  });

  it('lists the immutable fields of StatefulSet, Deployment, Service and Job, and recipes per kind', () => {
    expect(immutableFields['apps/v1 StatefulSet']).toContain('spec.volumeClaimTemplates');
    expect(immutableFields['batch/v1 Job']).toEqual(['spec.selector', 'spec.template', 'spec.completionMode']);
    expect(Object.isFrozen(immutableFields)).toBe(true);
    expect(migrationRecipe('Job', 'j', undefined)).toBe(
      'delete the Job (`kubectl delete job j`); the operator recreates it with the desired value',
    );
  });
});
