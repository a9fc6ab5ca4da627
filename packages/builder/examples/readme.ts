// The README example of @dsoi/builder; test/readme.test.ts runs it, so it cannot drift from the code.
import { buildNodeWorkload, recommendedLabels } from '@dsoi/builder';

const claim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } };
const server = buildNodeWorkload({
  node: { name: 'pinot-server', kind: 'Statefulset', replicas: 2 },
  namespace: 'pinot',
  owner: { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', metadata: { name: 'pinot-simple', uid: 'a1b2' } },
  selectorLabels: { app: 'pinot', custom_resource: 'pinot-simple', node: 'pinot-server' },
  labels: recommendedLabels({ name: 'pinot', instance: 'pinot-simple', managedBy: 'pinot-operator' }),
  k8sConfig: {
    image: 'apachepinot/pinot:1.2.0',
    service: { clusterIP: 'None', ports: [{ name: 'netty', port: 8098 }] },
    storage: [{ name: 'data', mountPath: '/var/pinot/data', spec: claim }],
  },
  appConfig: { data: { 'pinot-server.conf': 'pinot.server.netty.port=8098' }, mountPath: '/var/pinot/config' },
});
// [ 'ConfigMap/pinot-server-config', 'Service/pinot-server', 'StatefulSet/pinot-server' ]
console.log(server.objects.map((o) => `${o.kind}/${o.metadata.name}`));
// { 'checksum.dsoi.io/configmap-pinot-server-config': '<32 hex characters>' }: a config change rolls these pods
console.log(server.workload.spec.template.metadata?.annotations);
