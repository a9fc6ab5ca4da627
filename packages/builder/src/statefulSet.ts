/** Builds a StatefulSet whose selector, pod template and volume claim templates are checked against each other. */
import type {
  V1PersistentVolumeClaim,
  V1PodTemplateSpec,
  V1StatefulSet,
  V1StatefulSetPersistentVolumeClaimRetentionPolicy,
  V1StatefulSetSpec,
  V1StatefulSetUpdateStrategy,
} from '@kubernetes/client-node';
import { checkClaimSpec } from './internal/claimSpec.js';
import { checkUniqueNames } from './internal/names.js';
import { checkInteger } from './internal/numbers.js';
import { buildObjectMeta } from './internal/objectMeta.js';
import { checkPodTemplate, checkSelectorLabels } from './internal/podTemplate.js';
import type { Built, Labels, ObjectMetaOptions } from './types.js';
import { validateAnnotations, validateDns1035Label, validateLabels, validateStatefulSetName } from './validation.js';

/** A StatefulSet as {@link buildStatefulSet} returns it. */
export type BuiltStatefulSet = Built<V1StatefulSet, 'apps/v1', 'StatefulSet'> & { spec: V1StatefulSetSpec };

/** Options of {@link buildStatefulSet}. The name is a DNS-1123 label of at most 52 characters. */
export interface StatefulSetOptions extends ObjectMetaOptions {
  /**
   * The labels that select this StatefulSet's pods (`spec.selector.matchLabels`); they are added to the pod template.
   * Not empty, and immutable once the StatefulSet exists: never put a version in them.
   */
  readonly selectorLabels: Readonly<Labels>;
  /** The pod template; its labels may add to the selector labels but not contradict them. */
  readonly template: V1PodTemplateSpec;
  /**
   * The number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The governing Service, which gives each pod a stable DNS name; it should be headless (`clusterIP: None`).
   * @default undefined (no stable pod DNS names)
   */
  readonly serviceName?: string;
  /**
   * One claim per pod per template, mounted by its `metadata.name`. Names must be distinct DNS-1123 labels that no
   * template volume uses. Immutable once the StatefulSet exists.
   * @default [] (no claims)
   */
  readonly volumeClaimTemplates?: readonly V1PersistentVolumeClaim[];
  /**
   * `OrderedReady` (one pod at a time) or `Parallel`.
   * @default undefined (the API server's default, `OrderedReady`)
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /**
   * How pods are replaced on a template change.
   * @default undefined (the API server's default, `RollingUpdate`)
   */
  readonly updateStrategy?: V1StatefulSetUpdateStrategy;
  /**
   * Whether claims are deleted with the StatefulSet or on scale-down.
   * @default undefined (the API server's default: claims are retained)
   */
  readonly persistentVolumeClaimRetentionPolicy?: V1StatefulSetPersistentVolumeClaimRetentionPolicy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default undefined (the API server's default, 0)
   */
  readonly minReadySeconds?: number;
  /**
   * How many old revisions to keep.
   * @default undefined (the API server's default, 10)
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * Builds an `apps/v1` StatefulSet.
 *
 * The pod template gets every selector label; each volume claim template's name must be unique and mounted by name.
 * @throws BuilderValidationError for an invalid name (DNS-1123 label, at most 52 characters: the StatefulSet
 * controller labels each pod `controller-revision-hash=<name>-<10 characters>`), namespace, labels, selector, pod
 * template (containers, volumes, mounts, ports), claim template, or a negative replica count.
 */
export function buildStatefulSet(options: StatefulSetOptions): BuiltStatefulSet {
  const metadata = buildObjectMeta(options, 'StatefulSet', validateStatefulSetName);
  const selectorLabels = checkSelectorLabels(options.selectorLabels, 'StatefulSet selectorLabels');
  const volumeClaimTemplates = (options.volumeClaimTemplates ?? []).map((claim, i) =>
    checkClaimTemplate(claim, `StatefulSet volumeClaimTemplates[${i}]`),
  );
  const claimNames = checkUniqueNames(
    volumeClaimTemplates.map((claim, i) => ({
      name: claim.metadata.name,
      field: `StatefulSet volumeClaimTemplates[${i}].metadata.name`,
    })),
    'volume claim template',
  );
  const template = checkPodTemplate(options.template, { field: 'StatefulSet template', selectorLabels, claimNames });
  const spec: V1StatefulSetSpec = {
    replicas: checkInteger(options.replicas ?? 1, 'StatefulSet replicas', 0),
    selector: { matchLabels: selectorLabels },
    template,
    ...(options.serviceName !== undefined && {
      serviceName: validateDns1035Label(options.serviceName, 'StatefulSet serviceName'),
    }),
    ...(volumeClaimTemplates.length > 0 && { volumeClaimTemplates }),
    ...optionalFields(options),
  };
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata, spec };
}

function optionalFields(options: StatefulSetOptions): Partial<V1StatefulSetSpec> {
  const { podManagementPolicy, updateStrategy, persistentVolumeClaimRetentionPolicy } = options;
  const { minReadySeconds, revisionHistoryLimit } = options;
  return structuredClone({
    ...(podManagementPolicy !== undefined && { podManagementPolicy }),
    ...(updateStrategy !== undefined && { updateStrategy }),
    ...(persistentVolumeClaimRetentionPolicy !== undefined && { persistentVolumeClaimRetentionPolicy }),
    ...(minReadySeconds !== undefined && {
      minReadySeconds: checkInteger(minReadySeconds, 'StatefulSet minReadySeconds', 0),
    }),
    ...(revisionHistoryLimit !== undefined && {
      revisionHistoryLimit: checkInteger(revisionHistoryLimit, 'StatefulSet revisionHistoryLimit', 0),
    }),
  });
}

type CheckedClaim = V1PersistentVolumeClaim & { metadata: { name: string } };

function checkClaimTemplate(claim: V1PersistentVolumeClaim, field: string): CheckedClaim {
  const name = claim.metadata?.name as string;
  const labels = validateLabels(claim.metadata?.labels, `${field}.metadata.labels`);
  const annotations = validateAnnotations(claim.metadata?.annotations, `${field}.metadata.annotations`);
  return {
    metadata: {
      name,
      ...(Object.keys(labels).length > 0 && { labels }),
      ...(Object.keys(annotations).length > 0 && { annotations }),
    },
    spec: checkClaimSpec(claim.spec, `${field}.spec`),
  };
}
