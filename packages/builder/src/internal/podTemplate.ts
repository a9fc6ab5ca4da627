/** Checks a workload's pod template against its selector, and its containers against its volumes. */
import type { V1Container, V1ContainerPort, V1PodTemplateSpec } from '@kubernetes/client-node';
import { BuilderValidationError } from '../errors.js';
import type { Labels } from '../types.js';
import { validateAnnotations, validateLabels } from '../validation.js';
import { checkUniqueNames } from './names.js';
import { checkInteger, checkPortName } from './numbers.js';

/** What {@link checkPodTemplate} checks the template against. */
export interface PodTemplateCheckOptions {
  /** The template's path in errors, e.g. `StatefulSet template`. */
  readonly field: string;
  /** The workload's (validated, non-empty) selector labels. */
  readonly selectorLabels: Readonly<Labels>;
  /** Names of volume claim templates, which pods mount like volumes. */
  readonly claimNames?: ReadonlySet<string>;
}

/** One volume mount to check, with the field path that names it in errors. */
export interface MountItem {
  readonly name: unknown;
  readonly mountPath: unknown;
  readonly field: string;
}

/**
 * Returns a copy of `template` whose labels include the selector labels, after checking that no template label
 * contradicts the selector, that container and volume names are valid and distinct, and that every volume mount
 * names a volume (or a claim template).
 */
export function checkPodTemplate(template: V1PodTemplateSpec, options: PodTemplateCheckOptions): V1PodTemplateSpec {
  const { field, selectorLabels, claimNames = new Set<string>() } = options;
  if (template === null || typeof template !== 'object' || template.spec === undefined) {
    throw new BuilderValidationError(`${field}.spec`, 'required', template?.spec, 'a pod template needs a spec');
  }
  const copy = structuredClone(template);
  const labels = labelsWithSelector(copy.metadata?.labels, selectorLabels, `${field}.metadata.labels`);
  const annotations = validateAnnotations(copy.metadata?.annotations, `${field}.metadata.annotations`);
  const spec = copy.spec!;
  const volumeItems = (spec.volumes ?? []).map((volume, i) => ({
    name: volume.name,
    field: `${field}.spec.volumes[${i}].name`,
  }));
  const volumes = checkUniqueNames(volumeItems, 'volume');
  for (const claim of claimNames) {
    if (volumes.has(claim)) {
      const detail = 'a volume claim template has the same name, and would silently replace this volume';
      const item = volumeItems.find((v) => v.name === claim)!;
      throw new BuilderValidationError(item.field, 'unique', claim, detail);
    }
  }
  checkContainers(spec.initContainers ?? [], spec.containers ?? [], field, new Set([...volumes, ...claimNames]));
  const metadata = { ...copy.metadata, labels, ...(Object.keys(annotations).length > 0 && { annotations }) };
  return { ...copy, metadata };
}

/**
 * Checks a workload's selector labels: valid, and not empty (an empty selector would select every pod of the
 * namespace, including other workloads' pods). Returns a copy.
 */
export function checkSelectorLabels(selectorLabels: Readonly<Labels>, field: string): Labels {
  const labels = validateLabels(selectorLabels, field);
  if (Object.keys(labels).length === 0) {
    const detail = 'a workload selector needs at least one label, or it would select every pod of the namespace';
    throw new BuilderValidationError(field, 'selector', selectorLabels, detail);
  }
  return labels;
}

/** The template's labels with the selector labels added; a template label that contradicts the selector throws. */
function labelsWithSelector(
  templateLabels: Readonly<Labels> | undefined,
  selectorLabels: Readonly<Labels>,
  field: string,
): Labels {
  const labels = validateLabels(templateLabels, field);
  for (const [key, value] of Object.entries(selectorLabels)) {
    if (labels[key] !== undefined && labels[key] !== value) {
      const detail = `the selector requires ${key}=${value}; the pod template must carry every selector label`;
      throw new BuilderValidationError(`${field}[${JSON.stringify(key)}]`, 'selector', labels[key], detail);
    }
    labels[key] = value;
  }
  return labels;
}

function checkContainers(
  initContainers: readonly V1Container[],
  containers: readonly V1Container[],
  field: string,
  volumes: ReadonlySet<string>,
): void {
  if (containers.length === 0) {
    const detail = 'a pod template needs at least one container';
    throw new BuilderValidationError(`${field}.spec.containers`, 'required', containers, detail);
  }
  const all = [
    ...initContainers.map((container, i) => ({ container, field: `${field}.spec.initContainers[${i}]` })),
    ...containers.map((container, i) => ({ container, field: `${field}.spec.containers[${i}]` })),
  ];
  checkUniqueNames(
    all.map((item) => ({ name: item.container.name, field: `${item.field}.name` })),
    'container',
  );
  for (const item of all) {
    const mounts = (item.container.volumeMounts ?? []).map((mount, i) => ({
      name: mount.name,
      mountPath: mount.mountPath,
      field: `${item.field}.volumeMounts[${i}]`,
    }));
    checkMounts(mounts, volumes);
    checkContainerPorts(item.container.ports ?? [], `${item.field}.ports`);
  }
}

/** Checks that every mount names a known volume and that no two mounts share a path. */
export function checkMounts(mounts: readonly MountItem[], volumes: ReadonlySet<string>): void {
  const paths = new Map<string, string>();
  for (const mount of mounts) {
    if (typeof mount.name !== 'string' || !volumes.has(mount.name)) {
      const known = volumes.size > 0 ? `one of ${[...volumes].map((v) => JSON.stringify(v)).join(', ')}` : 'none';
      const detail = `a volume mount must name a volume of the pod (known: ${known})`;
      throw new BuilderValidationError(`${mount.field}.name`, 'reference', mount.name, detail);
    }
    if (typeof mount.mountPath !== 'string' || mount.mountPath === '') {
      throw new BuilderValidationError(`${mount.field}.mountPath`, 'required', mount.mountPath, 'must be a path');
    }
    const first = paths.get(mount.mountPath);
    if (first !== undefined) {
      const detail = `the path is already mounted by ${first}`;
      throw new BuilderValidationError(`${mount.field}.mountPath`, 'unique', mount.mountPath, detail);
    }
    paths.set(mount.mountPath, mount.field);
  }
}

function checkContainerPorts(ports: readonly V1ContainerPort[], field: string): void {
  const names = new Map<string, string>();
  ports.forEach((port, i) => {
    checkInteger(port.containerPort, `${field}[${i}].containerPort`, 1, 65_535);
    if (port.name === undefined) return;
    const name = checkPortName(port.name, `${field}[${i}].name`);
    const first = names.get(name);
    if (first !== undefined) {
      throw new BuilderValidationError(
        `${field}[${i}].name`,
        'unique',
        name,
        `the port name is already used by ${first}`,
      );
    }
    names.set(name, `${field}[${i}]`);
  });
}
