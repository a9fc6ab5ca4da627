/** Realistic objects for benchmarks: a ~5 KB StatefulSet and a ~50 KB ConfigMap, deterministic. */

/** The Pinot server container of {@link statefulSet}: 45 env vars, ports, resources, probes, mounts. */
function serverContainer(index: number): Record<string, unknown> {
  const env = Array.from({ length: 45 }, (_, i) => ({
    name: `PINOT_SETTING_${i}`,
    value: `value-${index}-${i}-${'x'.repeat(20)}`,
  }));
  return {
    name: 'server',
    image: 'apachepinot/pinot:1.2.0',
    args: [
      'StartServer',
      '-clusterName',
      'pinot',
      '-zkAddress',
      'zookeeper:2181',
      '-configFileName',
      '/var/pinot/server/config/pinot-server.conf',
    ],
    env,
    ports: [
      { name: 'netty', containerPort: 8098 },
      { name: 'admin', containerPort: 8097 },
    ],
    resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '16Gi' } },
    readinessProbe: { httpGet: { path: '/health', port: 8097 }, initialDelaySeconds: 10, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: '/health', port: 8097 }, initialDelaySeconds: 60, periodSeconds: 10 },
    volumeMounts: [
      { name: 'data', mountPath: '/var/pinot/server/data' },
      { name: 'config', mountPath: '/var/pinot/server/config' },
    ],
  };
}

/** A StatefulSet of about 5 KB of JSON, like a Pinot server's. */
export function statefulSet(index: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: `pinot-server-${index}`,
      namespace: 'pinot',
      labels: {
        app: 'pinot',
        custom_resource: 'pinot',
        nodeType: 'server',
        pinotConfigGroup: 'server',
        k8sConfigGroup: 'server',
      },
      annotations: { 'dsoi.io/desired-hash': '0'.repeat(32) },
      ownerReferences: [
        {
          apiVersion: 'datainfra.io/v1beta1',
          kind: 'Pinot',
          name: 'pinot',
          uid: '8a6e2f59-3b1c-4c0e-9d7a-2f1e0b6c4d3a',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 3,
      serviceName: 'pinot-server-svc',
      selector: { matchLabels: { app: 'pinot', custom_resource: 'pinot', nodeType: 'server' } },
      template: {
        metadata: {
          labels: { app: 'pinot', nodeType: 'server' },
          annotations: { 'checksum.dsoi.io/configmap-pinot-server-config': 'f'.repeat(32) },
        },
        spec: {
          containers: [serverContainer(index)],
          volumes: [{ name: 'config', configMap: { name: 'pinot-server-config' } }],
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'pinot', effect: 'NoSchedule' }],
          nodeSelector: { 'node.kubernetes.io/instance-type': 'r6i.2xlarge' },
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '500Gi' } },
            storageClassName: 'gp3',
          },
        },
      ],
    },
  };
}

/** A ConfigMap of about 50 KB of JSON: a large application config file. */
export function configMap(index: number): Record<string, unknown> {
  const lines = Array.from({ length: 900 }, (_, i) => `pinot.server.instance.setting${i}=value-${index}-${i}`);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `pinot-server-config-${index}`, namespace: 'pinot', labels: { app: 'pinot' } },
    data: { 'pinot-server.conf': lines.join('\n') },
  };
}
