/**
 * The DSOI reconciler: the recurring parse → desired children → children → status → Events → requeue shape of a
 * DSOI operator, and the helpers its mapping uses (spec problems, node references, derived-name collisions, credential keys, privileged pass-through, the rollout status).
 */

export { conditionSchema } from './conditionSchema.js';
export type { EnvWithoutLiterals, SplitCredentials } from './credentials.js';
export {
  credentialKeyPattern,
  envWithoutLiterals,
  hasCredentialLine,
  isCredentialKey,
  splitCredentials,
} from './credentials.js';
export type { DesiredChildren, DsoiObject, DsoiReconcilerOptions, DsoiStatusInput } from './dsoiReconciler.js';
export { createDsoiReconciler } from './dsoiReconciler.js';
export type { DuplicateChildNamesOptions } from './duplicateChildNames.js';
export { duplicateChildNames } from './duplicateChildNames.js';
export type { DsoiSpecShape, NodeReferenceOptions } from './nodeReferences.js';
export { nodeReferenceProblems } from './nodeReferences.js';
export type { PodPassThrough, PrivilegedFieldOptions } from './privilegedFields.js';
export { privilegedFieldProblems } from './privilegedFields.js';
export type { DsoiOutcome, RolloutStatusInput } from './rolloutStatus.js';
export { rolloutConditionTypes, rolloutStatus } from './rolloutStatus.js';
export type { SpecProblem, SpecSchema } from './specProblems.js';
export { describeProblems, fieldPath, InvalidSpecError, parseSpec } from './specProblems.js';
