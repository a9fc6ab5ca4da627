/**
 * The desired children of a Pinot cluster (spec section 1.2 of the reference): per node a ConfigMap
 * `<CR>-<pinotNodeConfig>-config`, a Service `<node>-<k8sConfig>-svc` and a StatefulSet or Deployment
 * `<node>-<k8sConfig>`, with the Go operator's labels and file layout. Pure: no I/O.
 *
 * Credentials never go into a ConfigMap or an environment literal (unlike the Go operator): a config group whose files
 * carry one (the deep-storage text, or any line whose key names a credential, such as `...s3.secretKey=`) is a Secret
 * of the same name, mounted at the same place; a `k8sConfig.env` credential given as a literal is read from the
 * Secret `<node>-<k8sConfig>-env`.
 */

import {
  type BuiltSecret,
  buildNodeWorkload,
  buildSecret,
  controllerRef,
  isBuilderValidationError,
  type NodeK8sConfig,
  type NodeStorage,
  withConfigChecksum,
} from '@dsoi/builder';
import { nameLimits } from '@dsoi/builder/validation';
import type { KubeObject, ObjectMeta } from '@dsoi/object';
import type { ChildSpec } from '@dsoi/reconcile';
import {
  duplicateChildNames,
  envWithoutLiterals,
  hasCredentialLine,
  InvalidSpecError,
  nodeReferenceProblems,
  parseSpec,
  privilegedFieldProblems,
  type SpecProblem,
} from '@dsoi/reconcile/dsoi';
import type { V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import {
  type PinotK8sConfig,
  type PinotNode,
  type PinotNodeType,
  type PinotSpec,
  pinotSpecSchema,
} from '../api/pinot.ts';
import { pinotNodeLabels } from './pinotLabels.ts';

/** The object a Pinot reconcile works on: the CR's identity and its spec. */
export interface PinotOwner extends KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly name: string; readonly namespace: string };
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

/** Where a node's pod gets what is not in its k8sConfig group: the config Secret's volume, the env Secret's name. */
interface NodeSecrets {
  /** The config volume and its mount, when the group's files are a Secret. */
  readonly config?: { readonly volume: V1Volume; readonly mount: V1VolumeMount };
  /** The Secret that credential literals of `k8sConfig.env` are read from. */
  readonly envSecretName: string;
}

function k8sConfigOf(
  node: PinotNode,
  k8s: PinotK8sConfig,
  spec: PinotSpec,
  javaOpts: string,
  cluster: string,
  secrets: NodeSecrets,
): NodeK8sConfig {
  const zkAddress = spec.external?.zookeeper.spec.zkAddress ?? '';
  const { selector: _ignored, ...service } = k8s.service;
  const userEnv = envWithoutLiterals(k8s.env ?? [], secrets.envSecretName).env;
  const env: V1EnvVar[] = [...userEnv, { name: 'JAVA_OPTS', value: pinotJavaOpts(javaOpts, spec.plugins) }];
  const volumes = [...(secrets.config ? [secrets.config.volume] : []), ...(k8s.volumes ?? [])];
  const volumeMounts = [...(secrets.config ? [secrets.config.mount] : []), ...(k8s.volumeMount ?? [])];
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
    ...(volumes.length > 0 && { volumes }),
    ...(volumeMounts.length > 0 && { volumeMounts }),
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

/** Options of {@link desiredPinotChildren}. */
export interface DesiredPinotChildrenOptions {
  /**
   * Pass privileged pod settings through (`--allow-privileged-pods`): hostPath volumes, host ports, Service
   * externalIPs, a ServiceAccount. @default false (each is an InvalidSpec problem naming its field; nothing is written)
   */
  readonly allowPrivilegedPods?: boolean;
}

/** The privileged pass-through of every k8sConfig group, unless allowed. */
function privilegedProblems(spec: PinotSpec, options: DesiredPinotChildrenOptions): SpecProblem[] {
  if (options.allowPrivilegedPods === true) return [];
  return spec.k8sConfig.flatMap((k8s, i) =>
    privilegedFieldProblems({ ...k8s, ports: k8s.port }, { field: `spec.k8sConfig[${i}]`, portsField: 'port' }),
  );
}

/**
 * Builds every desired child of a Pinot cluster.
 *
 * Nodes sharing a `pinotNodeConfig` share its ConfigMap (built once, labelled by the first such node, holding one
 * file per node type that uses it), so it no longer flip-flops between the nodes' labels. Each pod template carries
 * the checksum of its ConfigMap (`checksum.dsoi.io/configmap-<name>`) instead of the Go operator's hash variable.
 *
 * @throws InvalidSpecError naming each problem's field (unknown groups, missing ZooKeeper address, privileged
 * pass-through not allowed by `options`, a Deployment with storage, a name too long for its kind, a config over 1 MiB, ...).
 */
export function desiredPinotChildren(
  owner: PinotOwner,
  spec: PinotSpec = parseSpec(pinotSpecSchema, owner.spec),
  options: DesiredPinotChildrenOptions = {},
): PinotChildren {
  const cluster = owner.metadata.name;
  const problems = [
    ...referenceProblems(spec),
    ...derivedNameProblems(spec, cluster),
    ...privilegedProblems(spec, options),
  ];
  if (problems.length > 0) throw new InvalidSpecError(problems);
  const configData = new Map<string, Record<string, string>>();
  for (const node of spec.nodes) {
    const group = spec.pinotNodeConfig.find((p) => p.name === node.pinotNodeConfig)!;
    const data = configData.get(group.name) ?? {};
    data[configFileOf(node.nodeType)] = pinotConfigFile(spec, cluster, node.nodeType, group.data);
    configData.set(group.name, data);
  }
  const children: ChildSpec[] = [];
  const seenConfigs = new Set<string>();
  const nodeOfWorkload = new Map<string, string>();
  spec.nodes.forEach((node, i) => {
    const k8s = spec.k8sConfig.find((k) => k.name === node.k8sConfig)!;
    const group = spec.pinotNodeConfig.find((p) => p.name === node.pinotNodeConfig)!;
    const configMapName = `${cluster}-${group.name}-config`;
    const files = configData.get(group.name)!;
    const mountPath = configDirOf(node.nodeType);
    const labels = pinotNodeLabels(cluster, node);
    try {
      const { configSecret, envSecret, secrets } = nodeSecretsOf(owner, node, k8s, configMapName, files, mountPath);
      const built = buildNodeWorkload({
        node: { name: node.name, kind: node.kind, replicas: node.replicas },
        namespace: owner.metadata.namespace,
        owner,
        k8sConfig: k8sConfigOf(node, k8s, spec, group.java_opts, cluster, secrets),
        ...(!configSecret && { appConfig: { data: files, mountPath }, configVolumeName: configMapName }),
        selectorLabels: labels,
        names: {
          workload: `${node.name}-${k8s.name}`,
          service: `${node.name}-${k8s.name}-svc`,
          configMap: configMapName,
          container: `${node.name}-${node.nodeType}`,
        },
      });
      const workload = structuredClone(built.workload);
      // Each Secret's checksum on the pod template, as the builder puts the ConfigMap's: a change rolls the pods.
      for (const secret of [configSecret, envSecret]) {
        if (secret) workload.spec.template = withConfigChecksum(workload.spec.template, secret);
      }
      const config = configSecret ?? built.configMap;
      if (config && !seenConfigs.has(configMapName)) {
        seenConfigs.add(configMapName);
        children.push({ object: config });
      }
      if (envSecret) children.push({ object: envSecret });
      if (built.service) children.push({ object: built.service });
      children.push({ object: workload, rolloutStep: spec.deploymentOrder.indexOf(node.nodeType) });
      nodeOfWorkload.set(workload.metadata.name, node.name);
    } catch (err) {
      problems.push(...problemsOf(err, spec, group, i, node, configMapName, problems));
    }
  });
  // ConfigMaps and config Secrets are shared on purpose and listed once, so they never repeat here.
  problems.push(...duplicateChildNames(children, { hint: '(<node>-<k8sConfig>); rename one' }));
  if (problems.length > 0) throw new InvalidSpecError(problems);
  return { children, nodeOfWorkload };
}

/** A Secret owned by the cluster, with `entries` as its data (base64). */
function secretOf(
  owner: PinotOwner,
  name: string,
  labels: Record<string, string>,
  entries: Record<string, string>,
): BuiltSecret {
  return buildSecret({
    name,
    namespace: owner.metadata.namespace,
    labels,
    ownerReferences: [controllerRef(owner)],
    data: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

/**
 * The Secrets of a node: its group's config files when they carry a credential (mounted where the ConfigMap would
 * be, under the same volume name), and the credential literals of its `k8sConfig.env`.
 */
function nodeSecretsOf(
  owner: PinotOwner,
  node: PinotNode,
  k8s: PinotK8sConfig,
  configName: string,
  files: Record<string, string>,
  mountPath: string,
): { configSecret?: BuiltSecret; envSecret?: BuiltSecret; secrets: NodeSecrets } {
  const labels = pinotNodeLabels(owner.metadata.name, node);
  const envSecretName = `${node.name}-${k8s.name}-env`;
  const { credentials } = envWithoutLiterals(k8s.env ?? [], envSecretName);
  const sensitive = hasCredentialLine(Object.values(files).join('\n'));
  const configSecret = sensitive ? secretOf(owner, configName, labels, files) : undefined;
  const envSecret =
    Object.keys(credentials).length > 0 ? secretOf(owner, envSecretName, labels, credentials) : undefined;
  const config = configSecret && {
    volume: { name: configName, secret: { secretName: configName } },
    mount: { name: configName, mountPath },
  };
  return { configSecret, envSecret, secrets: { envSecretName, ...(config && { config }) } };
}

/** A builder error as problems: a config over 1 MiB names the group's data (once); anything else names the node. */
function problemsOf(
  err: unknown,
  spec: PinotSpec,
  group: PinotSpec['pinotNodeConfig'][number],
  index: number,
  node: PinotNode,
  configName: string,
  known: readonly SpecProblem[],
): SpecProblem[] {
  if (!isBuilderValidationError(err)) throw err;
  const kind = /(ConfigMap|Secret) data$/.exec(err.field)?.[1];
  if (err.rule === 'size' && kind) {
    // The builder names the ConfigMap or Secret; the user has to shorten the config text.
    const field = `spec.pinotNodeConfig[${spec.pinotNodeConfig.indexOf(group)}].data`;
    if (known.some((p) => p.field === field)) return [];
    return [
      {
        field,
        message: `the config file(s) of ${kind} ${configName} come to ${String(err.value)}; a ${kind} holds at most 1 MiB (1048576 bytes)`,
      },
    ];
  }
  return [{ field: `spec.nodes[${index}] (${node.name})`, message: err.message }];
}
