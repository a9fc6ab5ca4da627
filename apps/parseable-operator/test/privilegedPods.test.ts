/**
 * Issue 18, item 5: a tenant's privileged pass-through (a hostPath volume, Service externalIPs, a ServiceAccount) is
 * refused by field with no child written, unless the operator runs with allowPrivilegedPods
 * (`--allow-privileged-pods`).
 */
import { expect, it } from 'vitest';
import { conditionOf, eventsOf, eventually, example, parseableFixture, read, types, waitFor } from './harness.ts';

const { admin, namespace, startOperator } = parseableFixture();

const refusedFields = [
  'spec.k8sConfig[0].volumes[2].hostPath',
  'spec.k8sConfig[0].service.externalIPs',
  'spec.k8sConfig[0].serviceAccountName',
];

/** The ephemeral example with every privileged setting the ParseableTenant CRD can carry. */
async function privilegedTenant(ns: string): Promise<void> {
  const tenant = example('parseable-ephemeral.yaml', ns);
  const k8s = tenant.spec.k8sConfig[0];
  k8s.volumes.push({ name: 'node-root', hostPath: { path: '/' } });
  k8s.volumeMount.push({ name: 'node-root', mountPath: '/host' });
  k8s.service.externalIPs = ['198.51.100.7'];
  k8s.serviceAccountName = 'parseable-admin-sa';
  await admin.create(tenant);
  // The state the test is named after: the API server kept every privileged field (the CRD passes them through).
  const stored = await read(admin, types.tenant, ns, 'parseable');
  expect(stored.spec.k8sConfig[0].volumes[2].hostPath).toEqual({ path: '/' });
  expect(stored.spec.k8sConfig[0].service.externalIPs).toEqual(['198.51.100.7']);
  expect(stored.spec.k8sConfig[0].serviceAccountName).toBe('parseable-admin-sa');
}

const children = [
  [types.configMap, 'parseable-server-parseable-server-config'],
  [types.service, 'parseable-server-parseable-server'],
  [types.deployment, 'parseable-server-parseable-server'],
] as const;

it('refuses privileged pass-through by field and writes no child', async () => {
  const ns = await namespace('pt-priv');
  await privilegedTenant(ns);
  await startOperator({ watchNamespaces: [ns] });

  const condition = await eventually(async () => {
    const ready = await conditionOf(admin, ns, 'parseable', 'Ready');
    return ready?.reason === 'InvalidSpec' && ready;
  }, 'Ready=False InvalidSpec');
  for (const field of refusedFields) expect(condition.message).toContain(field);
  const note = (
    await eventually(
      async () =>
        (await eventsOf(admin, ns, 'parseable')).find((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'),
      'the InvalidSpec Warning',
    )
  ).note!;
  expect(note).toContain('spec.k8sConfig[0].volumes[2].hostPath');
  expect(note).toContain('--allow-privileged-pods');
  for (const value of ['198.51.100.7', 'parseable-admin-sa'])
    expect(`${condition.message} ${note}`).not.toContain(value);
  for (const [type, name] of children) {
    expect(await read(admin, type, ns, name), `${type.kind} ${name}`).toBeUndefined();
  }
});

it('passes them through when the operator runs with allowPrivilegedPods', async () => {
  const ns = await namespace('pt-priv-ok');
  await privilegedTenant(ns);
  await startOperator({ watchNamespaces: [ns], allowPrivilegedPods: true });

  const deploy = await waitFor(admin, types.deployment, ns, 'parseable-server-parseable-server');
  expect(deploy.spec.template.spec.volumes).toContainEqual(
    expect.objectContaining({ name: 'node-root', hostPath: expect.objectContaining({ path: '/' }) }),
  );
  expect(deploy.spec.template.spec.serviceAccountName).toBe('parseable-admin-sa');
  const service = await read(admin, types.service, ns, 'parseable-server-parseable-server');
  expect(service.spec.externalIPs).toEqual(['198.51.100.7']);
  expect((await conditionOf(admin, ns, 'parseable', 'Ready'))?.reason).not.toBe('InvalidSpec');
});
