// The README example of @dsoi/envtest; test/readme.test.ts runs it against real binaries.

import { startControlPlane } from '@dsoi/envtest';
import { CoreV1Api } from '@kubernetes/client-node';

const plane = await startControlPlane({
  crds: [], // CRD objects, YAML/JSON files or directories
  garbageCollector: false, // true adds kube-controller-manager (GC + namespace deletion)
});
try {
  const core = plane.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'hello' }, data: { greeting: 'hi' } },
  });
  const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'hello' });
  console.log(read.data?.greeting, plane.kubeconfigPath); // "hi" and a kubeconfig other processes can use
} finally {
  await plane.stop(); // kills etcd and kube-apiserver by PID and removes the temp dir
}
