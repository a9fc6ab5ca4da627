/**
 * Section 5 fix 33 (and 9): DENY_LIST, WATCH_NAMESPACE and the paused annotation are honoured on watch events and on
 * periodic re-checks alike (the Go operator had no predicates at all).
 */
import { describe, expect, it } from 'vitest';
import { eventually, example, parseableFixture, patchSpec, read, sleep, types, waitFor } from './harness.ts';

const { admin, namespace, startOperator, operatorNamespace } = parseableFixture();

const deployment = 'parseable-server-parseable-server';

describe('ParseableTenant filters', () => {
  it('reconciles only WATCH_NAMESPACE namespaces and never DENY_LIST ones', async () => {
    const [allowed, denied, outside] = await Promise.all(['pt-allow', 'pt-deny', 'pt-out'].map((p) => namespace(p)));
    await startOperator({ watchNamespaces: [allowed!, denied!], denyList: [denied!] });
    for (const ns of [allowed!, denied!, outside!]) await admin.apply(example('parseable-ephemeral.yaml', ns));
    await waitFor(admin, types.deployment, allowed!, deployment);
    await sleep(2_500); // more than two RECONCILE_WAIT periods
    for (const ns of [denied!, outside!]) {
      expect(await read(admin, types.configMap, ns, 'parseable-server-parseable-server-config')).toBeUndefined();
      expect((await read(admin, types.tenant, ns, 'parseable')).status).toBeUndefined();
    }
  });

  it('pauses a reconciled tenant with dsoi.io/paused, periodic re-checks and child events included', async () => {
    const ns = await operatorNamespace('pt-pause');
    await admin.apply(example('parseable-ephemeral.yaml', ns));
    await waitFor(admin, types.deployment, ns, deployment);
    await admin.patch(
      { ...types.tenant, namespace: ns, name: 'parseable' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': 'true' } } } },
    );
    await sleep(300);
    const tenant = await read(admin, types.tenant, ns, 'parseable');
    const nodes = tenant.spec.nodes.map((n: object) => ({ ...n, replicas: 3 }));
    await patchSpec(admin, ns, 'parseable', { nodes });
    // A hand edit of a child wakes the tenant through its ownerReference; paused, it is not repaired either.
    const configMap = { ...types.configMap, namespace: ns, name: 'parseable-server-parseable-server-config' };
    await admin.patch(configMap, { type: 'merge', body: { data: { P_FS_DIR: 'hand-edited' } } });
    await sleep(2_500); // more than two RECONCILE_WAIT periods
    expect((await read(admin, types.deployment, ns, deployment)).spec.replicas).toBe(1);
    expect((await admin.get<any>(configMap)).data.P_FS_DIR).toBe('hand-edited');

    await admin.patch(
      { ...types.tenant, namespace: ns, name: 'parseable' },
      { type: 'merge', body: { metadata: { annotations: { 'dsoi.io/paused': null } } } },
    );
    await eventually(
      async () => (await read(admin, types.deployment, ns, deployment)).spec.replicas === 3,
      'resumed: replicas 3',
    );
    await eventually(
      async () => (await admin.get<any>(configMap)).data.P_FS_DIR === './data',
      'resumed: drift repaired',
    );
  });
});
