/**
 * The chart tests both reference operators run, with real Helm against the suite's real API server: lint, the values
 * schema, the generated docs, `helm template` applied with a server-side dry run in every mode, and install, upgrade
 * (values, and a new CRD version in `crds/`) and uninstall.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { createTestNamespace, installCrds } from '@dsoi/envtest/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedChartFiles } from '../charts/chartValues.ts';
import { syncedChartYaml } from '../charts/chartVersion.ts';
import { helm, helmBinary, helmTemplate, valuesFile } from './helm.ts';

/** What {@link describeChart} needs to know about an operator and its chart. */
export interface ChartSuiteOptions {
  /** The chart folder (deploy/chart). */
  readonly chartDir: string;
  /** The app's package.json, whose version the chart's version and appVersion follow. */
  readonly packageJson: string;
  /** The admin client of the suite, once its CRDs are installed. */
  readonly admin: () => Client;
  readonly kubeConfig: KubeConfig;
  /** The path of the suite's kubeconfig file, for helm. */
  readonly kubeconfigPath: string;
  /** Values only this operator has, set in the every-option render. */
  readonly appValues: Record<string, unknown>;
  /** Checks the operator container of the every-option render for those values. */
  readonly expectAppValues: (container: any) => void;
}

/** A ServiceMonitor CRD carrying only the fields the charts render, so the dry run still checks their names. */
const serviceMonitorCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: {
      kind: 'ServiceMonitor',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
      listKind: 'ServiceMonitorList',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['selector', 'endpoints'],
                properties: {
                  selector: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  namespaceSelector: {
                    type: 'object',
                    properties: { matchNames: { type: 'array', items: { type: 'string' } } },
                  },
                  endpoints: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        port: { type: 'string' },
                        path: { type: 'string' },
                        interval: { type: 'string' },
                        scrapeTimeout: { type: 'string' },
                        // metrics.secure and metrics.tls, as the Prometheus Operator's CRD declares them
                        bearerTokenFile: { type: 'string' },
                        scheme: { type: 'string', enum: ['http', 'https'] },
                        tlsConfig: {
                          type: 'object',
                          properties: {
                            serverName: { type: 'string' },
                            ca: {
                              type: 'object',
                              properties: {
                                secret: {
                                  type: 'object',
                                  required: ['key'],
                                  properties: { key: { type: 'string' }, name: { type: 'string' } },
                                },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const kindNames = (objects: readonly any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const deploymentOf = (objects: readonly any[]) => objects.find((o) => o.kind === 'Deployment');
const envOf = (container: any) =>
  Object.fromEntries((container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));

/** Every value the chart has, set to something other than its default (the app adds its own). */
function everyOption(namespace: string, watched: string, appValues: Record<string, unknown>) {
  return {
    nameOverride: 'op',
    fullnameOverride: `${namespace}-op`,
    image: {
      repository: 'registry.example.com/dsoi/operator',
      tag: '9.9.9',
      digest: `sha256:${'a'.repeat(64)}`,
      pullPolicy: 'Always',
    },
    imagePullSecrets: [{ name: 'regcred' }],
    replicaCount: 2,
    leaderElection: { enabled: false },
    watchNamespaces: [watched],
    denyNamespaces: ['kube-system', 'kube-public'],
    reconcileWait: '1m30s',
    logLevel: 'debug',
    extraArgs: [`--leader-election-namespace=${namespace}`],
    extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
    serviceAccount: { create: true, name: `${namespace}-sa`, annotations: { 'example.com/role': 'operator' } },
    resources: { requests: { cpu: '200m', memory: '300Mi' }, limits: { cpu: '1', memory: '600Mi' } },
    podAnnotations: { 'example.com/scrape': 'true' },
    podLabels: { team: 'data' },
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 4000,
      fsGroup: 4000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      runAsGroup: 4000,
    },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'operators', effect: 'NoSchedule' }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }],
        },
      },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ],
    priorityClassName: 'system-cluster-critical',
    metrics: {
      enabled: true,
      port: 9090,
      secure: true,
      readers: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
      tls: { secretName: 'metrics-tls' },
      serviceMonitor: { enabled: true, interval: '15s', scrapeTimeout: '10s', labels: { release: 'prometheus' } },
    },
    probePort: 9091,
    networkPolicy: {
      enabled: true,
      metricsFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      egress: [{ ports: [{ protocol: 'TCP', port: 443 }] }],
    },
    ...appValues,
  };
}

/** Registers the chart tests of one operator. */
export function describeChart(options: ChartSuiteOptions): void {
  const { chartDir, kubeConfig, kubeconfigPath } = options;
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; appVersion: string };
  const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as { image: { repository: string } };
  const kube = { kubeconfig: kubeconfigPath };

  /** Applies every object with a server-side dry run and strict field validation, naming the object that fails. */
  const dryRun = async (objects: readonly any[]) => {
    for (const object of objects) {
      await options
        .admin()
        .apply(object, { dryRun: true, fieldValidation: 'Strict' })
        .catch((err: unknown) => {
          throw new Error(`${object.kind}/${object.metadata.name}: ${(err as Error).message}`);
        });
    }
  };

  /**
   * Dry-runs the pod the chart's Deployment makes in namespace `ns`, labelled to enforce the restricted Pod Security
   * Standard (the API server's PodSecurity admission refuses it otherwise); returns the pod template.
   */
  const dryRunRestrictedPod = async (ns: string, objects: readonly any[]) => {
    await options.admin().apply(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      },
      { force: true },
    );
    const template = deploymentOf(objects).spec.template;
    await dryRun([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...template.metadata, name: ns, namespace: ns },
        spec: template.spec,
      },
    ]);
    return template;
  };

  const exists = async (type: { apiVersion: string; kind: string }, name: string, namespace?: string) =>
    options
      .admin()
      .get({ ...type, name, ...(namespace && { namespace }) })
      .then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      );

  describe(`the ${chart.name} chart, with real Helm`, () => {
    beforeAll(async () => {
      await helmBinary(); // builds helm once when the cache has none
      await installCrds(kubeConfig, [serviceMonitorCrd as unknown as CustomResourceDefinitionObject]);
    }, 1_800_000);

    it('passes helm lint --strict with the default values and with every option set', async () => {
      await helm(['lint', '--strict', chartDir]);
      const values = everyOption('lint', 'lint-watched', options.appValues);
      await helm(['lint', '--strict', chartDir, '--namespace', 'lint', '--values', valuesFile(values)]);
    });

    it.each([
      [{ replicaCount: 'two' }, 'replicaCount'],
      [{ logLevel: 'verbose' }, 'logLevel'],
      [{ replicas: 2 }, 'replicas'],
      [{ image: { pullPolicy: 'Sometimes' } }, 'pullPolicy'],
      [{ watchNamespaces: ['Not_A_Namespace'] }, 'watchNamespaces'],
      [{ reconcileWait: 'ten seconds' }, 'reconcileWait'],
    ])('refuses %j before rendering, naming the value', async (values, named) => {
      const error = await helmTemplate(chartDir, { name: 'bad', namespace: 'bad', values }).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(error?.message).toContain('values don');
      expect(error?.message).toContain(named);
    });

    it('commits the values.schema.json and README table generated from values.yaml, and follows the app version', () => {
      for (const [file, content] of Object.entries(generatedChartFiles(chartDir))) {
        expect(readFileSync(join(chartDir, file), 'utf8'), `${file}: run node tools/charts/generate.ts`).toBe(content);
      }
      const { version } = JSON.parse(readFileSync(options.packageJson, 'utf8')) as { version: string };
      const chartYaml = readFileSync(join(chartDir, 'Chart.yaml'), 'utf8');
      expect(chartYaml, 'run node tools/charts/release.ts --sync').toBe(syncedChartYaml(chartYaml, version));
      expect(parse(syncedChartYaml(chartYaml, '9.8.7-rc.1'))).toMatchObject({
        version: '9.8.7-rc.1',
        appVersion: '9.8.7-rc.1',
      });
    });

    it('renders, with the default values, objects and CRDs the API server accepts (server-side dry run)', async () => {
      const ns = await createTestNamespace(kubeConfig, 'chart');
      const objects = await helmTemplate(chartDir, { name: ns, namespace: ns }, { includeCrds: true });
      const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
      expect(crds.length).toBe(readdirSync(join(chartDir, 'crds')).length);
      const released = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
      expect(kindNames(released)).toEqual(
        [
          `ClusterRole/${ns}`,
          `ClusterRoleBinding/${ns}`,
          `Deployment/${ns}`,
          `Role/${ns}-leader-election`,
          `RoleBinding/${ns}-leader-election`,
          `Service/${ns}-metrics`,
          `ServiceAccount/${ns}`,
        ].sort(),
      );
      await dryRun(objects);
      const template = await dryRunRestrictedPod(ns, objects);
      const pod = template.spec;
      const container = pod.containers[0];
      expect(container.image).toBe(`${defaults.image.repository}:${chart.appVersion}`);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.limits.memory).toBe('512Mi');
      expect(container.resources.requests.cpu).toBe('100m');
      expect(container.args).toEqual([
        '--leader-elect',
        '--metrics-bind-address=:8080',
        '--health-probe-bind-address=:8081',
      ]);
      expect(envOf(container)).toMatchObject({
        RECONCILE_WAIT: '10s',
        WATCH_NAMESPACE: '',
        LOG_LEVEL: 'info',
        NODE_OPTIONS: '--max-old-space-size=384',
      });
    });

    it('caps the V8 heap at heapPercentOfMemoryLimit of the memory limit, unless extraEnv sets NODE_OPTIONS', async () => {
      const nodeOptions = async (values: Record<string, unknown>) => {
        const objects = await helmTemplate(chartDir, { name: 'heap', namespace: 'ops', values });
        const env = deploymentOf(objects).spec.template.spec.containers[0].env as { name: string; value: string }[];
        return env.filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value);
      };
      expect(await nodeOptions({ resources: { limits: { memory: '1Gi' } } })).toEqual(['--max-old-space-size=768']);
      expect(await nodeOptions({ resources: { limits: { memory: '300M' } }, heapPercentOfMemoryLimit: 50 })).toEqual([
        '--max-old-space-size=143',
      ]);
      expect(await nodeOptions({ heapPercentOfMemoryLimit: 0 })).toEqual([]);
      expect(await nodeOptions({ resources: { limits: null } })).toEqual([]);
      expect(await nodeOptions({ extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=100' }] })).toEqual([
        '--max-old-space-size=100',
      ]);
    });

    it('renders every option into objects the API server accepts, with Roles only in the watched namespace, ClusterRoles only for secure metrics', async () => {
      const [ns, watched] = await Promise.all([
        createTestNamespace(kubeConfig, 'chart-all'),
        createTestNamespace(kubeConfig, 'chart-watched'),
      ]);
      const objects = await helmTemplate(chartDir, {
        name: 'release',
        namespace: ns,
        values: everyOption(ns, watched, options.appValues),
      });
      const name = `${ns}-op`;
      expect(kindNames(objects)).toEqual(
        [
          `ClusterRole/${name}-metrics-auth`,
          `ClusterRole/${name}-metrics-reader`,
          `ClusterRoleBinding/${name}-metrics-auth`,
          `ClusterRoleBinding/${name}-metrics-reader`,
          `Deployment/${name}`,
          `NetworkPolicy/${name}`,
          `Role/${name}`,
          `Role/${name}-leader-election`,
          `RoleBinding/${name}`,
          `RoleBinding/${name}-leader-election`,
          `Service/${name}-metrics`,
          `ServiceAccount/${ns}-sa`,
          `ServiceMonitor/${name}`,
        ].sort(),
      );
      expect(objects.find((o) => o.kind === 'Role' && o.metadata.name === name).metadata.namespace).toBe(watched);
      await dryRun(objects);
      const template = await dryRunRestrictedPod(ns, objects);
      const pod = template.spec;
      const container = pod.containers[0];
      expect(container.image).toBe(`registry.example.com/dsoi/operator@sha256:${'a'.repeat(64)}`);
      // Two replicas elect a leader although leaderElection.enabled is false.
      expect(container.args).toEqual([
        '--leader-elect',
        '--metrics-bind-address=:9090',
        '--health-probe-bind-address=:9091',
        '--metrics-secure',
        '--metrics-cert-dir=/tmp/k8s-metrics-server/metrics-certs',
        `--leader-election-namespace=${ns}`,
      ]);
      // metrics.tls: the Secret mounted where --metrics-cert-dir reads it; the ServiceMonitor scrapes https with a token.
      expect(container.volumeMounts).toContainEqual({
        name: 'metrics-certs',
        mountPath: '/tmp/k8s-metrics-server/metrics-certs',
        readOnly: true,
      });
      expect(pod.volumes).toContainEqual({ name: 'metrics-certs', secret: { secretName: 'metrics-tls' } });
      expect(objects.find((o) => o.kind === 'ServiceMonitor').spec.endpoints[0]).toMatchObject({
        scheme: 'https',
        bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        tlsConfig: { serverName: `${name}-metrics.${ns}.svc`, ca: { secret: { name: 'metrics-tls', key: 'ca.crt' } } },
      });
      expect(envOf(container)).toMatchObject({
        WATCH_NAMESPACE: watched,
        DENY_LIST: 'kube-system,kube-public',
        RECONCILE_WAIT: '1m30s',
        LOG_LEVEL: 'debug',
        NODE_OPTIONS: '--max-old-space-size=384',
      });
      expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'op',
        'app.kubernetes.io/instance': 'release',
      });
      expect(pod).toMatchObject({
        serviceAccountName: `${ns}-sa`,
        imagePullSecrets: [{ name: 'regcred' }],
        priorityClassName: 'system-cluster-critical',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
      });
      expect(deploymentOf(objects).spec.template.metadata).toMatchObject({
        labels: { team: 'data' },
        annotations: { 'example.com/scrape': 'true' },
      });
      options.expectAppValues(container);
    });

    it('keeps the ClusterRole with several watched namespaces; runs as an existing ServiceAccount when asked', async () => {
      const ns = await createTestNamespace(kubeConfig, 'chart-multi');
      const objects = await helmTemplate(chartDir, {
        name: ns,
        namespace: ns,
        values: {
          watchNamespaces: ['team-a', 'team-b'],
          leaderElection: { enabled: false },
          metrics: { enabled: false },
          serviceAccount: { create: false, name: 'existing' },
        },
      });
      // Several namespaces are watched cluster-wide and filtered by the operator, so RBAC stays cluster-wide.
      expect(kindNames(objects)).toEqual([`ClusterRole/${ns}`, `ClusterRoleBinding/${ns}`, `Deployment/${ns}`]);
      await dryRun(objects);
      expect(objects.find((o) => o.kind === 'ClusterRoleBinding').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'existing', namespace: ns },
      ]);
      expect(deploymentOf(objects).spec.template.spec.serviceAccountName).toBe('existing');
      const container = deploymentOf(objects).spec.template.spec.containers[0];
      expect(container.args).toEqual(['--metrics-bind-address=0', '--health-probe-bind-address=:8081']);
      expect(envOf(container).WATCH_NAMESPACE).toBe('team-a,team-b');
    });

    it('installs, upgrades with changed values, and uninstalls, leaving the objects each step should', async () => {
      const [ns, watched] = await Promise.all([
        createTestNamespace(kubeConfig, 'chart-life'),
        createTestNamespace(kubeConfig, 'chart-life-w'),
      ]);
      const rbac = { apiVersion: 'rbac.authorization.k8s.io/v1' };
      await helm(['install', ns, chartDir, '--namespace', ns], kube);
      expect(await exists({ apiVersion: 'apps/v1', kind: 'Deployment' }, ns, ns)).toBe(true);
      expect(await exists({ apiVersion: 'v1', kind: 'Service' }, `${ns}-metrics`, ns)).toBe(true);
      expect(await exists({ ...rbac, kind: 'ClusterRole' }, ns)).toBe(true);
      expect(await exists({ ...rbac, kind: 'ClusterRoleBinding' }, ns)).toBe(true);
      expect(await exists({ ...rbac, kind: 'Role' }, ns, watched)).toBe(false);

      const upgraded = valuesFile({ watchNamespaces: [watched], metrics: { enabled: false }, logLevel: 'debug' });
      await helm(['upgrade', ns, chartDir, '--namespace', ns, '--values', upgraded], kube);
      expect(await exists({ ...rbac, kind: 'ClusterRole' }, ns)).toBe(false);
      expect(await exists({ ...rbac, kind: 'ClusterRoleBinding' }, ns)).toBe(false);
      expect(await exists({ ...rbac, kind: 'Role' }, ns, watched)).toBe(true);
      expect(await exists({ ...rbac, kind: 'RoleBinding' }, ns, watched)).toBe(true);
      expect(await exists({ apiVersion: 'v1', kind: 'Service' }, `${ns}-metrics`, ns)).toBe(false);
      const deployment = await options
        .admin()
        .get<any>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: ns });
      expect(envOf(deployment.spec.template.spec.containers[0])).toMatchObject({
        WATCH_NAMESPACE: watched,
        LOG_LEVEL: 'debug',
      });
      expect(await helm(['history', ns, '--namespace', ns, '--output', 'json'], kube)).toContain('"revision":2');

      await helm(['uninstall', ns, '--namespace', ns], kube);
      for (const [type, name, namespace] of [
        [{ apiVersion: 'apps/v1', kind: 'Deployment' }, ns, ns],
        [{ apiVersion: 'v1', kind: 'ServiceAccount' }, ns, ns],
        [{ ...rbac, kind: 'Role' }, ns, watched],
        [{ ...rbac, kind: 'RoleBinding' }, ns, watched],
        [{ ...rbac, kind: 'Role' }, `${ns}-leader-election`, ns],
      ] as const) {
        expect(await exists(type, name, namespace), `${type.kind}/${name}`).toBe(false);
      }
    });

    it('installs CRDs from crds/ once: helm upgrade leaves a new CRD version out, helm uninstall keeps the CRD', async () => {
      // A copy of the chart whose crds/ holds one of its CRDs under a group of this test only, so Helm (not the
      // suite) creates it and nothing else in the suite sees it change.
      const ns = await createTestNamespace(kubeConfig, 'chart-crd');
      const group = `${ns}.chart-test.dsoi.io`;
      const copy = mkdtempSync(join(tmpdir(), 'dsoi-chart-'));
      cpSync(chartDir, copy, { recursive: true, filter: (source) => !source.startsWith(join(chartDir, 'crds')) });
      const [first] = readdirSync(join(chartDir, 'crds')).sort();
      const crd = parse(readFileSync(join(chartDir, 'crds', first!), 'utf8'));
      crd.spec.group = group;
      crd.metadata.name = `${crd.spec.names.plural}.${group}`;
      const writeCrds = (object: unknown) => {
        mkdirSync(join(copy, 'crds'), { recursive: true });
        writeFileSync(join(copy, 'crds', 'crd.yaml'), JSON.stringify(object));
      };
      const crdType = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
      const liveVersions = async () =>
        (await options.admin().get<any>({ ...crdType, name: crd.metadata.name })).spec.versions.map((v: any) => v.name);
      try {
        writeCrds(crd);
        await helm(['install', ns, copy, '--namespace', ns, '--set', 'leaderElection.enabled=false'], kube);
        expect(await liveVersions()).toEqual(crd.spec.versions.map((v: any) => v.name));

        const next = structuredClone(crd);
        next.spec.versions = [
          ...crd.spec.versions.map((v: any) => ({ ...v, storage: false })),
          { ...crd.spec.versions.at(-1), name: 'v9', storage: true },
        ];
        writeCrds(next);
        await helm(['upgrade', ns, copy, '--namespace', ns, '--set', 'leaderElection.enabled=false'], kube);
        expect(await liveVersions()).toEqual(crd.spec.versions.map((v: any) => v.name));

        await helm(['uninstall', ns, '--namespace', ns], kube);
        expect(await exists(crdType, crd.metadata.name)).toBe(true);
      } finally {
        await options
          .admin()
          .delete({ ...crdType, name: crd.metadata.name })
          .catch(() => {});
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });
}
