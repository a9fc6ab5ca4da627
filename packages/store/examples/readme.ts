// The README example of @dsoi/store; test/readme.test.ts runs it against the test control plane.
import { createClient } from '@dsoi/client';
import { createCacheReader, createStoreFactory } from '@dsoi/store';
import { KubeConfig } from '@kubernetes/client-node';

const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const client = createClient({ kubeConfig, fieldManager: 'pinot-operator' });

// One informer per (kind, namespace, selectors), shared by every controller that asks for it.
const factory = createStoreFactory(client);
const { informer } = factory.informer({ apiVersion: 'v1', kind: 'Namespace' });
informer.subscribe({ delete: (ns) => console.log('deleted', ns.metadata?.name) });
const stop = new AbortController();
const stopped = factory.start(stop.signal); // lists, then watches (and reconnects) until aborted
await factory.waitForSync(); // rejects at once with a ForbiddenError if RBAC denies list or watch
// Reads come from memory through the client's Reader interface: no request, one frozen copy per object.
const ns = await createCacheReader(factory).get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' });
console.log(Object.isFrozen(ns), informer.get('default') === ns); // true true
stop.abort();
await stopped;
