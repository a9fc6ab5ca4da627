/** Spec section 6, scenarios 23 and 24: the Go project's samples give the Go operator's children, fixed. */
import { describe, expect, it } from 'vitest';
import {
  conditionOf,
  eventsOf,
  eventually,
  example,
  markReady,
  parseableFixture,
  read,
  types,
  waitFor,
} from './harness.ts';

const { admin, operatorNamespace } = parseableFixture();

const labels = (tenant: string, type: string, config: string, k8s: string) => ({
  app: 'parseable',
  custom_resource: tenant,
  nodeType: type,
  parseableConfig: config,
  k8sConfigGroup: k8s,
});

describe('ParseableTenant samples', () => {
  it('ephemeral sample: ConfigMap, Service and Deployment with the Go names, labels, envFrom and owner (23)', async () => {
    const ns = await operatorNamespace('pt-eph');
    const tenant = await admin.apply(example('parseable-ephemeral.yaml', ns));
    const uid = tenant.metadata.uid;
    const common = labels('parseable', 'server', 'parseable-server-config', 'parseable-server');

    const cm = await waitFor(admin, types.configMap, ns, 'parseable-server-parseable-server-config');
    expect(cm.data).toEqual({
      P_ADDR: '0.0.0.0:8000',
      P_STAGING_DIR: '/parseable/staging',
      P_FS_DIR: './data',
    });
    expect(cm.metadata.labels).toMatchObject(common);

    const svc = await waitFor(admin, types.service, ns, 'parseable-server-parseable-server');
    expect(svc.spec.selector).toEqual(common);
    expect(svc.spec.ports).toMatchObject([{ port: 80, targetPort: 8000, protocol: 'TCP' }]);

    const deploy = await waitFor(admin, types.deployment, ns, 'parseable-server-parseable-server');
    for (const child of [cm, svc, deploy]) {
      expect(child.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'parseable.io/v1beta1',
          kind: 'ParseableTenant',
          name: 'parseable',
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(child.metadata.annotations?.['dsoi.io/desired-hash']).toMatch(/^[0-9a-f]{32}$/);
    }
    const pod = deploy.spec.template.spec;
    const container = pod.containers[0];
    expect(container.name).toBe('parseable-server-server');
    expect(container.args).toEqual(['parseable', 'local-store']);
    expect(container.ports).toMatchObject([{ containerPort: 8000 }]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'parseable-server-parseable-server-config' } }]);
    // The example reads the admin user from the user's Secret: nothing to move, so the node gets no Secret.
    expect(container.env).toEqual([
      { name: 'P_USERNAME', valueFrom: { secretKeyRef: { name: 'parseable-admin', key: 'username' } } },
      { name: 'P_PASSWORD', valueFrom: { secretKeyRef: { name: 'parseable-admin', key: 'password' } } },
    ]);
    // Pod Security "restricted" (issue 18): the Go operator set only allowPrivilegeEscalation and the uid, gid and fsGroup.
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toEqual([
      { name: 'data-volume', mountPath: '/parseable/data' },
      { name: 'stage-volume', mountPath: '/parseable/staging' },
    ]);
    expect(container.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'Always',
    });
    expect(deploy.spec.selector.matchLabels).toEqual(common);
    expect(deploy.spec.template.metadata.annotations).toHaveProperty(
      'checksum.dsoi.io/configmap-parseable-server-parseable-server-config',
    );

    // One Normal Created event for the install, naming the children it created in its note (spec 5.1).
    const [created] = await eventually(async () => {
      const events = (await eventsOf(admin, ns, 'parseable')).filter((e) => e.reason === 'Created');
      return events.length === 1 && events;
    }, 'one Created event');
    expect(created!.note).toMatch(/^created \d+ children: /);
    expect(created!.note).toContain('Deployment parseable-server-parseable-server');

    // Not ready until the Deployment is; then Ready with the observed generation.
    expect((await conditionOf(admin, ns, 'parseable', 'Ready'))?.status).not.toBe('True');
    await markReady(types.deployment, ns, 'parseable-server-parseable-server');
    const ready = await eventually(async () => {
      const condition = await conditionOf(admin, ns, 'parseable', 'Ready');
      return condition?.status === 'True' && condition;
    }, 'Ready=True');
    expect(ready.observedGeneration).toBe(tenant.metadata.generation);
    const status = (await read(admin, types.tenant, ns, 'parseable')).status;
    expect(status.observedGeneration).toBe(tenant.metadata.generation);
    expect(status.rolloutFinishTime).toBeDefined();
  });

  it('persistent sample: StatefulSet with shared claims that are created first and not owned (24, fixed)', async () => {
    const ns = await operatorNamespace('pt-pers');
    await admin.apply(example('parseable-persistent.yaml', ns));
    const common = labels('parseable', 'server', 'parseable-server-config', 'parseable-server');

    const sts = await waitFor(admin, types.statefulSet, ns, 'parseable-server-parseable');
    expect(sts.spec.volumeClaimTemplates ?? []).toEqual([]);
    // The Go operator left serviceName empty; the node's Service governs the StatefulSet now.
    expect(sts.spec.serviceName).toBe('parseable-parseable-server');
    expect(sts.spec.selector.matchLabels).toEqual(common);
    const pod = sts.spec.template.spec;
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'stage-volume', persistentVolumeClaim: { claimName: 'parseable-parseable-server-stage-volume' } },
        { name: 'data-volume', persistentVolumeClaim: { claimName: 'parseable-parseable-server-data-volume' } },
      ]),
    );
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'stage-volume', mountPath: '/parseable/staging' },
      { name: 'data-volume', mountPath: '/parseable/data' },
    ]);
    // The Go operator's hash variable is gone (the config checksum is a pod-template annotation); the admin user
    // comes from the user's Secret.
    expect(pod.containers[0].env.map((e: { name: string }) => e.name)).toEqual(['P_USERNAME', 'P_PASSWORD']);
    expect(sts.spec.template.metadata.annotations).toHaveProperty(
      'checksum.dsoi.io/configmap-parseable-parseable-server-config',
    );
    await waitFor(admin, types.service, ns, 'parseable-parseable-server');
    await waitFor(admin, types.configMap, ns, 'parseable-parseable-server-config');

    for (const volume of ['stage-volume', 'data-volume']) {
      const claim = await waitFor(admin, types.claim, ns, `parseable-parseable-server-${volume}`);
      expect(claim.spec.resources.requests.storage).toBe('10Gi');
      expect(claim.metadata.labels).toMatchObject(common);
      // Retained by default: no ownerReference, so deleting the tenant never deletes the data.
      expect(claim.metadata.ownerReferences ?? []).toEqual([]);
      // Created before the workload that mounts it (the Go operator created them after).
      expect(Number(claim.metadata.resourceVersion)).toBeLessThan(Number(sts.metadata.resourceVersion));
    }
  });
});
