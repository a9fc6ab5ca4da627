/**
 * When a workload counts as rolled out, so the next one in `deploymentOrder` may change. Unlike the Go library,
 * a status the controller has not caught up with (`observedGeneration < generation`) is never "ready".
 */
import type { KubeObject } from '@dsoi/object';

/** The spec field of a StatefulSet or Deployment that readiness reads. */
type ReplicasSpec = { readonly replicas?: number };

/** The status fields of a StatefulSet or Deployment that readiness reads. */
type RolloutStatus = {
  readonly observedGeneration?: number;
  readonly replicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly updatedReplicas?: number;
  readonly currentRevision?: string;
  readonly updateRevision?: string;
};

/**
 * @deprecated {@link workloadReadiness} takes a `KubeObject` of `@dsoi/object` narrowed to the replicas it reads;
 * a `V1StatefulSet` or `V1Deployment` fits as it is.
 */
export type WorkloadObject = KubeObject<ReplicasSpec, RolloutStatus>;

/** A readiness verdict with the reason, for status conditions and events. */
export interface WorkloadReadiness {
  readonly ready: boolean;
  /** Why not ready, e.g. `2/3 replicas ready`; `'ready'` when ready. */
  readonly reason: string;
}

/**
 * Readiness of a StatefulSet or Deployment:
 * - both: `status.observedGeneration >= metadata.generation` (the controller has seen the latest spec);
 * - StatefulSet: `updateRevision == currentRevision` and `readyReplicas == spec.replicas`;
 * - Deployment: `updatedReplicas == availableReplicas == spec.replicas`.
 * `spec.replicas` defaults to 1, and absent counters count as 0. Any other kind is ready.
 */
export function workloadReadiness(workload: KubeObject<ReplicasSpec, RolloutStatus>): WorkloadReadiness {
  const { kind, metadata = {}, spec = {}, status = {} } = workload;
  if (kind !== 'StatefulSet' && kind !== 'Deployment') return { ready: true, reason: 'ready' };
  const generation = metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed < generation) {
    return {
      ready: false,
      reason: `status not yet observed (observedGeneration ${observed} < generation ${generation})`,
    };
  }
  const want = spec.replicas ?? 1;
  if (kind === 'StatefulSet') {
    if ((status.updateRevision ?? '') !== (status.currentRevision ?? '')) {
      return { ready: false, reason: `rolling from revision ${status.currentRevision} to ${status.updateRevision}` };
    }
    const ready = status.readyReplicas ?? 0;
    return ready === want
      ? { ready: true, reason: 'ready' }
      : { ready: false, reason: `${ready}/${want} replicas ready` };
  }
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  return updated === want && available === want
    ? { ready: true, reason: 'ready' }
    : { ready: false, reason: `${updated}/${want} replicas updated, ${available}/${want} available` };
}
