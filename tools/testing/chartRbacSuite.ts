/**
 * The least-privilege suite both reference operators run (`describeChartRbac`): real Helm installs the chart, and the
 * operator runs with the token of the ServiceAccount and the RBAC it created (cluster-wide, and with one watched
 * namespace: Roles only) through the operator's own scenario while every Kubernetes request it makes is recorded.
 * Then (a) nothing it did was denied, (b) every rule the chart grants was used or is allowlisted with the reason, and
 * (c) a rule taken out of the chart makes the start-up fail with a MissingPermissionsError naming exactly it.
 */

import { type AddressInfo, createServer } from 'node:net';
import type { Client, RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
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
  /** The secure-metrics case only: `/metrics` on this address, behind a bearer token (`metricsAuth`). */
  readonly metrics?: { readonly host: string; readonly port: number };
  readonly metricsAuth?: boolean;
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

/**
 * The scenario cases: cluster-wide (a ClusterRole), one watched namespace (Roles only), and one namespace with
 * `metrics.secure` (Roles, plus the ClusterRole of the two reviews and `<release>-metrics-reader`), where a scraper
 * is refused without the reader grant and served with it.
 */
const modes = [
  { mode: 'cluster-wide', values: () => ({}), rbac: 'ClusterRole', secure: false },
  { mode: 'watch-namespaces', values: (ns: string) => ({ watchNamespaces: [ns] }), rbac: 'Role', secure: false },
  {
    mode: 'watch-namespaces with metrics.secure',
    values: (ns: string) => ({ watchNamespaces: [ns], metrics: { secure: true } }),
    rbac: 'Role',
    secure: true,
  },
];

/** What secure metrics adds to the operator's grants: the reviews of a scraper's token, cluster-wide. */
const reviewGrants = [
  'authentication.k8s.io tokenreviews create *',
  'authorization.k8s.io subjectaccessreviews create *',
];
const reviewResources = ['tokenreviews', 'subjectaccessreviews'];

/** A port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET `url` with an optional bearer token, retried while nothing listens yet. */
async function scrape(url: string, token?: string): Promise<number> {
  const headers = token === undefined ? undefined : { authorization: `Bearer ${token}` };
  for (let attempt = 0; ; attempt++) {
    try {
      return (await fetch(url, headers ? { headers } : {})).status;
    } catch (err) {
      if (attempt >= 100) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Waits until a SubjectAccessReview says `user` may get /metrics (the authorizer's cache lags a binding). */
async function waitUntilAllowed(admin: Client, user: string): Promise<void> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, nonResourceAttributes: { path: '/metrics', verb: 'get' } },
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    const answer = await admin.create<typeof review & { status?: { allowed?: boolean } }>(review);
    if (answer.status?.allowed === true) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${user} was never allowed to get /metrics`);
}

/**
 * The secure-metrics case: the chart's `<release>-metrics-reader` grants exactly `get /metrics` and is not the
 * operator's; a token of an account bound to it is served (200), another account's is refused (403), no token 401.
 * The operator's review grants are used by these scrapes, so the unused-grant check holds them to being needed.
 */
async function checkSecureMetrics(
  admin: Client,
  objects: readonly any[],
  url: string,
  ns: string,
  kubeConfig: KubeConfig,
) {
  const reader = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name.endsWith('-metrics-reader'));
  expect(reader?.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${ns}-scraper` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader.metadata.name },
    subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: ns }],
  };
  await admin.create(binding as KubeObject);
  try {
    // The operator caches a denial for a minute: scrape only once the authorizer has seen the new binding.
    await waitUntilAllowed(admin, `system:serviceaccount:${ns}:scraper`);
    const token = async (name: string) =>
      (await serviceAccountKubeConfig(kubeConfig, { namespace: ns, name })).getCurrentUser()?.token;
    expect(await scrape(url)).toBe(401);
    expect(await scrape(url, await token('stranger'))).toBe(403);
    expect(await scrape(url, await token('scraper'))).toBe(200);
  } finally {
    await admin.delete(binding as KubeObject).catch(() => {});
  }
}

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
        const expected = [
          `${mode.rbac} ${mode.rbac === 'Role' ? ns : undefined}`,
          `Role ${release}`,
          ...(mode.secure ? ['ClusterRole undefined', 'ClusterRole undefined'] : []),
        ];
        expect(roles.sort()).toEqual(expected.sort());
        await waitForRbac(asOperator, ns);
        const record: RequestInfo[] = [];
        const metrics = mode.secure ? { host: '127.0.0.1', port: await freePort() } : undefined;
        const stop = new AbortController();
        const run = options.startOperator(
          {
            kubeConfig: asOperator,
            watchNamespaces: [ns],
            leaderElection: { namespace: release, leaseName, retryPeriodMs: 500 },
            logger: logger(),
            onRequest: (info) => record.push(info),
            ...(metrics && { metrics, metricsAuth: true }),
          },
          stop.signal,
        );
        try {
          await options.scenario(admin, ns);
          if (metrics)
            await checkSecureMetrics(admin, objects, `http://127.0.0.1:${metrics.port}/metrics`, ns, kubeConfig);
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
        // With metrics.secure the only cluster-wide grants are the two reviews (cluster-scoped kinds).
        const wide = mode.rbac === 'Role' ? ' *' : ' <watched>';
        expect(widths.filter((g) => g.endsWith(wide))).toEqual(mode.secure ? reviewGrants : []);
        const outside = record
          .filter((r) => needsGrant(r) && r.namespace !== ns && r.namespace !== release)
          .filter((r) => !(mode.secure && reviewResources.includes(r.resource)))
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
