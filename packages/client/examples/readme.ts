// The README example of @dsoi/client; test/readme.test.ts runs it against the test control plane.
import { createClient, loadKubeConfig } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';

const kubeConfig = await loadKubeConfig(); // KUBECONFIG, ~/.kube/config or the pod's service account
const client = createClient({ kubeConfig, fieldManager: 'pinot-operator' });

// Server-side apply: the object is this field manager's whole intent; fields it drops are removed.
const metadata = { name: 'broker-config', namespace: 'default' };
const applied = await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'timeout.ms': '60000' } });
console.log(applied.metadata.resourceVersion); // e.g. "812"

const missing = await client.get({ apiVersion: 'v1', kind: 'Secret', ...metadata }).catch((err) => err);
console.log(isNotFound(missing), missing.message); // true 'get v1 Secret default/broker-config: NotFound: ...' (typed)

const signal = AbortSignal.timeout(1_000); // a watch is an async iterable that ends when its signal aborts
for await (const event of client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'default', signal })) {
  if (event.type !== 'BOOKMARK') console.log(event.type, event.object.metadata.name); // ADDED broker-config
}
