/**
 * Issue 18, item 5: a Pinot CR's privileged pass-through (a hostPath volume, a hostPort, Service externalIPs, a
 * ServiceAccount) is refused by field with no child written, unless the operator runs with allowPrivilegedPods
 * (`--allow-privileged-pods`).
 */
import { expect, it } from 'vitest';
import { minimalPinot } from './fixtures.ts';
import { eventsOf, exists, pinotFixture, poll, read, ready, types } from './harness.ts';

const { admin, namespace, startOperator } = pinotFixture();

const refusedFields = [
  'spec.k8sConfig[0].volumes[0].hostPath',
  'spec.k8sConfig[0].port[0].hostPort',
  'spec.k8sConfig[1].service.externalIPs',
  'spec.k8sConfig[1].serviceAccountName',
];

/** The minimal cluster with every privileged setting the Pinot CRD can carry. */
async function privilegedPinot(ns: string): Promise<void> {
  const cluster = minimalPinot(ns) as any;
  const [controller, broker] = cluster.spec.k8sConfig;
  controller.volumes = [{ name: 'node-root', hostPath: { path: '/' } }];
  controller.volumeMount = [{ name: 'node-root', mountPath: '/host' }];
  controller.port[0].hostPort = 9000;
  broker.service.externalIPs = ['198.51.100.7'];
  broker.serviceAccountName = 'pinot-admin';
  await admin.create(cluster);
  // The state the test is named after: the API server kept every privileged field (the CRD passes them through).
  const stored = await read(admin, types.pinot, ns, 'pinot-simple');
  expect(stored.spec.k8sConfig[0].volumes[0].hostPath).toEqual({ path: '/' });
  expect(stored.spec.k8sConfig[0].port[0].hostPort).toBe(9000);
  expect(stored.spec.k8sConfig[1].service.externalIPs).toEqual(['198.51.100.7']);
  expect(stored.spec.k8sConfig[1].serviceAccountName).toBe('pinot-admin');
}

const children = [
  [types.configMap, 'pinot-simple-controller-config'],
  [types.service, 'pinot-controller-controller-svc'],
  [types.statefulSet, 'pinot-controller-controller'],
  [types.service, 'pinot-broker-broker-svc'],
  [types.deployment, 'pinot-broker-broker'],
] as const;

it('refuses privileged pass-through by field and writes no child', async () => {
  const ns = await namespace('pinot-priv');
  await privilegedPinot(ns);
  await startOperator({ watchNamespaces: [ns] });

  await poll(async () => ready(await read(admin, types.pinot, ns, 'pinot-simple'))?.reason).toBe('InvalidSpec');
  const message: string = ready(await read(admin, types.pinot, ns, 'pinot-simple')).message;
  // Every refused field, in spec order; the condition lists the first three and counts the rest.
  for (const field of refusedFields.slice(0, 3)) expect(message).toContain(field);
  expect(message).toContain('and 1 more');
  await poll(async () =>
    (await eventsOf(admin, ns, 'pinot-simple')).some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'),
  ).toBe(true);
  const note = (await eventsOf(admin, ns, 'pinot-simple')).find((e) => e.reason === 'InvalidSpec')!.note!;
  expect(note).toContain('spec.k8sConfig[0].volumes[0].hostPath');
  expect(note).toContain('--allow-privileged-pods');
  for (const value of ['198.51.100.7', 'pinot-admin']) expect(`${message} ${note}`).not.toContain(value);
  for (const [type, name] of children) {
    expect(await exists(admin, type, ns, name), `${type.kind} ${name}`).toBe(false);
  }
});

it('passes them through when the operator runs with allowPrivilegedPods', async () => {
  const ns = await namespace('pinot-priv-ok');
  await privilegedPinot(ns);
  await startOperator({ watchNamespaces: [ns], allowPrivilegedPods: true });

  await poll(() => exists(admin, types.deployment, ns, 'pinot-broker-broker'), 30_000).toBe(true);
  const sts = await read(admin, types.statefulSet, ns, 'pinot-controller-controller');
  expect(sts.spec.template.spec.volumes).toContainEqual(
    expect.objectContaining({ name: 'node-root', hostPath: expect.objectContaining({ path: '/' }) }),
  );
  expect(sts.spec.template.spec.containers[0].ports[0].hostPort).toBe(9000);
  const broker = await read(admin, types.deployment, ns, 'pinot-broker-broker');
  expect(broker.spec.template.spec.serviceAccountName).toBe('pinot-admin');
  expect((await read(admin, types.service, ns, 'pinot-broker-broker-svc')).spec.externalIPs).toEqual(['198.51.100.7']);
  expect(ready(await read(admin, types.pinot, ns, 'pinot-simple'))?.reason).not.toBe('InvalidSpec');
});
