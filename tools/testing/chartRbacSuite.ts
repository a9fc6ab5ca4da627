/**
 * The least-privilege suite both reference operators run (`describeChartRbac`): real Helm installs the chart, and the
 * operator runs with the token of the ServiceAccount and the RBAC it created (cluster-wide, and with one watched
 * namespace: Roles only) through the operator's own scenario while every Kubernetes request it makes is recorded.
 * Then (a) nothing it did was denied, (b) every rule the chart grants was used or is allowlisted with the reason, and
 * (c) a rule taken out of the chart makes the start-up fail with a MissingPermissionsError naming exactly it.
 */
import type { Client, KubeObject, RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import { createLogger, type Logger, MissingPermissionsError } from '@dsoi/reconcile';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRbac,
  createChartInstaller,
  deniedRequests,
  grantsOf,
  namedGrant,
  needsGrant,
  unusedGrants,
  waitForRbac,
  withoutGrant,
  withoutNamespace,
} from './chartRbac.ts';
import { helmBinary, helmTemplate } from './helm.ts';

/** What the operator is started with, in each case of the suite. */
export interface RbacOperatorOptions {
  /** The ServiceAccount's credentials. */
  readonly kubeConfig: KubeConfig;
  readonly watchNamespaces: readonly string[];
  /** The Lease in the release namespace, as the chart's operator would use it. */
  readonly leaderElection: { readonly namespace: string; readonly leaseName: string; readonly retryPeriodMs?: number };
  readonly logger: Logger;
  /** Records every request (the scenario case only). */
  readonly onRequest?: (info: RequestInfo) => void;
}

/** A permission taken out of the chart, and how the start-up error must name it. */
export interface MissingGrant {
  readonly group: string;
  /** `resource` or `resource/subresource`. */
  readonly resource: string;
  readonly verb: string;
  /** As the error message shows it, e.g. `pinots.datainfra.io/status`. */
  readonly shown: string;
  /** The start of the message's "needed by", e.g. `controller "pinot" (writes status)`. */
  readonly by: string;
}

/** What {@link describeChartRbac} needs to know about an operator and its chart. */
export interface ChartRbacOptions {
  /** The chart folder (deploy/chart). */
  readonly chartDir: string;
  readonly kubeConfig: KubeConfig;
  /** Installs the operator's CRDs (idempotent) and returns an admin client. */
  readonly installCrds: () => Promise<Client>;
  /** The Lease name of the chart's operator. */
  readonly leaseName: string;
  /** Prefix of the test namespaces, e.g. `pinot`. */
  readonly namespacePrefix: string;
  /** Starts the operator; resolves when its signal is aborted and it drained. */
  readonly startOperator: (options: RbacOperatorOptions, signal: AbortSignal) => Promise<void>;
  /** The realistic scenario in `namespace`, run while the operator records its requests. */
  readonly scenario: (admin: Client, namespace: string) => Promise<void>;
  /** Grants no scenario can show in a request record, each with why the operator still needs it. */
  readonly allowlist: Readonly<Record<string, string>>;
  /** Permissions whose absence the start-up check must name. */
  readonly missing: readonly MissingGrant[];
}

const logger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The two scenario cases: cluster-wide (a ClusterRole) and one watched namespace (Roles only). */
const modes = [
  { mode: 'cluster-wide', values: () => ({}), rbac: 'ClusterRole' },
  { mode: 'watch-namespaces', values: (ns: string) => ({ watchNamespaces: [ns] }), rbac: 'Role' },
];

/** Defines the chart's RBAC suite in the calling test file. */
export function describeChartRbac(options: ChartRbacOptions): void {
  const { chartDir, kubeConfig, leaseName, namespacePrefix, allowlist } = options;
  const chart = createChartInstaller(chartDir, kubeConfig);
  const namespaces = () =>
    Promise.all([
      createTestNamespace(kubeConfig, `${namespacePrefix}-rel`),
      createTestNamespace(kubeConfig, `${namespacePrefix}-rbac`),
    ]);
  let admin: Client;
  const clusterScoped: KubeObject[] = [];
  beforeAll(async () => {
    await helmBinary(); // builds helm once when the cache has none
    admin = await options.installCrds();
  }, 1_800_000);
  afterAll(async () => {
    await chart.uninstallAll();
    for (const object of clusterScoped) await admin.delete(object).catch(() => {});
  });

  describe("the chart's RBAC", () => {
    it.each(modes)(
      '$mode: a whole scenario as its ServiceAccount is never denied and uses every grant',
      async (mode) => {
        const [release, ns] = await namespaces();
        const { objects, asOperator } = await chart.install(release, mode.values(ns));
        const roles = objects.filter((o) => o.kind.endsWith('Role')).map((o) => `${o.kind} ${o.metadata.namespace}`);
        const expected = [`${mode.rbac} ${mode.rbac === 'Role' ? ns : undefined}`, `Role ${release}`];
        expect(roles.sort()).toEqual(expected.sort());
        await waitForRbac(asOperator, ns);
        const record: RequestInfo[] = [];
        const stop = new AbortController();
        const run = options.startOperator(
          {
            kubeConfig: asOperator,
            watchNamespaces: [ns],
            leaderElection: { namespace: release, leaseName, retryPeriodMs: 500 },
            logger: logger(),
            onRequest: (info) => record.push(info),
          },
          stop.signal,
        );
        try {
          await options.scenario(admin, ns);
        } finally {
          stop.abort();
          await run;
        }
        // (a) Nothing the operator did was denied.
        expect(deniedRequests(record)).toEqual([]);
        // (b) Every grant was used, or is allowlisted (and every allowlist entry is still granted).
        const names = { [release]: '<release>', [ns]: '<watched>' };
        expect(unusedGrants(objects, record, names).filter((g) => !(withoutNamespace(g) in allowlist))).toEqual([]);
        const granted = grantsOf(objects).map((g) => withoutNamespace(namedGrant(g, names)));
        for (const grant of Object.keys(allowlist)) expect(granted).toContain(grant);
        // (c) The width of every grant, not only its verb and resource: Leases only in the release namespace and
        // nothing else there; nothing cluster-wide in watch-namespaces mode, no per-namespace Role in cluster-wide
        // mode; and no request of the operator left the watched and release namespaces.
        const widths = grantsOf(objects).map((g) => namedGrant(g, names));
        expect(widths.filter((g) => g.endsWith(' <release>')).sort()).toEqual(
          ['create', 'get', 'update'].map((verb) => `coordination.k8s.io leases ${verb} <release>`),
        );
        expect(widths.filter((g) => g.startsWith('coordination.k8s.io leases ') && !g.endsWith(' <release>'))).toEqual(
          [],
        );
        const wide = mode.rbac === 'Role' ? ' *' : ' <watched>';
        expect(widths.filter((g) => g.endsWith(wide))).toEqual([]);
        const outside = record
          .filter((r) => needsGrant(r) && r.namespace !== ns && r.namespace !== release)
          .map((r) => `${r.verb} ${r.group}/${r.resource} ${r.namespace ?? '(all namespaces)'}`);
        expect(outside).toEqual([]);
      },
      180_000,
    );

    it.each(options.missing)(
      'without $verb $resource in the ClusterRole, the start-up fails naming exactly it',
      async (missing) => {
        const [release, ns] = await namespaces();
        const rendered = await helmTemplate(chartDir, { name: release, namespace: release });
        clusterScoped.push(...(await applyRbac(admin, withoutGrant(rendered, missing))));
        const asOperator = await serviceAccountKubeConfig(kubeConfig, { namespace: release, name: release });
        await waitForRbac(asOperator, ns);
        const error = await options
          .startOperator(
            {
              kubeConfig: asOperator,
              watchNamespaces: [ns],
              leaderElection: { namespace: release, leaseName },
              logger: logger(),
            },
            AbortSignal.timeout(60_000),
          )
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect(error).toBeInstanceOf(MissingPermissionsError);
        const [resource, subresource] = missing.resource.split('/');
        expect((error as MissingPermissionsError).missing).toEqual([
          expect.objectContaining({
            verb: missing.verb,
            group: missing.group,
            resource,
            ...(subresource && { subresource }),
            namespace: ns,
          }),
        ]);
        expect((error as Error).message).toContain(
          `cannot "${missing.verb}" "${missing.shown}" in namespace "${ns}", needed by ${missing.by}`,
        );
      },
    );
  });
}
