/**
 * The desired children of a ParseableTenant (spec section 2.2), with the Go operator's names and labels: per node a
 * ConfigMap `<node>-<parseableConfig>`, a Service `<node>-<k8sConfig>`, a Deployment or StatefulSet
 * `<k8sConfig>-<node>` and one PersistentVolumeClaim `<node>-<k8sConfig>-<storage>` per storageConfig entry; per
 * tenant the object-store ConfigMap `<tenant>-ext`. Every node of every `deploymentOrder` type is built. Pure: no I/O.
 *
 * Credentials never go into a ConfigMap or an environment literal (unlike the Go operator): the entries whose key
 * names one (`P_PASSWORD`, `P_S3_SECRET_KEY`, ...; `isCredentialKey`) go into a Secret of the same name as the
 * ConfigMap they would have joined, which the pods read through `envFrom` (and `secretKeyRef` for `k8sConfig.env`).
 */

import {
  type BuiltConfigMap,
  type BuiltSecret,
  buildConfigMap,
  buildNodeWorkload,
  buildPersistentVolumeClaim,
  buildSecret,
  controllerRef,
  isBuilderValidationError,
  type NodeK8sConfig,
  withConfigChecksum,
} from '@dsoi/builder';
import { nameLimits } from '@dsoi/builder/validation';
import type { KubeObject, ObjectMeta } from '@dsoi/object';
import type { ChildSpec } from '@dsoi/reconcile';
import {
  duplicateChildNames,
  envWithoutLiterals,
  InvalidSpecError,
  nodeReferenceProblems,
  parseSpec,
  privilegedFieldProblems,
  type SpecProblem,
  splitCredentials,
} from '@dsoi/reconcile/dsoi';
import type { V1EnvFromSource, V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import {
  type ParseableConfig,
  type ParseableK8sConfig,
  type ParseableNode,
  type ParseableTenantSpec,
  parseableTenantSpecSchema,
} from '../api/parseableTenant.ts';

/** The identity of the tenant the children belong to. */
export interface TenantOwner extends KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly name: string; readonly namespace: string };
  readonly spec: unknown;
}

/** What a reconcile applies. */
export interface TenantChildren {
  /** The checked spec. */
  readonly spec: ParseableTenantSpec;
  /**
   * Every child; workloads carry their rollout step (the index of their type in deploymentOrder). Data claims come
   * first and are `retained` (no ownerReference: deleting the tenant never deletes them) unless
   * `persistentVolumeClaimRetentionPolicy.whenDeleted` is `Delete`.
   */
  readonly children: ChildSpec[];
  /** Workload name → node name, for status messages. */
  readonly nodeOfWorkload: ReadonlyMap<string, string>;
}

/** The port Parseable listens on when `P_ADDR` does not say (the Go operator hard-coded it). */
export const defaultParseablePort = 8000;

/**
 * The Go operator's pod security context was uid, gid and fsGroup 1000 with `fsGroupChangePolicy: Always`; the
 * builder's defaults (`nodeWorkloadDefaults.podSecurityContext`, Pod Security "restricted") carry the first three, and
 * the policy is kept here, merged over them.
 */
const podSecurityContext = { fsGroupChangePolicy: 'Always' };

/** The five labels the Go operator put on a node's children; also the node's workload and Service selector. */
export function parseableNodeLabels(tenant: string, node: ParseableNode): Record<string, string> {
  return {
    app: 'parseable',
    custom_resource: tenant,
    nodeType: node.type,
    parseableConfig: node.parseableConfig,
    k8sConfigGroup: node.k8sConfig,
  };
}

/** The ConfigMap name of the object-store settings (`spec.external`). */
export function externalConfigMapName(tenant: string): string {
  return `${tenant}-ext`;
}

/** The container port: the port of `P_ADDR` (`host:port`), else 8000. */
export function parseablePort(env: Readonly<Record<string, string>>): number {
  const match = /:(\d{1,5})\s*$/.exec(env.P_ADDR ?? '');
  const port = match ? Number(match[1]) : Number.NaN;
  return port >= 1 && port <= 65_535 ? port : defaultParseablePort;
}

/**
 * Parses `external.objectStore.spec.data`: `KEY=VALUE` lines, blank lines and `#` comments ignored.
 * @throws InvalidSpecError naming the field and the line.
 */
export function parseObjectStoreData(data: string): Record<string, string> {
  const field = 'spec.external.objectStore.spec.data';
  const result: Record<string, string> = {};
  const problems: SpecProblem[] = [];
  data.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? '' : line.slice(0, eq).trim();
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      problems.push({ field, message: `line ${i + 1} is not KEY=VALUE with an environment variable name as KEY` });
      return;
    }
    result[key] = line.slice(eq + 1).trim();
  });
  if (problems.length > 0) throw new InvalidSpecError(problems);
  return result;
}

/** Options of {@link desiredTenantChildren}. */
export interface DesiredTenantChildrenOptions {
  /**
   * Pass privileged pod settings through (`--allow-privileged-pods`): hostPath volumes, Service externalIPs, a
   * ServiceAccount. @default false (each is an InvalidSpec problem naming its field; nothing is written)
   */
  readonly allowPrivilegedPods?: boolean;
}

/** The privileged pass-through of every k8sConfig group, unless allowed. */
function privilegedProblems(spec: ParseableTenantSpec, options: DesiredTenantChildrenOptions): SpecProblem[] {
  if (options.allowPrivilegedPods === true) return [];
  return spec.k8sConfig.flatMap((k8s, i) => privilegedFieldProblems(k8s, { field: `spec.k8sConfig[${i}]` }));
}

/** The tenant's name is the `custom_resource` label value of every child: at most 63 characters. */
function tenantNameProblems(tenant: string): SpecProblem[] {
  if (tenant.length <= nameLimits.labelValue) return [];
  return [
    {
      field: 'metadata.name',
      message: `must be at most ${nameLimits.labelValue} characters, it has ${tenant.length}: it is the custom_resource label value of every child`,
    },
  ];
}

/** Cross-field checks the CRD schema cannot express: group references, node types, names given twice. */
function referenceProblems(spec: ParseableTenantSpec): SpecProblem[] {
  return nodeReferenceProblems(spec, {
    typeField: 'type',
    groupFields: ['k8sConfig', 'parseableConfig'],
    unique: true,
  });
}

interface NodeClaim {
  readonly claim: string;
  readonly volume: string;
  readonly mountPath: string;
  readonly entry: NonNullable<ParseableK8sConfig['storageConfig']>[number];
}

function claimsOf(node: ParseableNode, k8s: ParseableK8sConfig): NodeClaim[] {
  return (k8s.storageConfig ?? []).map((entry) => ({
    claim: `${node.name}-${k8s.name}-${entry.name}`,
    volume: entry.name,
    mountPath: entry.mountPath,
    entry,
  }));
}

/** A ConfigMap or the Secret holding the credentials that would have been in it. */
type EnvSource = BuiltConfigMap | BuiltSecret;

/** `envFrom` of the sources, in order (a key set by two is taken from the last). */
function envFromOf(sources: readonly EnvSource[]): V1EnvFromSource[] {
  return sources.map((source) =>
    source.kind === 'Secret'
      ? { secretRef: { name: source.metadata.name } }
      : { configMapRef: { name: source.metadata.name } },
  );
}

/** The Secret of a ConfigMap's credentials (same name, labels and owner), or none when there are none. */
function credentialSecret(configMap: BuiltConfigMap, credentials: Record<string, string>): BuiltSecret | undefined {
  if (Object.keys(credentials).length === 0) return undefined;
  const { name, namespace, labels, ownerReferences } = configMap.metadata;
  return buildSecret({
    name,
    namespace: namespace!,
    ...(labels && { labels }),
    ...(ownerReferences && { ownerReferences }),
    data: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

/**
 * The node's workload settings; `envSources` are its environment ConfigMaps and Secrets in `envFrom` order: the object
 * store first, then the node's own config, so a key both set is taken from the node's config (last wins).
 */
function k8sConfigOf(
  node: ParseableNode,
  k8s: ParseableK8sConfig,
  config: ParseableConfig,
  envSources: readonly EnvSource[],
  env: V1EnvVar[] | undefined,
): NodeK8sConfig {
  const claims = claimsOf(node, k8s);
  const volumes: V1Volume[] = [
    ...claims.map((c) => ({ name: c.volume, persistentVolumeClaim: { claimName: c.claim } })),
    ...(k8s.volumes ?? []),
  ];
  const volumeMounts: V1VolumeMount[] = [
    ...claims.map((c) => ({ name: c.volume, mountPath: c.mountPath })),
    ...(k8s.volumeMount ?? []),
  ];
  // The Go operator replaced the Service selector; a selector given here is ignored the same way.
  const { selector: _replaced, ...service } = k8s.service ?? {};
  return {
    image: k8s.image,
    ...(k8s.imagePullPolicy && { imagePullPolicy: k8s.imagePullPolicy }),
    args: ['parseable', ...(config.cliArgs ?? [])],
    ports: [{ name: 'http', containerPort: parseablePort(config.env), protocol: 'TCP' }],
    ...(env && { env }),
    envFrom: envFromOf(envSources),
    ...(k8s.resources && { resources: k8s.resources }),
    ...(k8s.livenessProbe && { livenessProbe: k8s.livenessProbe }),
    ...(k8s.readinessProbe && { readinessProbe: k8s.readinessProbe }),
    ...(k8s.startupProbe && { startupProbe: k8s.startupProbe }),
    volumes,
    volumeMounts,
    ...(k8s.service && { service }),
    ...(k8s.nodeSelector && { nodeSelector: k8s.nodeSelector }),
    ...(k8s.tolerations && { tolerations: k8s.tolerations }),
    ...(k8s.podMetadata && { podMetadata: k8s.podMetadata }),
    ...(k8s.serviceAccountName && { serviceAccountName: k8s.serviceAccountName }),
    securityContext: podSecurityContext,
  };
}

/**
 * A builder error as a problem of the node it came from; a ConfigMap or Secret over 1 MiB as a problem of the field its data
 * comes from (`dataField`), since that is what the user has to shorten.
 */
function asProblem(err: unknown, field: string, dataField?: string): SpecProblem {
  const kind = isBuilderValidationError(err) && /(ConfigMap|Secret) data$/.exec(err.field)?.[1];
  if (isBuilderValidationError(err) && err.rule === 'size' && dataField && kind) {
    const size = String(err.value);
    return {
      field: dataField,
      message: `its ${kind} would hold ${size}; a ${kind} holds at most 1 MiB (1048576 bytes)`,
    };
  }
  if (isBuilderValidationError(err)) return { field, message: err.message };
  if (err instanceof InvalidSpecError) return err.problems[0]!;
  throw err;
}

/**
 * The object-store settings of `spec.external` as the ConfigMap every pod reads (`envFrom`), and the Secret of its
 * credentials when it has any. @throws what parsing the lines or building the objects throws.
 */
function objectStoreSources(data: string, tenant: string, namespace: string): EnvSource[] {
  const { plain, credentials } = splitCredentials(parseObjectStoreData(data));
  const configMap = buildConfigMap({
    name: externalConfigMapName(tenant),
    namespace,
    labels: { app: 'parseable', custom_resource: tenant },
    data: plain,
  });
  const secret = credentialSecret(configMap, credentials);
  return secret ? [configMap, secret] : [configMap];
}

/**
 * Builds every desired child of a tenant: all nodes, whatever their type (in `deploymentOrder` order for the
 * rollout), the object-store ConfigMap when `spec.external` is set (in every pod's `envFrom`, its checksum on every
 * pod template), and the data claims, retained or owned as `persistentVolumeClaimRetentionPolicy` says.
 *
 * @throws InvalidSpecError naming each problem's field (schema violations, unknown or duplicate groups, an unlisted
 * node type, privileged pass-through not allowed by `options`, bad object-store lines, a name too long for its kind, a config over 1 MiB, ...).
 */
export function desiredTenantChildren(
  owner: TenantOwner,
  spec: ParseableTenantSpec = parseSpec(parseableTenantSpecSchema, owner.spec),
  options: DesiredTenantChildrenOptions = {},
): TenantChildren {
  const tenant = owner.metadata.name;
  const problems = [...referenceProblems(spec), ...tenantNameProblems(tenant), ...privilegedProblems(spec, options)];
  if (problems.length > 0) throw new InvalidSpecError(problems);
  const namespace = owner.metadata.namespace;
  const retain = (spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') === 'Retain';
  const children: ChildSpec[] = [];
  const nodeOfWorkload = new Map<string, string>();
  const ext: EnvSource[] = [];
  if (spec.external) {
    try {
      ext.push(...objectStoreSources(spec.external.objectStore.spec.data, tenant, namespace));
      for (const object of ext) children.push({ object });
    } catch (err) {
      problems.push(asProblem(err, 'spec.external', 'spec.external.objectStore.spec.data'));
    }
  }
  spec.nodes.forEach((node, i) => {
    const k8s = spec.k8sConfig.find((k) => k.name === node.k8sConfig)!;
    const config = spec.parseableConfig.find((p) => p.name === node.parseableConfig)!;
    const labels = parseableNodeLabels(tenant, node);
    try {
      // Claims first: they are applied before the workloads that mount them.
      for (const c of claimsOf(node, k8s)) {
        const claim = buildPersistentVolumeClaim({ name: c.claim, namespace, labels, spec: c.entry.spec });
        children.push({ object: claim, ownership: retain ? 'retained' : 'controlled' });
      }
      // Parseable reads its config from the environment only (as with the Go operator, which never mounted it): the
      // ConfigMap is built here rather than as the builder's appConfig, so the pods get no unmounted `app-config`
      // volume and every volume name is the user's to choose.
      const { plain, credentials } = splitCredentials(config.env);
      const configMap = buildConfigMap({
        name: `${node.name}-${config.name}`,
        namespace,
        labels,
        ownerReferences: [controllerRef(owner)],
        data: plain,
      });
      const env = k8s.env ? envWithoutLiterals(k8s.env, configMap.metadata.name) : { env: undefined, credentials: {} };
      const secret = credentialSecret(configMap, { ...credentials, ...env.credentials });
      const own: EnvSource[] = secret ? [configMap, secret] : [configMap];
      const envSources = [...ext, ...own];
      const built = buildNodeWorkload({
        node: { name: node.name, kind: node.kind, replicas: node.replicas },
        namespace,
        owner,
        k8sConfig: k8sConfigOf(node, k8s, config, envSources, env.env),
        selectorLabels: labels,
        names: {
          workload: `${k8s.name}-${node.name}`,
          service: `${node.name}-${k8s.name}`,
          configMap: configMap.metadata.name,
          container: `${node.name}-${node.type}`,
        },
      });
      const workload = structuredClone(built.workload);
      // Each ConfigMap's and Secret's checksum on the pod template: a change of any rolls the node's pods.
      for (const source of envSources) workload.spec.template = withConfigChecksum(workload.spec.template, source);
      for (const object of own) children.push({ object });
      if (built.service) children.push({ object: built.service });
      children.push({ object: workload, rolloutStep: spec.deploymentOrder.indexOf(node.type) });
      nodeOfWorkload.set(workload.metadata.name, node.name);
    } catch (err) {
      const configField = `spec.parseableConfig[${spec.parseableConfig.indexOf(config)}].env`;
      const problem = asProblem(err, `spec.nodes[${i}] (${node.name})`, configField);
      // Nodes sharing a config group share its problem.
      if (!problems.some((p) => p.field === problem.field && p.message === problem.message)) problems.push(problem);
    }
  });
  problems.push(...duplicateChildNames(children));
  if (problems.length > 0) throw new InvalidSpecError(problems);
  return { spec, children, nodeOfWorkload };
}
