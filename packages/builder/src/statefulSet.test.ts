import { describe, expect, it } from 'vitest';
import { buildStatefulSet, type StatefulSetOptions } from './statefulSet.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const claimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const base: StatefulSetOptions = {
  name: 'pinot-server',
  namespace: 'pinot',
  selectorLabels: { app: 'pinot', node: 'server' },
  template: {
    spec: {
      containers: [
        {
          name: 'server',
          image: 'apachepinot/pinot',
          ports: [{ name: 'netty', containerPort: 8098 }],
          volumeMounts: [{ name: 'data', mountPath: '/var/pinot/server/data' }],
        },
      ],
    },
  },
  volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claimSpec }],
};

describe('buildStatefulSet', () => {
  it('builds an apps/v1 StatefulSet: selector on the template, claim templates, one replica by default', () => {
    const sts = buildStatefulSet({ ...base, serviceName: 'pinot-server-headless' });
    expect(sts.apiVersion).toBe('apps/v1');
    expect(sts.kind).toBe('StatefulSet');
    expect(sts.metadata).toEqual({ name: 'pinot-server', namespace: 'pinot' });
    expect(sts.spec).toMatchObject({
      replicas: 1,
      selector: { matchLabels: { app: 'pinot', node: 'server' } },
      serviceName: 'pinot-server-headless',
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claimSpec }],
    });
    expect(sts.spec.template.metadata?.labels).toEqual({ app: 'pinot', node: 'server' });
  });

  it('passes the optional spec fields through', () => {
    const sts = buildStatefulSet({
      ...base,
      replicas: 3,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      minReadySeconds: 5,
      revisionHistoryLimit: 3,
    });
    expect(sts.spec).toMatchObject({
      replicas: 3,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      minReadySeconds: 5,
      revisionHistoryLimit: 3,
    });
    expect(buildStatefulSet(base).spec).not.toHaveProperty('podManagementPolicy');
  });

  it('keeps template labels that add to the selector and refuses one that contradicts it', () => {
    const template = { ...base.template, metadata: { labels: { team: 'data', node: 'server' } } };
    expect(buildStatefulSet({ ...base, template }).spec.template.metadata?.labels).toEqual({
      team: 'data',
      node: 'server',
      app: 'pinot',
    });
    const wrong = { ...base.template, metadata: { labels: { node: 'broker' } } };
    expect(() => buildStatefulSet({ ...base, template: wrong })).toThrow(
      error('StatefulSet template.metadata.labels["node"]', 'selector'),
    );
  });

  it('refuses a name over 52 characters, explaining the controller-revision-hash label', () => {
    const build = () => buildStatefulSet({ ...base, name: 'a'.repeat(53) });
    expect(build).toThrow(error('StatefulSet name', 'statefulSetName'));
    expect(build).toThrow('controller-revision-hash');
    expect(() => buildStatefulSet({ ...base, name: 'a'.repeat(52) })).not.toThrow();
  });

  it('refuses an empty selector, bad replica counts and a bad service name', () => {
    expect(() => buildStatefulSet({ ...base, selectorLabels: {} })).toThrow(
      error('StatefulSet selectorLabels', 'selector'),
    );
    expect(() => buildStatefulSet({ ...base, replicas: -1 })).toThrow(error('StatefulSet replicas', 'range'));
    expect(() => buildStatefulSet({ ...base, replicas: 1.5 })).toThrow(error('StatefulSet replicas', 'range'));
    expect(() => buildStatefulSet({ ...base, minReadySeconds: -1 })).toThrow(
      error('StatefulSet minReadySeconds', 'range'),
    );
    expect(() => buildStatefulSet({ ...base, revisionHistoryLimit: -1 })).toThrow(
      error('StatefulSet revisionHistoryLimit', 'range'),
    );
    expect(() => buildStatefulSet({ ...base, serviceName: '1svc' })).toThrow(
      error('StatefulSet serviceName', 'dns1035Label'),
    );
  });

  it('refuses claim templates with a repeated name, a bad name or an incomplete spec', () => {
    const claims = (c: object[]) => () => buildStatefulSet({ ...base, volumeClaimTemplates: c as never });
    const data = { metadata: { name: 'data' }, spec: claimSpec };
    expect(claims([data, data])).toThrow(error('StatefulSet volumeClaimTemplates[1].metadata.name', 'unique'));
    expect(claims([data, { ...data, metadata: {} }])).toThrow(
      error('StatefulSet volumeClaimTemplates[1].metadata.name', 'dns1123Label'),
    );
    expect(claims([{ metadata: { name: 'data' }, spec: { resources: claimSpec.resources } }])).toThrow(
      error('StatefulSet volumeClaimTemplates[0].spec.accessModes', 'required'),
    );
    expect(claims([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }])).toThrow(
      error('StatefulSet volumeClaimTemplates[0].spec.resources.requests.storage', 'required'),
    );
    expect(claims([{ metadata: { name: 'data' } }])).toThrow(
      error('StatefulSet volumeClaimTemplates[0].spec', 'required'),
    );
    expect(claims([{ ...data, metadata: { name: 'data', labels: { a: 'b c' } } }])).toThrow(
      error('StatefulSet volumeClaimTemplates[0].metadata.labels["a"]', 'labelValue'),
    );
  });

  it('keeps claim template labels and annotations', () => {
    const claim = { metadata: { name: 'data', labels: { a: 'b' }, annotations: { 'x/y': 'z' } }, spec: claimSpec };
    expect(buildStatefulSet({ ...base, volumeClaimTemplates: [claim] }).spec.volumeClaimTemplates).toEqual([claim]);
  });

  it('refuses a template volume named like a claim template', () => {
    const template = { spec: { ...base.template.spec!, volumes: [{ name: 'data', emptyDir: {} }] } };
    expect(() => buildStatefulSet({ ...base, template })).toThrow(
      error('StatefulSet template.spec.volumes[0].name', 'unique'),
    );
  });

  it('checks the pod template: containers, names, mounts and ports', () => {
    const withContainers =
      (containers: object[], extra: object = {}) =>
      () =>
        buildStatefulSet({ ...base, volumeClaimTemplates: [], template: { spec: { containers, ...extra } as never } });
    const c = { name: 'c', image: 'i' };
    expect(withContainers([])).toThrow(error('StatefulSet template.spec.containers', 'required'));
    expect(() => buildStatefulSet({ ...base, template: {} })).toThrow(error('StatefulSet template.spec', 'required'));
    expect(withContainers([c, c])).toThrow(error('StatefulSet template.spec.containers[1].name', 'unique'));
    expect(withContainers([c], { initContainers: [c] })).toThrow(
      error('StatefulSet template.spec.containers[0].name', 'unique'),
    );
    expect(withContainers([{ ...c, volumeMounts: [{ name: 'nope', mountPath: '/x' }] }])).toThrow(
      error('StatefulSet template.spec.containers[0].volumeMounts[0].name', 'reference'),
    );
    const volumes = { volumes: [{ name: 'v', emptyDir: {} }] };
    const twice = [
      { name: 'v', mountPath: '/x' },
      { name: 'v', mountPath: '/x' },
    ];
    expect(withContainers([{ ...c, volumeMounts: twice }], volumes)).toThrow(
      error('StatefulSet template.spec.containers[0].volumeMounts[1].mountPath', 'unique'),
    );
    expect(withContainers([{ ...c, volumeMounts: [{ name: 'v' }] }], volumes)).toThrow(
      error('StatefulSet template.spec.containers[0].volumeMounts[0].mountPath', 'required'),
    );
    expect(withContainers([c], { volumes: [{ name: 'v' }, { name: 'v' }] })).toThrow(
      error('StatefulSet template.spec.volumes[1].name', 'unique'),
    );
    expect(withContainers([{ ...c, ports: [{ containerPort: 0 }] }])).toThrow(
      error('StatefulSet template.spec.containers[0].ports[0].containerPort', 'range'),
    );
    expect(withContainers([{ ...c, ports: [{ containerPort: 80, name: 'much-too-long-name' }] }])).toThrow(
      error('StatefulSet template.spec.containers[0].ports[0].name', 'portName'),
    );
    const samePort = [
      { containerPort: 80, name: 'http' },
      { containerPort: 81, name: 'http' },
    ];
    expect(withContainers([{ ...c, ports: samePort }])).toThrow(
      error('StatefulSet template.spec.containers[0].ports[1].name', 'unique'),
    );
  });

  it('does not change its input and shares no objects with it', () => {
    const before = structuredClone(base);
    const sts = buildStatefulSet(base);
    expect(base).toEqual(before);
    expect(sts.spec.template.spec).not.toBe(base.template.spec);
    expect(sts.spec.volumeClaimTemplates?.[0]?.spec).not.toBe(base.volumeClaimTemplates?.[0]?.spec);
  });
});
