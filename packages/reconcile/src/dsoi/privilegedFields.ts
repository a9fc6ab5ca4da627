/**
 * Privileged pass-through, refused by name: the pod settings of a DSOI k8sConfig group that would let whoever writes
 * the custom resource reach beyond its pods (the node's file system, host ports, another identity, traffic for
 * arbitrary addresses). An operator refuses them unless its administrator allowed them.
 */
import type { SpecProblem } from './specProblems.js';

/** The pass-through settings of one k8sConfig group that {@link privilegedFieldProblems} checks. */
export interface PodPassThrough {
  /** Extra pod volumes: a `hostPath` one is refused. */
  readonly volumes?: readonly { readonly hostPath?: unknown }[];
  /** Container ports: one with a `hostPort` is refused. */
  readonly ports?: readonly { readonly hostPort?: number }[];
  /** The node's Service: `externalIPs` is refused. */
  readonly service?: { readonly externalIPs?: readonly string[] };
  /** The pods' ServiceAccount: any but `default` (what a pod gets anyway) is refused (the pods would act with its RBAC). */
  readonly serviceAccountName?: string;
  /** Whether the pods get a ServiceAccount token: `true` is refused. */
  readonly automountServiceAccountToken?: boolean;
}

/** Options of {@link privilegedFieldProblems}. */
export interface PrivilegedFieldOptions {
  /** The group's field path, e.g. `spec.k8sConfig[0]`. */
  readonly field: string;
  /**
   * How the CRD spells the container ports of the group (Pinot's `port`).
   * @default 'ports'
   */
  readonly portsField?: string;
  /**
   * What tells the user how to allow them, appended to every message.
   * @default 'unless the operator runs with --allow-privileged-pods'
   */
  readonly allowHint?: string;
}

/**
 * The privileged settings of a k8sConfig group, each as a problem naming its field path
 * (`spec.k8sConfig[0].volumes[1].hostPath`); empty when there are none. Values are never quoted.
 */
export function privilegedFieldProblems(group: PodPassThrough, options: PrivilegedFieldOptions): SpecProblem[] {
  const { field, portsField = 'ports', allowHint = 'unless the operator runs with --allow-privileged-pods' } = options;
  const problems: SpecProblem[] = [];
  const refuse = (path: string, what: string) =>
    problems.push({ field: `${field}.${path}`, message: `${what}; refused ${allowHint}` });
  (group.volumes ?? []).forEach((volume, i) => {
    if (volume.hostPath !== undefined && volume.hostPath !== null) {
      refuse(`volumes[${i}].hostPath`, "a hostPath volume gives the pods the node's file system");
    }
  });
  (group.ports ?? []).forEach((port, i) => {
    if (port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0) {
      refuse(`${portsField}[${i}].hostPort`, "a hostPort binds a port of the node's network");
    }
  });
  if ((group.service?.externalIPs ?? []).length > 0) {
    refuse('service.externalIPs', 'externalIPs make the cluster route traffic for those addresses to the Service');
  }
  if (group.serviceAccountName !== undefined && !['', 'default'].includes(group.serviceAccountName)) {
    refuse('serviceAccountName', 'the pods would act with the permissions of that ServiceAccount');
  }
  if (group.automountServiceAccountToken === true) {
    refuse('automountServiceAccountToken', 'the pods would get a ServiceAccount token');
  }
  return problems;
}
