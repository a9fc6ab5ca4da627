/** Puts a DSOI node's objects together, and names the node in every error it throws. */
import { buildConfigMap } from '../configMap.js';
import { controllerRef } from '../controllerRef.js';
import { buildDeployment } from '../deployment.js';
import { BuilderValidationError } from '../errors.js';
import { mergeLabels } from '../labels.js';
import type { NodeSpec, NodeWorkload, NodeWorkloadNames, NodeWorkloadOptions } from '../nodeWorkload.js';
import { buildService } from '../service.js';
import { buildStatefulSet } from '../statefulSet.js';
import type { Labels, ObjectMetaOptions } from '../types.js';
import {
  validateDns1035Label,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateStatefulSetName,
} from '../validation.js';
import { parseWorkloadKind, type WorkloadKind } from '../workloadKind.js';
import { nodeWorkloadDefaults } from './nodeDefaults.js';
import { buildNodePodTemplate } from './nodePodTemplate.js';
import type { NameRule } from './objectMeta.js';
import { checkSelectorLabels } from './podTemplate.js';

/** Builds a node's objects; a {@link BuilderValidationError} gets the prefix `node "<name>"` on its field. */
export function assembleNodeWorkload(options: NodeWorkloadOptions): NodeWorkload {
  try {
    return assemble(options);
  } catch (err) {
    if (!(err instanceof BuilderValidationError)) throw err;
    const node = JSON.stringify(options.node?.name ?? null);
    throw new BuilderValidationError(`node ${node} ${err.field}`, err.rule, err.value, err.detail, { cause: err });
  }
}

function assemble(options: NodeWorkloadOptions): NodeWorkload {
  const { node, k8sConfig, appConfig } = options;
  validateDns1123Label(node.name, 'name');
  const kind = parseWorkloadKind(node.kind, 'kind');
  const names = resolveNames(node, kind, options);
  const selectorLabels = checkSelectorLabels(options.selectorLabels, 'selectorLabels');
  const labels = mergeLabels(selectorLabels, options.labels, { protectedKeys: Object.keys(selectorLabels) });
  const meta = sharedMeta(options, labels);
  const configMap = appConfig && buildConfigMap({ ...meta, name: names.configMap, data: appConfig.data });
  const service =
    k8sConfig.service &&
    buildService({ ...meta, name: names.service, selector: selectorLabels, spec: k8sConfig.service });
  const { template, claims } = buildNodePodTemplate({
    kind,
    names,
    k8sConfig,
    appConfig,
    configMap,
    configVolumeName: options.configVolumeName ?? nodeWorkloadDefaults.configVolumeName,
    labels,
    selectorLabels,
  });
  const workloadMeta = {
    ...meta,
    name: names.workload,
    selectorLabels,
    template,
    replicas: node.replicas ?? nodeWorkloadDefaults.replicas,
  };
  const base = { configMap, service };
  const others = [...(configMap ? [configMap] : []), ...(service ? [service] : [])];
  if (kind === 'StatefulSet') {
    const workload = buildStatefulSet({
      ...workloadMeta,
      volumeClaimTemplates: claims,
      ...(service && { serviceName: service.metadata.name }),
    });
    return { ...base, kind, workload, objects: [...others, workload] };
  }
  const workload = buildDeployment(workloadMeta);
  return { ...base, kind, workload, objects: [...others, workload] };
}

/** The metadata every object of the node shares; the owner must live in the node's namespace. */
function sharedMeta(options: NodeWorkloadOptions, labels: Labels): Omit<ObjectMetaOptions, 'name'> {
  const { owner, namespace } = options;
  const ownerNamespace = owner?.metadata?.namespace;
  if (ownerNamespace !== undefined && ownerNamespace !== namespace) {
    // The garbage collector treats an owner in another namespace as absent, and deletes the children.
    const detail = `the owner must be in the namespace of its children (${JSON.stringify(namespace)})`;
    throw new BuilderValidationError('owner.metadata.namespace', 'conflict', ownerNamespace, detail);
  }
  return {
    namespace,
    labels,
    ...(options.annotations !== undefined && { annotations: options.annotations }),
    ...(owner !== undefined && { ownerReferences: [controllerRef(owner)] }),
  };
}

/**
 * The object names: the caller's, or derived from the node name; a derived name that breaks a rule says so. The
 * Service and ConfigMap names are checked only when those objects are built.
 */
function resolveNames(node: NodeSpec, kind: WorkloadKind, options: NodeWorkloadOptions): NodeWorkloadNames {
  const given = options.names ?? {};
  const pick = (key: keyof NodeWorkloadNames, derived: string, rule: NameRule | undefined): string => {
    const explicit = given[key];
    const name = explicit ?? derived;
    return rule
      ? rule(name, explicit !== undefined ? `names.${key}` : `names.${key} (derived from the node name)`)
      : name;
  };
  const workloadRule = kind === 'StatefulSet' ? validateStatefulSetName : validateDns1123Subdomain;
  return {
    workload: pick('workload', node.name, workloadRule),
    service: pick('service', node.name, options.k8sConfig.service ? validateDns1035Label : undefined),
    configMap: pick(
      'configMap',
      `${node.name}${nodeWorkloadDefaults.configMapSuffix}`,
      options.appConfig ? validateDns1123Subdomain : undefined,
    ),
    container: pick('container', node.name, validateDns1123Label),
  };
}
