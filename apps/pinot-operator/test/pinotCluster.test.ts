import { describe, expect, it } from 'vitest';
import { minimalPinot } from './fixtures.ts';
import { eventsOf, exists, markReady, pinotFixture, read, types } from './harness.ts';

const { admin, namespace, startOperator, operatorNamespace } = pinotFixture();

const labels = (type: string, cfg: string) => ({
  app: 'pinot',
  custom_resource: 'pinot-simple',
  nodeType: type,
  pinotConfigGroup: cfg,
  k8sConfigGroup: cfg,
});
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 200 });
const setSpec = (ns: string, spec: unknown) =>
  admin.patch({ ...types.pinot, namespace: ns, name: 'pinot-simple' }, { type: 'merge', body: { spec } });
const condition = (pinot: any, type: string) => pinot.status?.conditions?.find((c: any) => c.type === type);

describe('Pinot cluster controller', () => {
  it('creates every child in the first pass, with the Go names, labels and ownerRefs, and reports status (scenarios 1-4)', async () => {
    const ns = await operatorNamespace('pinot');
    const cr = await admin.create(minimalPinot(ns));
    const children = [
      [types.configMap, 'pinot-simple-controller-config'],
      [types.configMap, 'pinot-simple-broker-config'],
      [types.service, 'pinot-controller-controller-svc'],
      [types.service, 'pinot-broker-broker-svc'],
      [types.statefulSet, 'pinot-controller-controller'],
      [types.deployment, 'pinot-broker-broker'],
    ] as const;
    // No workload status is ever patched: the first install is not gated.
    for (const [type, name] of children) await poll(() => exists(admin, type, ns, name)).toBe(true);
    for (const [type, name] of children) {
      const child = await read(admin, type, ns, name);
      expect(child.metadata.labels).toMatchObject({ app: 'pinot', custom_resource: 'pinot-simple' });
      expect(child.metadata.annotations['dsoi.io/desired-hash']).toMatch(/^[0-9a-f]{32}$/);
      expect(child.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Pinot', name: 'pinot-simple', uid: cr.metadata?.uid, controller: true }),
      ]);
    }
    const controllerCm = await read(admin, types.configMap, ns, 'pinot-simple-controller-config');
    expect(controllerCm.data).toEqual({
      'pinot-controller.conf':
        'controller.port=9000\ncontroller.helix.cluster.name=pinot-simple\ncontroller.zk.str=zk-headless.pinot:2181',
    });
    expect((await read(admin, types.configMap, ns, 'pinot-simple-broker-config')).data).toEqual({
      'pinot-broker.conf': 'pinot.broker.client.queryPort=8099',
    });

    const sts = await read(admin, types.statefulSet, ns, 'pinot-controller-controller');
    expect(sts.spec.serviceName).toBe('pinot-controller-controller-svc');
    expect(sts.spec.selector.matchLabels).toEqual(labels('controller', 'controller'));
    expect(sts.spec.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['pinot-controller-pvc']);
    const container = sts.spec.template.spec.containers[0];
    expect(container.name).toBe('pinot-controller-controller');
    expect(container.args).toEqual([
      'StartController',
      '-configFileName',
      '/var/pinot/controller/config/pinot-controller.conf',
    ]);
    expect(container.env.map((e: any) => e.name)).toEqual(['LOG4J_CONSOLE_LEVEL', 'JAVA_OPTS']);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/var/pinot/controller/data',
      '/var/pinot/controller/config',
    ]);
    expect(container.readinessProbe.httpGet.path).toBe('/health');
    expect(sts.spec.template.metadata.annotations['checksum.dsoi.io/configmap-pinot-simple-controller-config']).toMatch(
      /^[0-9a-f]{32}$/,
    );

    const broker = await read(admin, types.deployment, ns, 'pinot-broker-broker');
    expect(broker.spec.template.spec.containers[0].args).toEqual([
      'StartBroker',
      '-clusterName',
      'pinot-simple',
      '-zkAddress',
      'zk-headless.pinot:2181',
      '-configFileName',
      '/var/pinot/broker/config/pinot-broker.conf',
    ]);
    // Bug 13 fixed: the Deployment selects its own node's pods, not every pod of the CR.
    expect(broker.spec.selector.matchLabels).toEqual(labels('broker', 'broker'));
    const svc = await read(admin, types.service, ns, 'pinot-broker-broker-svc');
    expect(svc.spec).toMatchObject({
      clusterIP: 'None',
      ports: [expect.objectContaining({ name: 'broker', port: 8099 })],
      selector: labels('broker', 'broker'),
    });

    // One Created Event for the install, naming every child it created.
    const createdNotes = async () =>
      (await eventsOf(admin, ns, 'pinot-simple'))
        .filter((e) => e.type === 'Normal' && e.reason === 'Created')
        .map((e) => e.note);
    await poll(createdNotes).toHaveLength(1);
    const created = await createdNotes();
    expect(created[0]).toMatch(/^created \d+ children: /);
    expect(created[0]).toContain('StatefulSet pinot-controller-controller');
    const pinot = await poll(
      async () => (await read(admin, types.pinot, ns, 'pinot-simple')).status?.observedGeneration,
    ).toBe(1);
    void pinot;
    const status = (await read(admin, types.pinot, ns, 'pinot-simple')).status;
    expect(condition({ status }, 'Ready')).toMatchObject({ status: 'False', reason: 'RolloutInProgress' });
    expect(condition({ status }, 'Progressing')).toMatchObject({ status: 'True' });
    expect(status.rolloutStartTime).toBeDefined();
  });

  it('rolls only the workload whose config changed, and rolls workloads one at a time in deploymentOrder (scenario 7, rollout rule)', async () => {
    const ns = await operatorNamespace('roll');
    await admin.create(minimalPinot(ns));
    await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);
    await markReady(types.statefulSet, ns, 'pinot-controller-controller');
    await markReady(types.deployment, ns, 'pinot-broker-broker');
    await poll(async () => condition(await read(admin, types.pinot, ns, 'pinot-simple'), 'Ready')?.status).toBe('True');
    const brokerBefore = await read(admin, types.deployment, ns, 'pinot-broker-broker');
    const stsBefore = await read(admin, types.statefulSet, ns, 'pinot-controller-controller');

    // A config change of the controller group: its ConfigMap and StatefulSet change, the broker does not.
    const pinot = await read(admin, types.pinot, ns, 'pinot-simple');
    pinot.spec.pinotNodeConfig[0].data = 'controller.port=9000\ncontroller.task.scheduler.enabled=true';
    await setSpec(ns, pinot.spec);
    await poll(
      async () =>
        (await read(admin, types.configMap, ns, 'pinot-simple-controller-config')).data['pinot-controller.conf'],
    ).toContain('scheduler');
    await poll(
      async () => (await read(admin, types.statefulSet, ns, 'pinot-controller-controller')).metadata.generation,
    ).toBe(stsBefore.metadata.generation + 1);
    const stsAfter = await read(admin, types.statefulSet, ns, 'pinot-controller-controller');
    const key = 'checksum.dsoi.io/configmap-pinot-simple-controller-config';
    expect(stsAfter.spec.template.metadata.annotations[key]).not.toBe(
      stsBefore.spec.template.metadata.annotations[key],
    );
    const brokerAfter = await read(admin, types.deployment, ns, 'pinot-broker-broker');
    expect(brokerAfter.metadata.generation).toBe(brokerBefore.metadata.generation);
    expect(brokerAfter.metadata.annotations['dsoi.io/desired-hash']).toBe(
      brokerBefore.metadata.annotations['dsoi.io/desired-hash'],
    );
    await poll(
      async () => (await eventsOf(admin, ns, 'pinot-simple')).filter((e) => e.reason === 'Updated').length,
    ).toBeGreaterThanOrEqual(2);

    // Now a change of both images: the controller rolls first; the broker waits until the controller is ready.
    await markReady(types.statefulSet, ns, 'pinot-controller-controller');
    const next = await read(admin, types.pinot, ns, 'pinot-simple');
    for (const k of next.spec.k8sConfig) k.image = 'apachepinot/pinot:1.2.0';
    await setSpec(ns, next.spec);
    const image = async (type: typeof types.statefulSet | typeof types.deployment, name: string) =>
      (await read(admin, type, ns, name)).spec.template.spec.containers[0].image;
    await poll(() => image(types.statefulSet, 'pinot-controller-controller')).toBe('apachepinot/pinot:1.2.0');
    await poll(async () => condition(await read(admin, types.pinot, ns, 'pinot-simple'), 'Progressing')?.reason).toBe(
      'RolloutBlocked',
    );
    const blocked = await read(admin, types.pinot, ns, 'pinot-simple');
    expect(condition(blocked, 'Progressing').message).toContain('node pinot-broker');
    expect(condition(blocked, 'Progressing').message).toContain('waits for node pinot-controller');
    expect(blocked.status.waitingOn).toContain('pinot-controller');
    expect(await image(types.deployment, 'pinot-broker-broker')).toBe('apachepinot/pinot:latest');

    await markReady(types.statefulSet, ns, 'pinot-controller-controller');
    await poll(() => image(types.deployment, 'pinot-broker-broker')).toBe('apachepinot/pinot:1.2.0');
    await markReady(types.deployment, ns, 'pinot-broker-broker');
    await poll(async () => condition(await read(admin, types.pinot, ns, 'pinot-simple'), 'Ready')?.status).toBe('True');
    const done = await read(admin, types.pinot, ns, 'pinot-simple');
    expect(Date.parse(done.status.rolloutFinishTime)).toBeGreaterThanOrEqual(Date.parse(done.status.rolloutStartTime));
    expect(done.status.waitingOn).toBeUndefined();
  });

  it('updates only the changed Service, and scales a node without touching the others (scenarios 8, 10)', async () => {
    const ns = await operatorNamespace('scale');
    await admin.create(minimalPinot(ns));
    await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);
    await markReady(types.statefulSet, ns, 'pinot-controller-controller');
    const before = {
      sts: await read(admin, types.statefulSet, ns, 'pinot-controller-controller'),
      broker: await read(admin, types.deployment, ns, 'pinot-broker-broker'),
      controllerSvc: await read(admin, types.service, ns, 'pinot-controller-controller-svc'),
    };
    const pinot = await read(admin, types.pinot, ns, 'pinot-simple');
    pinot.spec.k8sConfig[1].service.ports.push({ name: 'admin', port: 8097, targetPort: 8097 });
    pinot.spec.nodes[1].replicas = 3;
    await setSpec(ns, pinot.spec);
    await poll(async () => (await read(admin, types.service, ns, 'pinot-broker-broker-svc')).spec.ports.length).toBe(2);
    await poll(async () => (await read(admin, types.deployment, ns, 'pinot-broker-broker')).spec.replicas).toBe(3);
    const svc = await read(admin, types.service, ns, 'pinot-broker-broker-svc');
    expect(svc.spec.selector).toEqual(labels('broker', 'broker'));
    const broker = await read(admin, types.deployment, ns, 'pinot-broker-broker');
    expect(broker.spec.template).toEqual(before.broker.spec.template);
    expect((await read(admin, types.statefulSet, ns, 'pinot-controller-controller')).metadata.generation).toBe(
      before.sts.metadata.generation,
    );
    expect((await read(admin, types.service, ns, 'pinot-controller-controller-svc')).metadata.resourceVersion).toBe(
      before.controllerSvc.metadata.resourceVersion,
    );
  });

  it('prunes the children of a removed node and repairs drift on the child event (bug 4, decision: deletion)', async () => {
    const ns = await operatorNamespace('prune');
    await admin.create(minimalPinot(ns));
    await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);

    // Drift: someone edits the controller Service by hand; the Service event brings it back.
    await admin.patch(
      { ...types.service, namespace: ns, name: 'pinot-controller-controller-svc' },
      { type: 'merge', body: { spec: { selector: { app: 'other' } } } },
    );
    await poll(
      async () => (await read(admin, types.service, ns, 'pinot-controller-controller-svc')).spec.selector.app,
    ).toBe('pinot');

    const pinot = await read(admin, types.pinot, ns, 'pinot-simple');
    pinot.spec.nodes = pinot.spec.nodes.filter((n: any) => n.name !== 'pinot-broker');
    pinot.spec.k8sConfig = pinot.spec.k8sConfig.filter((k: any) => k.name !== 'broker');
    pinot.spec.pinotNodeConfig = pinot.spec.pinotNodeConfig.filter((k: any) => k.name !== 'broker');
    await setSpec(ns, pinot.spec);
    await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(false);
    await poll(() => exists(admin, types.service, ns, 'pinot-broker-broker-svc')).toBe(false);
    await poll(() => exists(admin, types.configMap, ns, 'pinot-simple-broker-config')).toBe(false);
    expect(await exists(admin, types.statefulSet, ns, 'pinot-controller-controller')).toBe(true);
    expect((await eventsOf(admin, ns, 'pinot-simple')).some((e) => e.reason === 'Deleted')).toBe(true);
  });

  it('reports bad input as a Warning event and a condition naming the field, and keeps reconciling other CRs (bugs 8, 10, 11, 14)', async () => {
    const ns = await operatorNamespace('bad');
    const bad = minimalPinot(ns, 'bad-storage');
    bad.spec.nodes[1].k8sConfig = 'controller'; // a Deployment with the controller's storageConfig
    await admin.create(bad);
    const noZk = minimalPinot(ns, 'no-zk');
    delete noZk.spec.external;
    await admin.create(noZk);
    await admin.create(minimalPinot(ns, 'good'));

    await poll(async () => condition(await read(admin, types.pinot, ns, 'bad-storage'), 'Degraded')?.reason).toBe(
      'InvalidSpec',
    );
    const badStatus = await read(admin, types.pinot, ns, 'bad-storage');
    expect(condition(badStatus, 'Degraded').message).toContain('spec.nodes[1] (pinot-broker)');
    expect(condition(badStatus, 'Degraded').message).toContain('storage');
    expect(condition(badStatus, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    await poll(async () =>
      (await eventsOf(admin, ns, 'bad-storage')).some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'),
    ).toBe(true);
    await poll(async () => condition(await read(admin, types.pinot, ns, 'no-zk'), 'Degraded')?.message).toContain(
      'spec.external.zookeeper.spec.zkAddress',
    );
    expect(await exists(admin, types.configMap, ns, 'no-zk-controller-config')).toBe(false);
    await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker')).toBe(true);
  });

  it('honours DENY_LIST and the paused annotation on periodic re-checks too (scenario 15, bug 9)', async () => {
    const allowed = await namespace('allowed');
    const denied = await namespace('denied');
    await startOperator({ watchNamespaces: [allowed, denied], denyList: [denied] });
    await admin.create(minimalPinot(denied));
    await admin.create(minimalPinot(allowed));
    await poll(() => exists(admin, types.deployment, allowed, 'pinot-broker-broker')).toBe(true);

    // Pause the allowed CR after it converged; a deleted child is not brought back while paused.
    await admin.patch(
      { ...types.pinot, namespace: allowed, name: 'pinot-simple' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': 'true' } } } },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.delete({ ...types.configMap, namespace: allowed, name: 'pinot-simple-broker-config' });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three RECONCILE_WAIT intervals
    expect(await exists(admin, types.configMap, allowed, 'pinot-simple-broker-config')).toBe(false);
    expect(
      (await admin.list(types.configMap, { namespace: denied })).items.filter((c) =>
        c.metadata?.name?.startsWith('pinot-simple'),
      ),
    ).toEqual([]);
    expect((await read(admin, types.pinot, denied, 'pinot-simple')).status).toBeUndefined();

    await admin.patch(
      { ...types.pinot, namespace: allowed, name: 'pinot-simple' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': null } } } },
    );
    await poll(() => exists(admin, types.configMap, allowed, 'pinot-simple-broker-config')).toBe(true);
  });
});
