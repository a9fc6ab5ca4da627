/**
 * The Pod Security check of the reference operators: every workload child's pod template, created as a Pod with
 * server-side dry run in a namespace that enforces a Pod Security level, must pass the API server's PodSecurity
 * admission. Nothing is persisted; only the namespace is created.
 */

import type { Client } from '@dsoi/client';
import { isForbidden } from '@dsoi/client/errors';
import type { KubeObject } from '@dsoi/object';

/** A workload child (StatefulSet or Deployment) as an operator derives it: only its pod template is read. */
export interface WorkloadWithPodTemplate {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly template: {
      readonly metadata?: object;
      readonly spec?: { readonly volumes?: readonly object[]; readonly [field: string]: unknown };
    };
    /** A StatefulSet's claim templates: its pods get a claim volume of each name, as the StatefulSet controller does. */
    readonly volumeClaimTemplates?: readonly { readonly metadata?: { readonly name?: string } }[];
  };
}

/** A pod template the namespace's Pod Security level refused. */
export interface PodSecurityRefusal {
  /** `<kind>/<name>` of the workload. */
  readonly workload: string;
  /** The API server's message (`violates PodSecurity "restricted:latest": ...`). */
  readonly message: string;
}

/** The Pod Security levels a namespace can enforce. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Creates a namespace labelled `pod-security.kubernetes.io/enforce=<level>` (version `latest`) and returns its name. */
export async function createPodSecurityNamespace(
  admin: Client,
  prefix: string,
  level: PodSecurityLevel = 'restricted',
): Promise<string> {
  const name = `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
  await admin.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'dsoi.io/test': 'true',
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  });
  return name;
}

/** The first Pod a workload's pod template would make, in `namespace` (with a StatefulSet's claim volumes). */
export function podOf(workload: WorkloadWithPodTemplate, namespace: string): KubeObject {
  const { metadata, spec } = workload.spec.template;
  const pod = `${workload.metadata.name}-0`;
  const claims = (workload.spec.volumeClaimTemplates ?? []).map(({ metadata: claim }) => ({
    name: claim?.name,
    persistentVolumeClaim: { claimName: `${claim?.name}-${pod}` },
  }));
  const volumes = [...claims, ...(spec?.volumes ?? [])];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...metadata, name: pod, namespace },
    spec: { ...spec, ...(volumes.length > 0 && { volumes }) },
  } as KubeObject;
}

/**
 * Creates each workload's pod with server-side dry run in `namespace` and returns the ones PodSecurity admission
 * refused (an empty list: every pod passes). Any other error is thrown.
 */
export async function podSecurityRefusals(
  admin: Client,
  namespace: string,
  workloads: readonly WorkloadWithPodTemplate[],
): Promise<PodSecurityRefusal[]> {
  const refusals: PodSecurityRefusal[] = [];
  for (const workload of workloads) {
    try {
      await admin.create(podOf(workload, namespace), { dryRun: true });
    } catch (err) {
      if (!isForbidden(err) || !/PodSecurity/.test((err as Error).message)) throw err;
      refusals.push({ workload: `${workload.kind}/${workload.metadata.name}`, message: (err as Error).message });
    }
  }
  return refusals;
}

/**
 * A pod that any enforcing level above `privileged` refuses (a privileged container), to prove the namespace does
 * enforce before a test trusts an empty refusal list.
 */
export function privilegedProbe(): WorkloadWithPodTemplate {
  return {
    kind: 'Probe',
    metadata: { name: 'privileged-probe' },
    spec: {
      template: {
        spec: { containers: [{ name: 'probe', image: 'busybox', securityContext: { privileged: true } }] },
      },
    },
  };
}
