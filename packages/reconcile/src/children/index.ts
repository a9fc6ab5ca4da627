/**
 * @dsoi/reconcile/children: the parts of `reconcileChildren` a mapping may use on its own: the fields the API server
 * never lets change (and keeping their live values), a workload's rollout readiness, and the memo that lets a re-check
 * of unchanged inputs skip rebuilding and rehashing the desired children.
 */

export type { DesiredStateMemo, DesiredStateMemoOptions } from './desiredStateMemo.js';
export { createDesiredStateMemo } from './desiredStateMemo.js';
export type { ImmutablePlan, KeptField } from './immutableFields.js';
export { immutableFields, keepImmutableFields } from './immutableFields.js';
export type { WorkloadObject, WorkloadReadiness } from './workloadReadiness.js';
export { workloadReadiness } from './workloadReadiness.js';
