import { invalidSpecProblems } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { desiredTenantChildren, parseablePort, parseObjectStoreData, type TenantOwner } from './desiredChildren.ts';

function tenant(spec: Record<string, unknown>): TenantOwner {
  return {
    apiVersion: 'parseable.io/v1beta1',
    kind: 'ParseableTenant',
    metadata: { name: 'logs', namespace: 'obs', uid: 'u-1' },
    spec: {
      deploymentOrder: ['server'],
      nodes: [{ name: 'srv', type: 'server', kind: 'StatefulSet', replicas: 1, k8sConfig: 'k', parseableConfig: 'p' }],
      k8sConfig: [
        {
          name: 'k',
          image: 'parseable/parseable:v1.0.0',
          service: { selector: { stale: 'x' }, ports: [{ port: 80, targetPort: 8000 }] },
        },
      ],
      parseableConfig: [{ name: 'p', env: { P_ADDR: '0.0.0.0:9000' } }],
      ...spec,
    },
  };
}

const problemsOf = (fn: () => unknown) => invalidSpecProblems(fn).map((p) => p.field);

describe('desiredTenantChildren', () => {
  it('accepts both StatefulSet spellings, replaces the Service selector and listens on the port of P_ADDR', () => {
    const { children } = desiredTenantChildren(tenant({}));
    expect(children.map((c) => `${c.object.kind}/${c.object.metadata?.name}`)).toEqual([
      'ConfigMap/srv-p',
      'Service/srv-k',
      'StatefulSet/k-srv',
    ]);
    const service = children[1]!.object as { spec: { selector: Record<string, string> } };
    expect(service.spec.selector).toEqual({
      app: 'parseable',
      custom_resource: 'logs',
      nodeType: 'server',
      parseableConfig: 'p',
      k8sConfigGroup: 'k',
    });
    const sts = children[2]!.object as any;
    expect(sts.spec.template.spec.containers[0].ports).toEqual([
      { name: 'http', containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(children[2]!.rolloutStep).toBe(0);
    expect(children.filter((c) => c.ownership === 'retained')).toEqual([]);
  });

  it('names every problem by its field instead of crashing', () => {
    const fields = problemsOf(() =>
      desiredTenantChildren(
        tenant({
          nodes: [
            { name: 'srv', type: 'server', kind: 'Deployment', replicas: 1, k8sConfig: 'nope', parseableConfig: 'p' },
            { name: 'srv', type: 'query', kind: 'Pod', replicas: -1, k8sConfig: 'k', parseableConfig: 'p' },
          ],
        }),
      ),
    );
    expect(fields).toEqual(['spec.nodes[1].kind', 'spec.nodes[1].replicas']);
    const references = problemsOf(() =>
      desiredTenantChildren(
        tenant({
          nodes: [
            { name: 'srv', type: 'server', kind: 'Deployment', replicas: 1, k8sConfig: 'nope', parseableConfig: 'p' },
            { name: 'srv', type: 'query', kind: 'Deployment', replicas: 1, k8sConfig: 'k', parseableConfig: 'p' },
          ],
        }),
      ),
    );
    expect(references).toEqual(['spec.nodes[1].name', 'spec.nodes[0].k8sConfig', 'spec.nodes[1].type']);
  });

  it('reports a StatefulSet name over 52 characters on its node', () => {
    const long = 'n'.repeat(51); // the StatefulSet k-<51 n> has 53 characters
    const fields = problemsOf(() =>
      desiredTenantChildren(
        tenant({
          nodes: [
            { name: long, type: 'server', kind: 'Statefulset', replicas: 1, k8sConfig: 'k', parseableConfig: 'p' },
          ],
        }),
      ),
    );
    expect(fields).toEqual([`spec.nodes[0] (${long})`]);
  });
});

describe('desiredTenantChildren, pod volumes', () => {
  const withVolumes = (volumes: object[], volumeMount: object[]) =>
    tenant({
      k8sConfig: [
        {
          name: 'k',
          image: 'parseable/parseable:v1.0.0',
          volumes,
          volumeMount,
          storageConfig: [
            {
              name: 'data',
              mountPath: '/parseable/data',
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      ],
    });

  it('gives the pods exactly the storageConfig claims then k8sConfig.volumes, as the Go operator did: no app-config', () => {
    const { children } = desiredTenantChildren(withVolumes([{ name: 'stage', emptyDir: {} }], []));
    const configMap = children.find((c) => c.object.kind === 'ConfigMap')!.object as any;
    // The config still reaches Parseable, as environment (the Go operator never mounted it either).
    expect(configMap.data).toEqual({ P_ADDR: '0.0.0.0:9000' });
    const pod = (children.find((c) => c.object.kind === 'StatefulSet')!.object as any).spec.template;
    expect(pod.spec.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'srv-k-data' } },
      { name: 'stage', emptyDir: {} },
    ]);
    expect(pod.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'srv-p' } }]);
    expect(pod.metadata.annotations).toEqual({ 'checksum.dsoi.io/configmap-srv-p': expect.any(String) });
  });

  it('lets the user name a volume app-config (the name is not reserved)', () => {
    const { children } = desiredTenantChildren(
      withVolumes([{ name: 'app-config', emptyDir: {} }], [{ name: 'app-config', mountPath: '/etc/app' }]),
    );
    const container = (children.find((c) => c.object.kind === 'StatefulSet')!.object as any).spec.template.spec
      .containers[0];
    expect(container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/parseable/data' },
      { name: 'app-config', mountPath: '/etc/app' },
    ]);
  });

  it('puts the object store first in envFrom and both checksums on the pod template', () => {
    const { children } = desiredTenantChildren(
      tenant({ external: { objectStore: { spec: { type: 's3-store', data: 'P_S3_URL=http://s3' } } } }),
    );
    const pod = (children.find((c) => c.object.kind === 'StatefulSet')!.object as any).spec.template;
    expect(pod.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: 'logs-ext' } },
      { configMapRef: { name: 'srv-p' } },
    ]);
    expect(Object.keys(pod.metadata.annotations).sort()).toEqual([
      'checksum.dsoi.io/configmap-logs-ext',
      'checksum.dsoi.io/configmap-srv-p',
    ]);
    expect(pod.spec.volumes).toBeUndefined();
  });

  it('puts every credential in a Secret beside its ConfigMap, never in a ConfigMap or an env literal', () => {
    const plant = 'planted-3f9c';
    const owner = tenant({
      external: { objectStore: { spec: { type: 's3-store', data: `P_S3_URL=http://s3\nP_S3_SECRET_KEY=${plant}` } } },
      parseableConfig: [{ name: 'p', env: { P_USERNAME: 'ops', P_PASSWORD: plant } }],
    }) as TenantOwner & { spec: any };
    owner.spec.k8sConfig[0].env = [
      { name: 'P_OIDC_CLIENT_SECRET', value: plant },
      { name: 'P_S3_REGION', value: 'eu-west-1' },
    ];
    const { children } = desiredTenantChildren(owner);
    expect(children.map((c) => `${c.object.kind}/${c.object.metadata?.name}`)).toEqual([
      'ConfigMap/logs-ext',
      'Secret/logs-ext',
      'ConfigMap/srv-p',
      'Secret/srv-p',
      'Service/srv-k',
      'StatefulSet/k-srv',
    ]);
    const decoded = (name: string) => {
      const secret = children.find((c) => c.object.kind === 'Secret' && c.object.metadata?.name === name)!
        .object as any;
      return Object.fromEntries(
        Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      );
    };
    expect(decoded('logs-ext')).toEqual({ P_S3_SECRET_KEY: plant });
    expect(decoded('srv-p')).toEqual({ P_PASSWORD: plant, P_OIDC_CLIENT_SECRET: plant });
    const configMaps = children.filter((c) => c.object.kind === 'ConfigMap').map((c) => (c.object as any).data);
    expect(configMaps).toEqual([{ P_S3_URL: 'http://s3' }, { P_USERNAME: 'ops' }]);
    const sts = children.find((c) => c.object.kind === 'StatefulSet')!.object;
    expect(JSON.stringify(sts)).not.toContain(plant);
    const pod = (sts as any).spec.template;
    expect(pod.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: 'logs-ext' } },
      { secretRef: { name: 'logs-ext' } },
      { configMapRef: { name: 'srv-p' } },
      { secretRef: { name: 'srv-p' } },
    ]);
    expect(pod.spec.containers[0].env).toEqual([
      { name: 'P_OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'srv-p', key: 'P_OIDC_CLIENT_SECRET' } } },
      { name: 'P_S3_REGION', value: 'eu-west-1' },
    ]);
    expect(Object.keys(pod.metadata.annotations).sort()).toEqual([
      'checksum.dsoi.io/configmap-logs-ext',
      'checksum.dsoi.io/configmap-srv-p',
      'checksum.dsoi.io/secret-logs-ext',
      'checksum.dsoi.io/secret-srv-p',
    ]);
  });
});

describe('desiredTenantChildren, bad input found by test/badInput.test.ts', () => {
  const problems = (edit: (owner: TenantOwner & { spec: any }) => void) => {
    const owner = tenant({}) as TenantOwner & { spec: any };
    edit(owner);
    return invalidSpecProblems(() => desiredTenantChildren(owner));
  };

  it('names a duplicate group (nodes would silently use the first) and an image with whitespace around it', () => {
    const fields = problems((o) => {
      o.spec.k8sConfig.push({ ...o.spec.k8sConfig[0], image: 'other' });
      o.spec.parseableConfig.push({ ...o.spec.parseableConfig[0] });
      o.spec.k8sConfig[0].image = ' parseable/parseable:v1.0.0';
    }).map((p) => p.field);
    expect(fields).toEqual(['spec.k8sConfig[1].name', 'spec.parseableConfig[1].name', 'spec.k8sConfig[0].image']);
  });

  it('names metadata.name when it cannot be a label value, and the env of a config over 1 MiB', () => {
    const name = problems((o) => Object.assign(o.metadata, { name: `t${'x'.repeat(63)}` }));
    expect(name.map((p) => p.field)).toEqual(['metadata.name']);
    const huge = problems((o) => (o.spec.parseableConfig[0].env.BIG = 'x'.repeat(1_100_000)));
    expect(huge.map((p) => p.field)).toEqual(['spec.parseableConfig[0].env']);
    expect(huge[0]!.message).toContain('1 MiB');
    const ext = problems(
      (o) => (o.spec.external = { objectStore: { spec: { type: 's3', data: `A=${'x'.repeat(1_100_000)}` } } }),
    );
    expect(ext.map((p) => p.field)).toEqual(['spec.external.objectStore.spec.data']);
  });

  it('accepts control characters and noncharacters in text (the client escapes them for server-side apply)', () => {
    const fields = problems((o) => {
      o.spec.parseableConfig[0].env.NOTE = 'a\uFFFFb';
      o.spec.external = { objectStore: { spec: { type: 's3\u007F', data: 'A=\u0085ok' } } };
    }).map((p) => p.field);
    expect(fields).toEqual([]);
  });
});

describe('object store data and port', () => {
  it('parses KEY=VALUE lines, skipping blanks and comments, and names a bad line', () => {
    expect(parseObjectStoreData('# s3\nP_S3_URL = https://s3:9000 \n\nP_S3_BUCKET=a=b\n')).toEqual({
      P_S3_URL: 'https://s3:9000',
      P_S3_BUCKET: 'a=b',
    });
    expect(() => parseObjectStoreData('P_S3_URL=x\n=nokey')).toThrow('spec.external.objectStore.spec.data: line 2');
  });

  it('defaults the port to 8000', () => {
    expect(parseablePort({})).toBe(8000);
    expect(parseablePort({ P_ADDR: '0.0.0.0:8080' })).toBe(8080);
    expect(parseablePort({ P_ADDR: 'nonsense' })).toBe(8000);
  });
});
