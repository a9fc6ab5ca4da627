// The README example of @dsoi/object; test/readme.test.ts runs it, so it cannot drift from the code.
import type { KubeObject, Live, ObjectRef } from '@dsoi/object';

interface CacheSpec {
  readonly replicas: number;
}
interface CacheStatus {
  readonly readyReplicas?: number;
}
// Your custom resource is the model narrowed by its spec and status, not a new shape.
type Cache = KubeObject<CacheSpec, CacheStatus>;

// A function that needs only metadata takes a Pick: any object fits, a Cache, a ConfigMap, a client-node model.
function refOf(object: Live<Pick<KubeObject, 'metadata'>>): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  return { apiVersion, kind, name: metadata.name, namespace: metadata.namespace, uid: metadata.uid };
}

const read: Live<Cache> = {
  apiVersion: 'example.com/v1',
  kind: 'Cache',
  metadata: { name: 'sessions', namespace: 'web', uid: 'c0ffee', resourceVersion: '7' },
  spec: { replicas: 3 },
  status: { readyReplicas: 2 },
};
console.log(refOf(read)); // { apiVersion: 'example.com/v1', kind: 'Cache', name: 'sessions', namespace: 'web', uid: 'c0ffee' }
console.log((read.spec?.replicas ?? 0) - (read.status?.readyReplicas ?? 0)); // 1
