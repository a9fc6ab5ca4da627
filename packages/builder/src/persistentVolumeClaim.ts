/** Builds a standalone PersistentVolumeClaim with a checked spec. */
import type { V1PersistentVolumeClaim, V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import { checkClaimSpec } from './internal/claimSpec.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import type { Built, ObjectMetaOptions } from './types.js';
import { validateDns1123Subdomain } from './validation.js';

/** A PersistentVolumeClaim as {@link buildPersistentVolumeClaim} returns it. */
export type BuiltPersistentVolumeClaim = Built<V1PersistentVolumeClaim, 'v1', 'PersistentVolumeClaim'> & {
  spec: V1PersistentVolumeClaimSpec;
};

/** Options of {@link buildPersistentVolumeClaim}. The name is a DNS-1123 subdomain. */
export interface PersistentVolumeClaimOptions extends ObjectMetaOptions {
  /** The claim: at least one access mode and a storage request (`resources.requests.storage`). */
  readonly spec: V1PersistentVolumeClaimSpec;
}

/**
 * Builds a `v1` PersistentVolumeClaim.
 *
 * Caveat: an owner reference on a claim means the garbage collector deletes the claim, and so its data, with the
 * owner. Leave `ownerReferences` out for data that must outlive the custom resource.
 * @throws BuilderValidationError for an invalid name, namespace, labels, or a spec without access modes or a
 * storage request.
 */
export function buildPersistentVolumeClaim(options: PersistentVolumeClaimOptions): BuiltPersistentVolumeClaim {
  const metadata = buildObjectMeta(options, 'PersistentVolumeClaim', validateDns1123Subdomain);
  const spec = checkClaimSpec(options.spec, 'PersistentVolumeClaim spec');
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec };
}
