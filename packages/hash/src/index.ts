/** @dsoi/hash: canonical JSON and MurmurHash3 x64 128, the change-detection hash of dsoi operators. */

// Canonical encoding
export { canonicalJson } from './canonicalJson.js';

// Hashing values and text
export { hash, hashText } from './hash.js';
export type { HashAnnotationOptions, HashableObject, Stamped } from './objectHash.js';
// Desired-state hash of Kubernetes objects
export { defaultHashAnnotation, objectHash, readHash, stampHash } from './objectHash.js';
