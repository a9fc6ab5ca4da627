/** Issue 18: two nodes whose derived child names collide are refused before any write, naming spec.nodes. */
import { expect, it } from 'vitest';
import { minimalPinot } from './fixtures.ts';
import { eventsOf, exists, pinotFixture, read, types } from './harness.ts';

const { admin, namespace, startOperator } = pinotFixture();

it('refuses node a with k8sConfig b-c beside node a-b with c (both derive a-b-c-svc) before writing any child', async () => {
  const ns = await namespace('collide');
  const cluster = minimalPinot(ns);
  cluster.spec.k8sConfig[0].name = 'b-c';
  cluster.spec.k8sConfig[1].name = 'c';
  cluster.spec.nodes[0] = { ...cluster.spec.nodes[0], name: 'a', k8sConfig: 'b-c' };
  cluster.spec.nodes[1] = { ...cluster.spec.nodes[1], name: 'a-b', k8sConfig: 'c' };
  await admin.create(cluster);
  // The state the test is named after: the API server accepted both nodes, whose names derive the same Service.
  const stored = await read(admin, types.pinot, ns, 'pinot-simple');
  expect(stored.spec.nodes.map((n: any) => `${n.name}-${n.k8sConfig}-svc`)).toEqual(['a-b-c-svc', 'a-b-c-svc']);

  await startOperator({ watchNamespaces: [ns] });
  const ready = async () =>
    (await read(admin, types.pinot, ns, 'pinot-simple')).status?.conditions?.find((c: any) => c.type === 'Ready');
  await expect.poll(async () => (await ready())?.reason, { timeout: 20_000, interval: 200 }).toBe('InvalidSpec');
  expect((await ready()).message).toContain('spec.nodes');
  await expect
    .poll(async () => (await eventsOf(admin, ns, 'pinot-simple')).find((e) => e.reason === 'InvalidSpec')?.note, {
      timeout: 10_000,
      interval: 200,
    })
    .toContain('a-b-c-svc');
  for (const [type, name] of [
    [types.service, 'a-b-c-svc'],
    [types.statefulSet, 'a-b-c'],
    [types.deployment, 'a-b-c'],
  ] as const) {
    expect(await exists(admin, type, ns, name), `${type.kind} ${name}`).toBe(false);
  }
});
