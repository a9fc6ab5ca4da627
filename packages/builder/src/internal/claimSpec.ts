/** Checks a PersistentVolumeClaim spec for the two fields the API server requires. */
import type { V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import { BuilderValidationError } from '../errors.js';

/** Checks that `spec` names at least one access mode and requests a storage size; returns a copy. */
export function checkClaimSpec(spec: V1PersistentVolumeClaimSpec | undefined, field: string) {
  if (spec === undefined || spec === null || typeof spec !== 'object') {
    throw new BuilderValidationError(field, 'required', spec, 'a claim needs a spec');
  }
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0) {
    const detail = 'a claim needs at least one access mode, e.g. ["ReadWriteOnce"]';
    throw new BuilderValidationError(`${field}.accessModes`, 'required', spec.accessModes, detail);
  }
  const storage: unknown = spec.resources?.requests?.storage;
  if ((typeof storage !== 'string' || storage === '') && typeof storage !== 'number') {
    const detail = 'a claim needs a storage request, e.g. "10Gi"';
    throw new BuilderValidationError(`${field}.resources.requests.storage`, 'required', storage, detail);
  }
  return structuredClone(spec);
}
