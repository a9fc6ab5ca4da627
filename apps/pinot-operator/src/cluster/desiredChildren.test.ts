import { InvalidSpecError } from '@dsoi/reconcile/dsoi';
import { invalidSpecProblems } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { minimalPinot } from '../../test/fixtures.ts';
import { desiredPinotChildren, type PinotOwner, pinotJavaOpts } from './desiredChildren.ts';

function owner(edit: (spec: any) => void = () => {}): PinotOwner {
  const cr = minimalPinot('pinot');
  edit(cr.spec);
  return { ...cr, metadata: { ...cr.metadata, uid: 'uid-1' } };
}
const objects = (o: PinotOwner) => desiredPinotChildren(o).children.map((c) => c.object as any);
const find = (o: PinotOwner, kind: string, name: string) =>
  objects(o).find((x) => x.kind === kind && x.metadata.name === name);
const container = (workload: any) => workload.spec.template.spec.containers[0];
const env = (workload: any, name: string) => container(workload).env.find((e: any) => e.name === name)?.value;

/** Node `a` with k8sConfig `b-c` and node `a-b` with `c`: both derive `a-b-c` and `a-b-c-svc`. */
function collidingNodes(spec: any): void {
  spec.k8sConfig[0].name = 'b-c';
  spec.k8sConfig[1].name = 'c';
  spec.nodes[0] = { ...spec.nodes[0], name: 'a', k8sConfig: 'b-c' };
  spec.nodes[1] = { ...spec.nodes[1], name: 'a-b', k8sConfig: 'c' };
}

describe('desiredPinotChildren', () => {
  it('builds ConfigMap, Service and workload per node, workloads with the rollout step of their node type', () => {
    const { children } = desiredPinotChildren(owner());
    expect(children.map((c) => `${(c.object as any).kind}/${c.object.metadata?.name}@${c.rolloutStep ?? '-'}`)).toEqual(
      [
        'ConfigMap/pinot-simple-controller-config@-',
        'Service/pinot-controller-controller-svc@-',
        'StatefulSet/pinot-controller-controller@0',
        'ConfigMap/pinot-simple-broker-config@-',
        'Service/pinot-broker-broker-svc@-',
        'Deployment/pinot-broker-broker@1',
      ],
    );
  });

  it('puts a config group that carries a credential in a Secret mounted in its place, and env credentials too', () => {
    const plant = 'planted-7c1e';
    const o = owner((spec) => {
      spec.external.deepStorage = {
        spec: [{ nodeType: 'controller', data: `pinot.controller.storage.factory.s3.secretKey=${plant}` }],
      };
      spec.k8sConfig[0].env = [
        { name: 'PINOT_ADMIN_PASSWORD', value: plant },
        { name: 'LOG_LEVEL', value: 'info' },
      ];
    });
    const all = objects(o);
    expect(all.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual([
      'Secret/pinot-simple-controller-config',
      'Secret/pinot-controller-controller-env',
      'Service/pinot-controller-controller-svc',
      'StatefulSet/pinot-controller-controller',
      'ConfigMap/pinot-simple-broker-config',
      'Service/pinot-broker-broker-svc',
      'Deployment/pinot-broker-broker',
    ]);
    const decode = (secret: any, key: string) => Buffer.from(secret.data[key], 'base64').toString();
    const config = find(o, 'Secret', 'pinot-simple-controller-config');
    expect(decode(config, 'pinot-controller.conf')).toContain(`secretKey=${plant}`);
    expect(config.metadata.ownerReferences).toMatchObject([{ kind: 'Pinot', name: 'pinot-simple', controller: true }]);
    expect(decode(find(o, 'Secret', 'pinot-controller-controller-env'), 'PINOT_ADMIN_PASSWORD')).toBe(plant);
    for (const x of all.filter((x) => x.kind !== 'Secret')) expect(JSON.stringify(x)).not.toContain(plant);
    const sts = find(o, 'StatefulSet', 'pinot-controller-controller');
    const pod = sts.spec.template;
    expect(pod.spec.volumes).toContainEqual({
      name: 'pinot-simple-controller-config',
      secret: { secretName: 'pinot-simple-controller-config' },
    });
    expect(container(sts).volumeMounts).toContainEqual({
      name: 'pinot-simple-controller-config',
      mountPath: '/var/pinot/controller/config',
    });
    expect(container(sts).env).toContainEqual({
      name: 'PINOT_ADMIN_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'pinot-controller-controller-env', key: 'PINOT_ADMIN_PASSWORD' } },
    });
    expect(env(sts, 'LOG_LEVEL')).toBe('info');
    expect(
      Object.keys(pod.metadata.annotations)
        .filter((k) => k.startsWith('checksum.'))
        .sort(),
    ).toEqual([
      'checksum.dsoi.io/secret-pinot-controller-controller-env',
      'checksum.dsoi.io/secret-pinot-simple-controller-config',
    ]);
  });

  it('joins plugins into one -Dplugins.include flag, and adds nothing for none (scenario 5, bug 15)', () => {
    const withPlugins = owner((spec) => (spec.plugins = ['pinot-s3', 'pinot-kafka']));
    for (const name of ['pinot-controller-controller', 'pinot-broker-broker']) {
      const workload = objects(withPlugins).find((x) => x.metadata.name === name);
      expect(env(workload, 'JAVA_OPTS')).toBe('-Xms256M -Xmx1G -Dplugins.include=pinot-s3,pinot-kafka');
    }
    expect(pinotJavaOpts('-Xmx1G', [])).toBe('-Xmx1G');
  });

  it('appends the deep-storage text of the node type only, last entry winning (scenario 6)', () => {
    const o = owner(
      (spec) =>
        (spec.external.deepStorage = {
          spec: [
            { nodeType: 'controller', data: 'x=0' },
            { nodeType: 'controller', data: 'x=1' },
          ],
        }),
    );
    expect(find(o, 'ConfigMap', 'pinot-simple-controller-config').data['pinot-controller.conf']).toMatch(/\nx=1$/);
    expect(find(o, 'ConfigMap', 'pinot-simple-broker-config').data).toEqual({
      'pinot-broker.conf': 'pinot.broker.client.queryPort=8099',
    });
  });

  it('builds a shared pinotNodeConfig once, with one file per node type using it (bug 16)', () => {
    const o = owner((spec) => {
      spec.nodes.push({
        name: 'pinot-minion',
        kind: 'Deployment',
        replicas: 1,
        nodeType: 'minion',
        k8sConfig: 'broker',
        pinotNodeConfig: 'broker',
      });
    });
    const configMaps = objects(o).filter((x) => x.metadata.name === 'pinot-simple-broker-config');
    expect(configMaps).toHaveLength(1);
    expect(Object.keys(configMaps[0].data).sort()).toEqual(['pinot-broker.conf', 'pinot-minion.conf']);
    const minion = find(o, 'Deployment', 'pinot-minion-broker');
    expect(container(minion).args[0]).toBe('StartMinion');
  });

  it('names one claim template <node>-pvc (Go compatible) and several <node>-<name> (bug 14)', () => {
    const one = find(owner(), 'StatefulSet', 'pinot-controller-controller');
    expect(one.spec.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['pinot-controller-pvc']);
    const two = owner((spec) => {
      const sc = spec.k8sConfig[0].storageConfig[0];
      spec.k8sConfig[0].storageConfig.push({ ...sc, name: 'logs', mountPath: '/var/pinot/logs' });
    });
    expect(
      find(two, 'StatefulSet', 'pinot-controller-controller').spec.volumeClaimTemplates.map(
        (v: any) => v.metadata.name,
      ),
    ).toEqual(['pinot-controller-data', 'pinot-controller-logs']);
  });

  it('applies tolerations and pod metadata, and replaces a Service selector by the node labels (bugs 12, 13)', () => {
    const o = owner((spec) => {
      spec.k8sConfig[1].tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'pinot', effect: 'NoSchedule' }];
      spec.k8sConfig[1].podMetadata = { labels: { zone: 'az1' }, annotations: { 'prometheus.io/scrape': 'true' } };
      spec.k8sConfig[1].service.selector = { app: 'something-else' };
    });
    const broker = find(o, 'Deployment', 'pinot-broker-broker');
    expect(broker.spec.template.spec.tolerations).toHaveLength(1);
    expect(broker.spec.template.metadata.labels.zone).toBe('az1');
    expect(broker.spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    expect(find(o, 'Service', 'pinot-broker-broker-svc').spec.selector.app).toBe('pinot');
  });

  it('refuses what would crash or be rejected, naming the field (bugs 10, 11, 14, 18)', () => {
    const problems = (edit: (spec: any) => void) =>
      invalidSpecProblems(() => desiredPinotChildren(owner(edit))).map((p) => p.field);
    expect(problems((spec) => (spec.nodes[1].k8sConfig = 'controller'))).toEqual(['spec.nodes[1] (pinot-broker)']);
    expect(problems((spec) => (spec.nodes[0].pinotNodeConfig = 'nope'))).toEqual(['spec.nodes[0].pinotNodeConfig']);
    expect(problems((spec) => (spec.deploymentOrder = ['broker']))).toEqual(['spec.nodes[0].nodeType']);
    expect(problems((spec) => delete spec.external)).toEqual(['spec.external.zookeeper.spec.zkAddress']);
    expect(problems((spec) => (spec.k8sConfig[1].image = 'apachepinot/pinot:latest '))).toEqual([
      'spec.k8sConfig[1].image',
    ]);
    expect(
      problems((spec) => {
        spec.nodes = [];
      }),
    ).toEqual(['spec.nodes']);
    expect(
      problems((spec) => {
        // A legal group name whose volume name <CR>-<group>-config exceeds 63 characters (bug 18).
        spec.pinotNodeConfig[0].name = `c${'x'.repeat(60)}`;
        spec.nodes[0].pinotNodeConfig = spec.pinotNodeConfig[0].name;
      }),
    ).toEqual(['spec.pinotNodeConfig[0].name']);
  });

  it('refuses two nodes whose <node>-<k8sConfig> names collide, naming spec.nodes', () => {
    const colliding = owner(collidingNodes);
    expect(() => desiredPinotChildren(colliding)).toThrow(InvalidSpecError);
    try {
      desiredPinotChildren(colliding);
    } catch (err) {
      expect((err as InvalidSpecError).problems).toEqual([
        { field: 'spec.nodes', message: expect.stringContaining('Service name "a-b-c-svc"') },
      ]);
    }
  });

  it('names the field to shorten for names derived from the CR name, and for a config too big for a ConfigMap', () => {
    const problems = (edit: (cr: PinotOwner & { spec: any }) => void) => {
      const cr = owner() as PinotOwner & { spec: any };
      edit(cr);
      return invalidSpecProblems(() => desiredPinotChildren(cr));
    };
    const longName = problems((cr) => Object.assign(cr.metadata, { name: `p${'x'.repeat(63)}` }));
    expect(longName.map((p) => p.field)).toEqual(['metadata.name']);
    expect(longName[0]!.message).toContain('custom_resource label');
    // 56 characters: a valid label, but <CR>-controller-config is too long for the config volume.
    const volume = problems((cr) => Object.assign(cr.metadata, { name: `p${'x'.repeat(55)}` }));
    expect(volume.map((p) => p.field)).toEqual(['spec.pinotNodeConfig[0].name', 'spec.pinotNodeConfig[1].name']);
    expect(volume[0]!.message).toContain('metadata.name');
    const huge = problems((cr) => (cr.spec.pinotNodeConfig[1].data = 'x'.repeat(1_100_000)));
    expect(huge.map((p) => p.field)).toEqual(['spec.pinotNodeConfig[1].data']);
    expect(huge[0]!.message).toContain('1 MiB');
  });
});
