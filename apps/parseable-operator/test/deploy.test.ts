/**
 * Packaging: the committed CRD YAML is what the zod schema generates, every example is valid (server-side dry run,
 * strict field validation), the Helm chart (`@dsoi/chart-testing`'s `describeChart`, with real Helm; its RBAC is proven in
 * rbac.test.ts), and the binary refuses a bad RECONCILE_WAIT.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartAndGeneratedRules, checkGeneratedFiles, describeChart } from '@dsoi/chart-testing';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { describe, expect, it } from 'vitest';
import { parseableTenantCrd } from '../src/api/crds.ts';
import { desiredTenantChildren } from '../src/tenant/desiredChildren.ts';
import {
  conditionOf,
  eventually,
  example,
  kubeConfig,
  markReady,
  parseableFixture,
  read,
  sleep,
  types,
  waitFor,
} from './harness.ts';

const appDir = join(import.meta.dirname, '..');
const { admin, namespace } = parseableFixture();

describeChart({
  chartDir: join(appDir, 'deploy', 'chart'),
  packageJson: join(appDir, 'package.json'),
  admin: () => admin,
  kubeConfig,
  kubeconfigPath: process.env[kubeconfigEnv]!,
  appValues: {},
  expectAppValues: (container) => {
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain('PINOT_HTTP_TIMEOUT');
  },
});

describe('packaging', () => {
  it('commits the CRD YAML the zod schema generates (run `npm run generate` when this fails)', async () => {
    await checkGeneratedFiles(appDir);
    // The chart grants exactly what the manager checks at start-up (deploy/rbac/role.yaml, from dsoi generate rbac).
    const { chart, generated } = chartAndGeneratedRules(appDir);
    expect(chart).toEqual(generated);
    const crd = parseableTenantCrd();
    expect(crd.metadata.name).toBe('parseabletenants.parseable.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources])).toEqual([
      ['v1beta1', true, true, { status: {} }],
    ]);
  });

  it('accepts every example (server-side dry run, strict) and builds its children', async () => {
    const ns = await namespace('pt-examples');
    const files = readdirSync(join(appDir, 'examples')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const tenant = example(file, ns);
      await admin.apply(tenant, { dryRun: true, fieldValidation: 'Strict' });
      const built = desiredTenantChildren({
        ...tenant,
        metadata: { ...tenant.metadata, uid: '00000000-0000-0000-0000-000000000000' },
      });
      expect(built.children.length, file).toBeGreaterThan(0);
    }
  });

  it('the binary exits with code 2 and names RECONCILE_WAIT when it is not a duration', () => {
    const run = spawnSync(process.execPath, [join(appDir, 'src', 'main.ts')], {
      env: { ...process.env, RECONCILE_WAIT: 'soon' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('RECONCILE_WAIT');
  });

  it('the binary reads WATCH_NAMESPACE, DENY_LIST and RECONCILE_WAIT, and stops cleanly on SIGTERM', async () => {
    const [watched, denied] = await Promise.all([namespace('pt-bin'), namespace('pt-bin-deny')]);
    const child = spawn(
      process.execPath,
      [join(appDir, 'src', 'main.ts'), '--metrics-bind-address=0', '--health-probe-bind-address=0'],
      {
        env: {
          ...process.env,
          KUBECONFIG: process.env[kubeconfigEnv],
          WATCH_NAMESPACE: `${watched},${denied}`,
          DENY_LIST: denied,
          RECONCILE_WAIT: '1s',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (const ns of [watched, denied]) await admin.apply(example('parseable-ephemeral.yaml', ns));
      const name = 'parseable-server-parseable-server';
      await waitFor(admin, types.deployment, watched, name);
      await markReady(types.deployment, watched, name);
      await eventually(
        async () => (await conditionOf(admin, watched, 'parseable', 'Ready'))?.status === 'True',
        'Ready',
      );
      // A status-only change wakes no watch; only the periodic re-check (RECONCILE_WAIT=1s, default 10s) restores it.
      await admin.patchStatus(
        { ...types.tenant, namespace: watched, name: 'parseable' },
        { type: 'merge', body: { status: { conditions: null } } },
      );
      await eventually(
        async () => (await conditionOf(admin, watched, 'parseable', 'Ready'))?.status === 'True',
        'status restored by the re-check',
        4_000,
      );
      await sleep(500);
      expect(await read(admin, types.deployment, denied, name)).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  });
});
