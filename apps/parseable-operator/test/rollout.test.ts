/**
 * Section 5 fixes 30-32: every node type of deploymentOrder is reconciled, one at a time in that order; `external`
 * reaches the pods; a parseableConfig change rolls exactly the nodes that use it, whatever they are called.
 */
import { describe, expect, it } from 'vitest';
import {
  conditionOf,
  eventually,
  example,
  markReady,
  parseableFixture,
  read,
  sleep,
  types,
  waitFor,
} from './harness.ts';

const { admin, operatorNamespace } = parseableFixture();

const extChecksum = 'checksum.dsoi.io/configmap-parseable-ext';
const image = (workload: any) => workload.spec.template.spec.containers[0].image;

describe('ParseableTenant rollout', () => {
  it('creates every node type at once, then rolls a change out in deploymentOrder, waiting for readiness (31)', async () => {
    const ns = await operatorNamespace('pt-order');
    const tenant = example('parseable-distributed-s3.yaml', ns);
    await admin.apply(tenant);
    // The Go operator built only the nodes of deploymentOrder[0]; both types exist after the first pass now.
    const ingestor = await waitFor(admin, types.statefulSet, ns, 'ingestor-ingestor');
    const querier = await waitFor(admin, types.deployment, ns, 'querier-querier');
    expect(ingestor.spec.replicas).toBe(2);
    expect(querier.spec.replicas).toBe(1);
    await markReady(types.statefulSet, ns, 'ingestor-ingestor');
    await markReady(types.deployment, ns, 'querier-querier');
    await eventually(async () => (await conditionOf(admin, ns, 'parseable', 'Ready'))?.status === 'True', 'Ready');

    // Upgrade both nodes: the ingestor (step 0) goes first, the querier waits until it is ready again.
    for (const k8s of tenant.spec.k8sConfig) k8s.image = 'parseable/parseable:v1.1.0';
    await admin.apply(tenant);
    await eventually(
      async () => image(await read(admin, types.statefulSet, ns, 'ingestor-ingestor')) === 'parseable/parseable:v1.1.0',
      'ingestor upgraded',
    );
    const blocked = await eventually(async () => {
      const condition = await conditionOf(admin, ns, 'parseable', 'Progressing');
      return condition?.reason === 'RolloutBlocked' && condition;
    }, 'RolloutBlocked');
    expect(blocked.message).toContain('node querier (querier-querier) waits for node ingestor (ingestor-ingestor)');
    expect((await read(admin, types.tenant, ns, 'parseable')).status.waitingOn).toContain('node ingestor');
    await sleep(2_500); // two RECONCILE_WAIT periods: the querier stays put
    const waiting = await read(admin, types.deployment, ns, 'querier-querier');
    expect(image(waiting)).toBe('parseable/parseable:v1.0.0');
    expect(waiting.metadata.generation).toBe(querier.metadata.generation);

    await markReady(types.statefulSet, ns, 'ingestor-ingestor');
    await eventually(
      async () => image(await read(admin, types.deployment, ns, 'querier-querier')) === 'parseable/parseable:v1.1.0',
      'querier upgraded',
    );
  });

  it('puts the object store settings in <tenant>-ext, in every pod, and rolls the pods when they change (30)', async () => {
    const ns = await operatorNamespace('pt-ext');
    const tenant = example('parseable-distributed-s3.yaml', ns);
    await admin.apply(tenant);
    const ext = await waitFor(admin, types.configMap, ns, 'parseable-ext');
    expect(ext.data).toEqual({
      P_S3_URL: 'https://s3.us-east-1.amazonaws.com',
      P_S3_BUCKET: 'parseable-logs',
      P_S3_REGION: 'us-east-1',
    });
    expect(ext.metadata.ownerReferences?.[0]?.kind).toBe('ParseableTenant');
    const sts = await waitFor(admin, types.statefulSet, ns, 'ingestor-ingestor');
    const deploy = await waitFor(admin, types.deployment, ns, 'querier-querier');
    for (const [workload, config] of [
      [sts, 'ingestor-ingest'],
      [deploy, 'querier-query'],
    ] as const) {
      expect(workload.spec.template.spec.containers[0].envFrom).toEqual([
        { configMapRef: { name: 'parseable-ext' } },
        { configMapRef: { name: config } },
      ]);
    }
    const before = sts.spec.template.metadata.annotations[extChecksum];
    expect(before).toBe(deploy.spec.template.metadata.annotations[extChecksum]);
    await markReady(types.statefulSet, ns, 'ingestor-ingestor');
    await markReady(types.deployment, ns, 'querier-querier');

    tenant.spec.external.objectStore.spec.data = 'P_S3_URL=https://minio.minio:9000\nP_S3_BUCKET=logs\n';
    await admin.apply(tenant);
    await eventually(
      async () => (await read(admin, types.configMap, ns, 'parseable-ext')).data.P_S3_BUCKET === 'logs',
      'ext updated',
    );
    const rolled = await eventually(async () => {
      const live = await read(admin, types.statefulSet, ns, 'ingestor-ingestor');
      return live.spec.template.metadata.annotations[extChecksum] !== before && live;
    }, 'ingestor pods roll');
    await markReady(types.statefulSet, ns, 'ingestor-ingestor');
    await eventually(async () => {
      const live = await read(admin, types.deployment, ns, 'querier-querier');
      return (
        live.spec.template.metadata.annotations[extChecksum] === rolled.spec.template.metadata.annotations[extChecksum]
      );
    }, 'querier pods roll');
  });

  it('rolls the pods of the nodes whose parseableConfig changed, and only those (32)', async () => {
    const ns = await operatorNamespace('pt-cfg');
    const tenant = example('parseable-multi-nodes.yaml', ns);
    // Node names differ from the tenant name (the Go operator restarted pods only when they were equal).
    tenant.spec.parseableConfig.push({
      name: 'medium-config',
      cliArgs: ['local-store'],
      env: { P_ADDR: '0.0.0.0:8001' },
    });
    tenant.spec.nodes[1].parseableConfig = 'medium-config';
    await admin.apply(tenant);
    const small = await waitFor(admin, types.deployment, ns, 'parseable-server-small-parseable-small');
    const medium = await waitFor(admin, types.deployment, ns, 'parseable-server-medium-parseable-medium');
    expect(medium.spec.template.spec.containers[0].ports).toMatchObject([{ containerPort: 8001 }]);
    await markReady(types.deployment, ns, small.metadata.name);
    await markReady(types.deployment, ns, medium.metadata.name);
    // A password given in the config (as the Go samples do) goes to the node's Secret, whose checksum rolls the pods.
    const key = 'checksum.dsoi.io/secret-parseable-small-parseable-server-config';
    expect(small.spec.template.metadata.annotations[key]).toBeUndefined();

    tenant.spec.parseableConfig[0].env.P_PASSWORD = 'changed';
    await admin.apply(tenant);
    const secret = await waitFor(admin, types.secret, ns, 'parseable-small-parseable-server-config');
    expect(secret.data).toEqual({ P_PASSWORD: Buffer.from('changed').toString('base64') });
    expect(
      (await read(admin, types.configMap, ns, 'parseable-small-parseable-server-config')).data.P_PASSWORD,
    ).toBeUndefined();
    const rolled = await eventually(async () => {
      const live = await read(admin, types.deployment, ns, small.metadata.name);
      return live.spec.template.metadata.annotations[key] !== small.spec.template.metadata.annotations[key] && live;
    }, 'small node rolls');
    expect(rolled.metadata.generation).toBeGreaterThan(small.metadata.generation);
    await sleep(1_500);
    expect((await read(admin, types.deployment, ns, medium.metadata.name)).metadata.generation).toBe(
      medium.metadata.generation,
    );
  });
});
