/**
 * The least-privilege check of an operator chart, shared by both reference operators: what a chart's Roles and
 * ClusterRoles grant, what a recorded run of the operator used, the grants nobody used, and the chart with one grant
 * taken out (to prove the start-up check names it).
 */

import { type Client, createClient, type RequestInfo } from '@dsoi/client';
import { isForbidden } from '@dsoi/client/errors';
import { kubeconfigEnv, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { helm, valuesFile } from './helm.ts';

/** One permission as RBAC sees it: `group resource[/subresource] verb namespace|*`. */
export type Grant = string;

interface Rule {
  /** Absent in a rule of non-resource URLs. */
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

/**
 * Every (group, resource, verb) the objects grant: ClusterRole rules everywhere, Role rules in their namespace. Rules
 * of non-resource URLs are left out: the only one, `<release>-metrics-reader`, is for scrapers, not for the operator.
 */
export function grantsOf(objects: readonly any[]): Grant[] {
  return objects.flatMap((object) => {
    if (object.kind !== 'ClusterRole' && object.kind !== 'Role') return [];
    const where = object.kind === 'Role' ? object.metadata.namespace : '*';
    return (object.rules as Rule[]).flatMap((rule) =>
      (rule.nonResourceURLs ? [] : (rule.apiGroups ?? [])).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${group} ${resource} ${verb} ${where}`)),
      ),
    );
  });
}

/** Whether a recorded request needs a grant: discovery needs no RBAC, and access reviews are every user's. */
export function needsGrant(info: RequestInfo): boolean {
  return info.resource !== '' && info.resource !== 'selfsubjectaccessreviews';
}

/**
 * The permissions a recorded request exercised. A server-side apply that answered 201 created the object, which the
 * API server authorizes as `create` besides `patch`.
 */
function usesOf(info: RequestInfo): { group: string; resource: string; verb: string; namespace?: string }[] {
  if (!needsGrant(info)) return [];
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const use = { group: info.group, resource, namespace: info.namespace };
  return [
    { ...use, verb: info.verb },
    ...(info.operation === 'apply' && info.code === 201 ? [{ ...use, verb: 'create' }] : []),
  ];
}

function isUsed(grant: Grant, record: readonly RequestInfo[]): boolean {
  const [group, resource, verb, where] = grant.split(' ');
  return record.some((info) =>
    usesOf(info).some(
      (u) =>
        u.group === group && u.resource === resource && u.verb === verb && (where === '*' || u.namespace === where),
    ),
  );
}

/** The requests the API server refused, as `verb group/resource namespace`. */
export function deniedRequests(record: readonly RequestInfo[]): string[] {
  return record.filter((r) => r.code === 403).map((r) => `${r.verb} ${r.group}/${r.resource} ${r.namespace}`);
}

/**
 * The grants of `objects` that no recorded request used, with each namespace in `names` written as its key (e.g.
 * `{ [release]: '<release>' }`), so the result compares with a fixed allowlist.
 */
export function unusedGrants(
  objects: readonly any[],
  record: readonly RequestInfo[],
  names: Readonly<Record<string, string>>,
): Grant[] {
  return grantsOf(objects)
    .filter((grant) => !isUsed(grant, record))
    .map((grant) => namedGrant(grant, names));
}

/** `grant` with its namespace written as its key in `names`. */
export function namedGrant(grant: Grant, names: Readonly<Record<string, string>>): Grant {
  const at = grant.lastIndexOf(' ');
  const where = grant.slice(at + 1);
  return `${grant.slice(0, at)} ${names[where] ?? where}`;
}

/** `objects` with `verb` on `group`/`resource` taken out of every Role and ClusterRole. */
export function withoutGrant(
  objects: readonly any[],
  missing: { readonly group: string; readonly resource: string; readonly verb: string },
): any[] {
  const { group, resource, verb } = missing;
  return objects.map((object) => {
    if (object.kind !== 'ClusterRole' && object.kind !== 'Role') return object;
    const rules = (object.rules as Rule[]).flatMap((rule) => {
      if (!rule.apiGroups?.includes(group) || !rule.resources?.includes(resource)) return [rule];
      const others = rule.resources.filter((r) => r !== resource);
      const verbs = rule.verbs.filter((v) => v !== verb);
      return [
        ...(others.length > 0 ? [{ ...rule, resources: others }] : []),
        ...(verbs.length > 0 ? [{ apiGroups: [group], resources: [resource], verbs }] : []),
      ];
    });
    return { ...object, rules };
  });
}

/** Applies the chart's ServiceAccount and RBAC objects (nothing else); returns the cluster-scoped ones to delete. */
export async function applyRbac(admin: Client, objects: readonly any[]): Promise<KubeObject[]> {
  const rbac = objects.filter((o) =>
    ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind),
  );
  for (const object of rbac) await admin.apply(object as KubeObject, { force: true });
  return rbac.filter((o) => !o.metadata.namespace);
}

/** Waits until the authorizer lets `asOperator` list ConfigMaps in `namespace` (its cache lags a write by moments). */
export async function waitForRbac(asOperator: KubeConfig, namespace: string, timeoutMs = 30_000): Promise<void> {
  const client = createClient({ kubeConfig: asOperator, fieldManager: 'rbac-probe' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const allowed = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace }).then(
      () => true,
      (err: unknown) => {
        if (!isForbidden(err)) throw err;
        return false;
      },
    );
    if (allowed) return;
    if (Date.now() > deadline)
      throw new Error(`the chart's RBAC never let the operator list ConfigMaps in ${namespace}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A grant without its namespace (`group resource verb`), as an allowlist names it. */
export function withoutNamespace(grant: Grant): string {
  return grant.slice(0, grant.lastIndexOf(' '));
}

/** Installs one chart with real Helm, one release per namespace of the same name, and uninstalls them all at the end. */
export interface ChartInstaller {
  /**
   * `helm install <release>` into namespace `<release>` with `values`; returns the objects Helm installed and a
   * KubeConfig holding a token of the ServiceAccount the chart created (named like the release).
   */
  install(release: string, values: Record<string, unknown>): Promise<{ objects: any[]; asOperator: KubeConfig }>;
  /** `helm uninstall` of every release installed so far (errors ignored: cleanup). */
  uninstallAll(): Promise<void>;
}

/** Creates a {@link ChartInstaller} for the chart in `chartDir`, against the test control plane of `kubeConfig`. */
export function createChartInstaller(chartDir: string, kubeConfig: KubeConfig): ChartInstaller {
  const kube = { kubeconfig: process.env[kubeconfigEnv]! };
  const releases: string[] = [];
  return {
    async install(release, values) {
      await helm(['install', release, chartDir, '--namespace', release, '--values', valuesFile(values)], kube);
      releases.push(release);
      const manifest = await helm(['get', 'manifest', release, '--namespace', release], kube);
      const objects = parseAllDocuments(manifest)
        .map((doc) => doc.toJS())
        .filter((object) => object);
      return {
        objects,
        asOperator: await serviceAccountKubeConfig(kubeConfig, { namespace: release, name: release }),
      };
    },
    async uninstallAll() {
      for (const release of releases.splice(0)) {
        await helm(['uninstall', release, '--namespace', release], kube).catch(() => {});
      }
    },
  };
}
