/** Assembles a DSOI node's pod template: one container, the config volume and checksum, storage and pod settings. */
import type {
  V1Container,
  V1PersistentVolumeClaim,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodTemplateSpec,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { configChecksumKey, withConfigChecksum } from '../configChecksum.js';
import type { BuiltConfigMap } from '../configMap.js';
import { BuilderValidationError } from '../errors.js';
import { mergeLabels } from '../labels.js';
import type { NodeAppConfig, NodeK8sConfig, NodeWorkloadNames } from '../nodeWorkload.js';
import type { Labels } from '../types.js';
import { validateAnnotations, validateDns1123Subdomain, validateLabels } from '../validation.js';
import type { WorkloadKind } from '../workloadKind.js';
import { checkClaimSpec } from './claimSpec.js';
import { checkUniqueNames, type NamedItem } from './names.js';
import { nodeWorkloadDefaults } from './nodeDefaults.js';
import { checkMounts, type MountItem } from './podTemplate.js';

/** What the pod template of a node is made from. */
export interface NodePodTemplateInput {
  readonly kind: WorkloadKind;
  readonly names: NodeWorkloadNames;
  readonly k8sConfig: NodeK8sConfig;
  readonly appConfig: NodeAppConfig | undefined;
  readonly configMap: BuiltConfigMap | undefined;
  readonly configVolumeName: string;
  /** The labels of every object of the node (selector labels included). */
  readonly labels: Readonly<Labels>;
  readonly selectorLabels: Readonly<Labels>;
}

/** The pod template and the StatefulSet claim templates of a node. */
export interface NodePodTemplate {
  readonly template: V1PodTemplateSpec;
  readonly claims: V1PersistentVolumeClaim[];
}

interface StorageVolume {
  readonly claim: V1PersistentVolumeClaim & { metadata: { name: string } };
  readonly mount: V1VolumeMount;
  readonly field: string;
}

/** Builds the pod template of a node and checks its volumes and mounts with the node's own field paths. */
export function buildNodePodTemplate(input: NodePodTemplateInput): NodePodTemplate {
  const { k8sConfig, appConfig, configMap, configVolumeName } = input;
  const storage = resolveStorage(input);
  const configVolume: V1Volume[] = configMap
    ? [{ name: configVolumeName, configMap: { name: configMap.metadata.name } }]
    : [];
  const volumes = [...configVolume, ...(k8sConfig.volumes ?? [])];
  const configMount: V1VolumeMount[] =
    configMap && appConfig?.mountPath !== undefined ? [{ name: configVolumeName, mountPath: appConfig.mountPath }] : [];
  const mounts = [...storage.map((s) => s.mount), ...configMount, ...(k8sConfig.volumeMounts ?? [])];
  checkNodeVolumes(input, storage);
  const spec: V1PodSpec = compact({
    containers: [buildContainer(input, mounts)],
    volumes: nonEmpty(volumes),
    nodeSelector: k8sConfig.nodeSelector && validateLabels(k8sConfig.nodeSelector, 'k8sConfig.nodeSelector'),
    tolerations: nonEmpty(k8sConfig.tolerations ?? []),
    affinity: k8sConfig.affinity,
    securityContext: overDefaults<V1PodSecurityContext>(
      nodeWorkloadDefaults.podSecurityContext,
      k8sConfig.securityContext,
    ),
    serviceAccountName:
      k8sConfig.serviceAccountName === undefined
        ? undefined
        : validateDns1123Subdomain(k8sConfig.serviceAccountName, 'k8sConfig.serviceAccountName'),
    imagePullSecrets: nonEmpty(
      (k8sConfig.imagePullSecrets ?? []).map((name, i) => ({
        name: validateDns1123Subdomain(name, `k8sConfig.imagePullSecrets[${i}]`),
      })),
    ),
  });
  const template = { metadata: podMetadata(input), spec };
  return {
    template: configMap ? withConfigChecksum(template, configMap) : structuredClone(template),
    claims: storage.map((s) => s.claim),
  };
}

function buildContainer(input: NodePodTemplateInput, volumeMounts: readonly V1VolumeMount[]): V1Container {
  const { k8sConfig, appConfig, configMap, names } = input;
  if (typeof k8sConfig.image !== 'string' || k8sConfig.image.trim() === '') {
    throw new BuilderValidationError('k8sConfig.image', 'required', k8sConfig.image, 'a node needs a container image');
  }
  const envFrom = [
    ...(k8sConfig.envFrom ?? []),
    ...(configMap && appConfig?.asEnv === true ? [{ configMapRef: { name: configMap.metadata.name } }] : []),
  ];
  return compact({
    name: names.container,
    image: k8sConfig.image,
    imagePullPolicy: k8sConfig.imagePullPolicy,
    command: k8sConfig.command && [...k8sConfig.command],
    args: k8sConfig.args && [...k8sConfig.args],
    ports: nonEmpty(k8sConfig.ports ?? []),
    env: nonEmpty(k8sConfig.env ?? []),
    envFrom: nonEmpty(envFrom),
    resources: k8sConfig.resources,
    livenessProbe: k8sConfig.livenessProbe,
    readinessProbe: k8sConfig.readinessProbe,
    startupProbe: k8sConfig.startupProbe,
    securityContext: overDefaults<V1SecurityContext>(
      nodeWorkloadDefaults.containerSecurityContext,
      k8sConfig.containerSecurityContext,
    ),
    volumeMounts: nonEmpty(volumeMounts),
  });
}

/** The pod labels and annotations: ours, then `podMetadata`, which may not change a selector label or the checksum. */
function podMetadata(input: NodePodTemplateInput): V1PodTemplateSpec['metadata'] {
  const { k8sConfig, configMap, labels, selectorLabels } = input;
  const podLabels = mergeLabels(labels, k8sConfig.podMetadata?.labels, {
    protectedKeys: Object.keys(selectorLabels),
    field: 'k8sConfig.podMetadata.labels',
  });
  const annotations = validateAnnotations(k8sConfig.podMetadata?.annotations, 'k8sConfig.podMetadata.annotations');
  const checksumKey = configMap && configChecksumKey(configMap);
  if (checksumKey !== undefined && annotations[checksumKey] !== undefined) {
    const field = `k8sConfig.podMetadata.annotations[${JSON.stringify(checksumKey)}]`;
    const detail = 'this annotation carries the config checksum and is set by the builder';
    throw new BuilderValidationError(field, 'protectedLabel', annotations[checksumKey], detail);
  }
  return { labels: podLabels, ...(Object.keys(annotations).length > 0 && { annotations }) };
}

/** Storage entries as claim templates with their mounts; a Deployment may have none. */
function resolveStorage(input: NodePodTemplateInput): StorageVolume[] {
  const storage = input.k8sConfig.storage ?? [];
  if (input.kind === 'Deployment' && storage.length > 0) {
    const detail =
      "a Deployment's replicas would share one claim; use kind StatefulSet for a claim per pod, or mount an " +
      'existing claim through k8sConfig.volumes';
    throw new BuilderValidationError('k8sConfig.storage', 'conflict', storage.length, detail);
  }
  return storage.map((entry, i) => {
    const field = `k8sConfig.storage[${i}]`;
    const name = entry.name ?? `${nodeWorkloadDefaults.storageNamePrefix}${i}`;
    const spec = checkClaimSpec(entry.spec, `${field}.spec`);
    // Claim templates are immutable: only the (immutable) selector labels go on them, never `labels`.
    const claim = { metadata: { name, labels: { ...input.selectorLabels } }, spec };
    return { claim, mount: { name, mountPath: entry.mountPath }, field };
  });
}

/** Checks volume names and mounts in the node's terms (`k8sConfig.volumes[1].name`, not the built pod's). */
function checkNodeVolumes(input: NodePodTemplateInput, storage: readonly StorageVolume[]): void {
  const { k8sConfig, configMap, appConfig, configVolumeName } = input;
  const volumeItems: NamedItem[] = [
    ...(configMap ? [{ name: configVolumeName, field: 'configVolumeName' }] : []),
    ...(k8sConfig.volumes ?? []).map((volume, i) => ({ name: volume.name, field: `k8sConfig.volumes[${i}].name` })),
    ...storage.map((s) => ({ name: s.claim.metadata.name, field: `${s.field}.name` })),
  ];
  const known = checkUniqueNames(volumeItems, 'volume');
  const mountItems: MountItem[] = [
    ...storage.map((s) => ({ ...s.mount, field: s.field })),
    ...(configMap && appConfig?.mountPath !== undefined
      ? [{ name: configVolumeName, mountPath: appConfig.mountPath, field: 'appConfig' }]
      : []),
    ...(k8sConfig.volumeMounts ?? []).map((mount, i) => ({ ...mount, field: `k8sConfig.volumeMounts[${i}]` })),
  ];
  checkMounts(mountItems, known);
}

/** A copy of frozen `defaults` with each field of `given` over it (a field given replaces the default's whole). */
function overDefaults<TContext extends object>(defaults: object, given: TContext | undefined): TContext {
  return { ...(structuredClone(defaults) as TContext), ...given };
}

function nonEmpty<TItem>(items: readonly TItem[]): TItem[] | undefined {
  return items.length > 0 ? [...items] : undefined;
}

/** Drops the fields whose value is `undefined`, so the object holds only what was given. */
function compact<TObject extends object>(value: TObject): TObject {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as TObject;
}
