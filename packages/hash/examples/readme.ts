// The README example of @dsoi/hash; test/readme.test.ts runs it, so it cannot drift from the code.
import { hash, objectHash, readHash, stampHash } from '@dsoi/hash';

const desired = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'broker-config', namespace: 'pinot' },
  data: { 'pinot-broker.conf': 'pinot.broker.timeoutMs=60000' },
};

// Key order never matters: both print the same 32 hex characters.
console.log(hash({ a: 1, b: 2 }), hash({ b: 2, a: 1 }));

// Stamp the desired-state hash on the object you apply...
const stamped = stampHash(desired);

// ...and later compare it with the live object's annotation to decide whether a write is needed.
const live = { ...stamped, metadata: { ...stamped.metadata, resourceVersion: '7' }, status: {} };
const needsWrite = readHash(live) !== objectHash(desired);
console.log(needsWrite); // false
