// The README example of @dsoi/reconcile: a Widget owns one ConfigMap per entry of spec.files.
// test/readme.test.ts runs it against a real API server.

import type { KubeObject } from '@dsoi/object';
import { createManager, done, reconcileChildren, shutdownSignal } from '@dsoi/reconcile';
import { generationChanged } from '@dsoi/reconcile/controller';
import { KubeConfig } from '@kubernetes/client-node';

type Widget = KubeObject & {
  metadata: { name: string; namespace: string; uid: string };
  spec: { files?: Record<string, string> };
};

const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const manager = createManager({ name: 'widget-operator', kubeConfig });

manager.addController<Widget>({
  name: 'widget',
  for: { apiVersion: 'example.dsoi.io/v1', kind: 'Widget' },
  owns: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
  namespace: process.env.WATCH_NAMESPACE, // unset: every namespace
  predicates: [generationChanged],
  reconciler: async ({ object, cache, signal }) => {
    if (!object) return done(); // deleted: the owner references let the garbage collector clean up
    const desired = Object.entries(object.spec.files ?? {}).map(([file, text]) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { [file]: text },
      metadata: { name: `${object.metadata.name}-${file}`, namespace: object.metadata.namespace },
    }));
    await reconcileChildren({ owner: object, desired, client: manager.client, cache, signal });
    return done();
  },
});
await manager.start(shutdownSignal()); // Ctrl-C drains in-flight reconciles, then exits
