/**
 * The desired children of a Pinot cluster (spec section 1.2 of the reference): per node a ConfigMap
 * `<CR>-<pinotNodeConfig>-config`, a Service `<node>-<k8sConfig>-svc` and a StatefulSet or Deployment
 * `<node>-<k8sConfig>`, with the Go operator's labels and file layout. Pure: no I/O.
 */
import {
  buildNodeWorkload,
  isBuilderValidationError,
  type NodeK8sConfig,
  type NodeStorage,
  type OwnerObject,
} from '@dsoi/builder';
import { nameLimits } from '@dsoi/builder/validation';
import type { ChildSpec } from '@dsoi/reconcile';
import { InvalidSpecError, nodeReferenceProblems, parseSpec, type SpecProblem } from '@dsoi/reconcile/dsoi';
import type { V1EnvVar } from '@kubernetes/client-node';
import {
  type PinotK8sConfig,
  type PinotNode,
  type PinotNodeType,
  type PinotSpec,
  pinotSpecSchema,
} from '../api/pinot.ts';
import { pinotNodeLabels } from './pinotLabels.ts';

/** The object a Pinot reconcile works on: the CR's identity and its spec. */
export interface PinotOwner extends OwnerObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid?: string };
  readonly spec: unknown;
}

/** The desired children, and which node each workload belongs to (for status messages). */
export interface PinotChildren {
  /** Every child, workloads with their rollout step (index of the node type in `deploymentOrder`). */
  readonly children: ChildSpec[];
  /** Workload name → node name. */
  readonly nodeOfWorkload: ReadonlyMap<string, string>;
}

const configFileOf = (type: PinotNodeType) => `pinot-${type}.conf`;
const configDirOf = (type: PinotNodeType) => `/var/pinot/${type}/config`;

/** The Pinot start command of a node type, as the image entrypoint expects it. */
function argsOf(type: PinotNodeType, cluster: string, zkAddress: string): string[] {
  const configFile = `${configDirOf(type)}/${configFileOf(type)}`;
  if (type === 'controller') return ['StartController', '-configFileName', configFile];
  const command = { broker: 'StartBroker', server: 'StartServer', minion: 'StartMinion' }[type];
  return [command, '-clusterName', cluster, '-zkAddress', zkAddress, '-configFileName', configFile];
}

/**
 * The config file of a node type: the group's `data`, then (controller) the cluster name and ZooKeeper address,
 * then the deep-storage text of that node type (the last matching entry, as in the Go operator).
 */
export function pinotConfigFile(spec: PinotSpec, cluster: string, type: PinotNodeType, data: string): string {
  const lines = [data];
  if (type === 'controller') {
    lines.push(
      `controller.helix.cluster.name=${cluster}`,
      `controller.zk.str=${spec.external?.zookeeper.spec.zkAddress ?? ''}`,
    );
  }
  const deepStorage = spec.external?.deepStorage?.spec.filter((entry) => entry.nodeType === type).at(-1);
  if (deepStorage) lines.push(deepStorage.data);
  return lines.join('\n');
}

/**
 * `JAVA_OPTS`: the group's `java_opts`, then one `-Dplugins.include=` with the plugins comma-separated (the JVM keeps
 * only the last of repeated `-D` flags, and Pinot reads a comma-separated list; the Go operator concatenated the
 * flags with no separator). No plugins, no flag and no trailing space.
 */
export function pinotJavaOpts(javaOpts: string, plugins: readonly string[] | undefined): string {
  return plugins && plugins.length > 0 ? `${javaOpts} -Dplugins.include=${plugins.join(',')}` : javaOpts;
}

/**
 * Claim template names: a single storageConfig keeps the Go operator's `<node>-pvc` (so volumes of an existing
 * cluster stay bound); several get `<node>-<storageConfig.name>` (the Go operator gave them all the same name).
 */
function storageOf(node: PinotNode, k8s: PinotK8sConfig): NodeStorage[] {
  const configs = k8s.storageConfig ?? [];
  return configs.map((sc) => ({
    name: configs.length === 1 ? `${node.name}-pvc` : `${node.name}-${sc.name}`,
    mountPath: sc.mountPath,
    spec: sc.spec,
  }));
}

function k8sConfigOf(
  node: PinotNode,
  k8s: PinotK8sConfig,
  spec: PinotSpec,
  javaOpts: string,
  cluster: string,
): NodeK8sConfig {
  const zkAddress = spec.external?.zookeeper.spec.zkAddress ?? '';
  const { selector: _ignored, ...service } = k8s.service;
  const env: V1EnvVar[] = [...(k8s.env ?? []), { name: 'JAVA_OPTS', value: pinotJavaOpts(javaOpts, spec.plugins) }];
  return {
    image: k8s.image,
    ...(k8s.imagePullPolicy && { imagePullPolicy: k8s.imagePullPolicy }),
    ...(k8s.imagePullSecrets && { imagePullSecrets: k8s.imagePullSecrets.map((s) => s.name) }),
    args: argsOf(node.nodeType, cluster, zkAddress),
    ports: k8s.port,
    env,
    ...(k8s.resources && { resources: k8s.resources }),
    ...(k8s.livenessProbe && { livenessProbe: k8s.livenessProbe }),
    ...(k8s.readinessProbe && { readinessProbe: k8s.readinessProbe }),
    ...(k8s.startUpProbe && { startupProbe: k8s.startUpProbe }),
    ...(k8s.volumes && { volumes: k8s.volumes }),
    ...(k8s.volumeMount && { volumeMounts: k8s.volumeMount }),
    storage: storageOf(node, k8s),
    service,
    ...(k8s.nodeSelector && { nodeSelector: k8s.nodeSelector }),
    ...(k8s.tolerations && { tolerations: k8s.tolerations }),
    ...(k8s.podMetadata && { podMetadata: k8s.podMetadata }),
    ...(k8s.serviceAccountName && { serviceAccountName: k8s.serviceAccountName }),
  };
}

/** Cross-field checks (the CRD checks them too with CEL; objects stored before it may not have been). */
function referenceProblems(spec: PinotSpec): SpecProblem[] {
  const problems = nodeReferenceProblems(spec, {
    typeField: 'nodeType',
    groupFields: ['k8sConfig', 'pinotNodeConfig'],
  });
  if (!spec.external?.zookeeper.spec.zkAddress) {
    problems.push({
      field: 'spec.external.zookeeper.spec.zkAddress',
      message: 'required: the ZooKeeper address of the cluster',
    });
  }
  return problems;
}

/**
 * Names derived from the CR's own name, checked here so the problem names the field to shorten (the builder would
 * name the child): `metadata.name` is the `custom_resource` label of every child (at most 63 characters), and
 * `<CR>-<pinotNodeConfig>-config` is also the name of the pod volume holding the ConfigMap (a DNS label, at most 63).
 */
function derivedNameProblems(spec: PinotSpec, cluster: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (cluster.length > nameLimits.labelValue) {
    problems.push({
      field: 'metadata.name',
      message: `must be at most ${nameLimits.labelValue} characters, it has ${cluster.length}: it is the custom_resource label value of every child`,
    });
    return problems;
  }
  spec.pinotNodeConfig.forEach((group, j) => {
    const volume = `${cluster}-${group.name}-config`;
    if (volume.length > nameLimits.dns1123Label && spec.nodes.some((n) => n.pinotNodeConfig === group.name)) {
      problems.push({
        field: `spec.pinotNodeConfig[${j}].name`,
        message: `the config volume name "${volume}" (metadata.name-<this name>-config) must be at most ${nameLimits.dns1123Label} characters, it has ${volume.length}; shorten this name or metadata.name`,
      });
    }
  });
  return problems;
}

/**
 * Builds every desired child of a Pinot cluster.
 *
 * Nodes sharing a `pinotNodeConfig` share its ConfigMap (built once, labelled by the first such node, holding one
 * file per node type that uses it), so it no longer flip-flops between the nodes' labels. Each pod template carries
 * the checksum of its ConfigMap (`checksum.dsoi.io/configmap-<name>`) instead of the Go operator's hash variable.
 *
 * @throws InvalidSpecError naming each problem's field (unknown groups, missing ZooKeeper address, a Deployment
 * with storage, a name too long for its kind, a config over 1 MiB, ...).
 */
export function desiredPinotChildren(
  owner: PinotOwner,
  spec: PinotSpec = parseSpec(pinotSpecSchema, owner.spec),
): PinotChildren {
  const cluster = owner.metadata.name;
  const problems = [...referenceProblems(spec), ...derivedNameProblems(spec, cluster)];
  if (problems.length > 0) throw new InvalidSpecError(problems);
  const configData = new Map<string, Record<string, string>>();
  for (const node of spec.nodes) {
    const group = spec.pinotNodeConfig.find((p) => p.name === node.pinotNodeConfig)!;
    const data = configData.get(group.name) ?? {};
    data[configFileOf(node.nodeType)] = pinotConfigFile(spec, cluster, node.nodeType, group.data);
    configData.set(group.name, data);
  }
  const children: ChildSpec[] = [];
  const seenConfigMaps = new Set<string>();
  const nodeOfWorkload = new Map<string, string>();
  spec.nodes.forEach((node, i) => {
    const k8s = spec.k8sConfig.find((k) => k.name === node.k8sConfig)!;
    const group = spec.pinotNodeConfig.find((p) => p.name === node.pinotNodeConfig)!;
    const configMapName = `${cluster}-${group.name}-config`;
    try {
      const built = buildNodeWorkload({
        node: { name: node.name, kind: node.kind, replicas: node.replicas },
        namespace: owner.metadata.namespace,
        owner,
        k8sConfig: k8sConfigOf(node, k8s, spec, group.java_opts, cluster),
        appConfig: { data: configData.get(group.name)!, mountPath: configDirOf(node.nodeType) },
        selectorLabels: pinotNodeLabels(cluster, node),
        names: {
          workload: `${node.name}-${k8s.name}`,
          service: `${node.name}-${k8s.name}-svc`,
          configMap: configMapName,
          container: `${node.name}-${node.nodeType}`,
        },
        configVolumeName: configMapName,
      });
      if (built.configMap && !seenConfigMaps.has(configMapName)) {
        seenConfigMaps.add(configMapName);
        children.push({ object: built.configMap });
      }
      if (built.service) children.push({ object: built.service });
      children.push({ object: built.workload, rolloutStep: spec.deploymentOrder.indexOf(node.nodeType) });
      nodeOfWorkload.set(built.workload.metadata.name, node.name);
    } catch (err) {
      if (!isBuilderValidationError(err)) throw err;
      if (err.rule === 'size' && err.field.endsWith('ConfigMap data')) {
        // The builder names the ConfigMap; the user has to shorten the config text.
        const field = `spec.pinotNodeConfig[${spec.pinotNodeConfig.indexOf(group)}].data`;
        if (!problems.some((p) => p.field === field)) {
          problems.push({
            field,
            message: `the config file(s) of ConfigMap ${configMapName} come to ${String(err.value)}; a ConfigMap holds at most 1 MiB (1048576 bytes)`,
          });
        }
      } else {
        problems.push({ field: `spec.nodes[${i}] (${node.name})`, message: err.message });
      }
    }
  });
  problems.push(...duplicateNames(children));
  if (problems.length > 0) throw new InvalidSpecError(problems);
  return { children, nodeOfWorkload };
}

/**
 * Two nodes whose derived names collide (node `a` with k8sConfig `b-c` and node `a-b` with `c` both make
 * `a-b-c-svc`) would overwrite each other's children, so the spec is refused before any write. ConfigMaps are
 * shared on purpose and built once, so they never repeat here.
 */
function duplicateNames(children: readonly ChildSpec[]): SpecProblem[] {
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  for (const { object } of children) {
    const key = `${object.kind}/${object.metadata?.name}`;
    if (seen.has(key)) {
      problems.push({
        field: 'spec.nodes',
        message: `two nodes derive the same ${object.kind} name "${object.metadata?.name}" (<node>-<k8sConfig>); rename one`,
      });
    }
    seen.add(key);
  }
  return problems;
}
