/**
 * The Pinot operator on a hostile cluster (issue #19): N unrelated 20 KiB ConfigMaps across the namespaces it watches
 * (all of them), its V8 heap capped to fit the memory limit of its chart, and a few Pinot clusters to converge. Peak
 * RSS against the chart's limit, and whether it converged at all; the owned-kind informers select `app=pinot`, so the
 * unrelated objects should cost it nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@dsoi/client';
import { startControlPlane } from '@dsoi/envtest';
import { startOperator } from '@dsoi/peers';
import { loadYaml } from '@kubernetes/client-node';
import { benchKinds, pinotCase } from './operatorCases.ts';
import { type BenchSection, fmt, markdownTable, verdict } from './table.ts';

const root = new URL('../../../', import.meta.url);
const mib = 1024 * 1024;

/** The memory limit of the Pinot chart's default values (`resources.limits.memory`), in MiB. */
function chartMemoryLimitMib(): number {
  const values = loadYaml<{ resources?: { limits?: { memory?: string } } }>(
    readFileSync(new URL('apps/pinot-operator/deploy/chart/values.yaml', root), 'utf8'),
  );
  const limit = String(values?.resources?.limits?.memory ?? '');
  const match = /^(\d+)Mi$/.exec(limit);
  if (!match) throw new Error(`chart values: resources.limits.memory "${limit}" is not in Mi`);
  return Number(match[1]);
}

/** Creates the Pinot clusters and waits (5 min at most) until every one has its 4 StatefulSets. */
async function converge(
  admin: ReturnType<typeof createClient>,
  namespaces: readonly string[],
  clusters: number,
  crashed: Promise<never>,
): Promise<boolean> {
  for (let i = 0; i < clusters; i++) await admin.create(pinotCase.cr(`pinot-${i}`, namespaces[i]!));
  const statefulSets = benchKinds.find((k) => k.kind === 'StatefulSet')!;
  for (let waited = 0; waited < 300_000; waited += 500) {
    await Promise.race([sleep(500), crashed]);
    if ((await admin.list(statefulSets, { labelSelector: 'app=pinot' })).items.length >= clusters * 4) return true;
  }
  return false;
}

/** Creates `count` unrelated 20 KiB ConfigMaps (`app=other`) across `namespaces`, 16 at a time; returns the seconds. */
async function seedUnrelated(
  admin: ReturnType<typeof createClient>,
  namespaces: readonly string[],
  count: number,
): Promise<number> {
  const filler = 'x'.repeat(20 * 1024);
  const seeded = performance.now();
  const queue = Array.from({ length: count }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        await admin.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `unrelated-${i}`, namespace: namespaces[i % namespaces.length], labels: { app: 'other' } },
          data: { filler },
        });
      }
    }),
  );
  return (performance.now() - seeded) / 1000;
}

/** One line saying how the operator died; a V8 fatal error (its heap limit) leaves native frames in the log tail. */
function crashLine(err: Error): string {
  const fatal = /^\s*\d+: 0x[0-9a-f]+/m.test(err.message) ? ' (a V8 fatal error: native stack trace in its log)' : '';
  return `${err.message.split('\n')[0]?.replace(/:$/, '')}${fatal}`;
}

/** What one hostile run measured. */
interface HostileRun {
  readonly quick: boolean;
  readonly configMaps: number;
  readonly namespaces: number;
  readonly clusters: number;
  readonly limitMib: number;
  readonly heapMib: number;
  readonly seedSeconds: number;
  readonly convergedSeconds: number | undefined;
  readonly crash: string | undefined;
  readonly peakMib: number;
  readonly exitCode: number | null;
}

function hostileSection(run: HostileRun): BenchSection {
  const { quick, configMaps, namespaces, clusters, limitMib, heapMib, convergedSeconds, crash, peakMib } = run;
  const count = configMaps.toLocaleString('en-US');
  const rows = [
    [
      'unrelated ConfigMaps (20 KiB each, app=other)',
      `${count} in ${namespaces} namespaces, created in ${fmt(run.seedSeconds, 0)} s`,
    ],
    ['chart memory limit / heap cap given', `${limitMib} MiB / --max-old-space-size=${heapMib}`],
    [
      'Pinot clusters whose 4 StatefulSets exist',
      convergedSeconds === undefined ? 'no (5 min)' : `${clusters} in ${fmt(convergedSeconds)} s`,
    ],
    ['operator peak RSS', crash ? `n/a: the process died: ${crash}` : `${fmt(peakMib, 0)} MiB`],
    ['operator exit code after SIGTERM', String(run.exitCode)],
  ];
  const markdown = [
    '## Hostile cluster: unrelated objects under the chart memory limit',
    '',
    `The Pinot operator's built CLI as its own process, watching every namespace, with its heap capped at three quarters of its chart's memory limit, started after ${count} unrelated 20 KiB ConfigMaps exist${quick ? ' (quick mode; the full run uses 20,000)' : ''}; then ${clusters} Pinot clusters of the end-to-end example. Its owned-kind informers select \`app=pinot\`, so the unrelated ConfigMaps are never listed into its cache.`,
    '',
    markdownTable(['measure', 'value'], rows),
    '',
  ].join('\n');
  const met = crash === undefined && convergedSeconds !== undefined && peakMib < limitMib;
  const measured = crash
    ? 'the operator died'
    : `peak RSS ${fmt(peakMib, 0)} MiB, ${convergedSeconds === undefined ? 'not converged' : 'converged'}`;
  return {
    markdown,
    targets: [
      {
        target: `Pinot operator converges under its chart limit (${limitMib} MiB) beside ${count} unrelated 20 KiB ConfigMaps`,
        measured,
        verdict: verdict(met, crash ? 'died' : `${fmt(peakMib - limitMib, 0)} MiB over, or not converged`),
      },
    ],
  };
}

/** Runs the section: `quick` creates 2,000 ConfigMaps instead of 20,000. */
export async function runHostileBench(quick: boolean): Promise<BenchSection> {
  const configMaps = quick ? 2_000 : 20_000;
  const clusters = 3;
  const namespaces = 10;
  const limitMib = chartMemoryLimitMib();
  // V8's heap is most of the resident set; three quarters of the limit leaves room for code, buffers and stacks.
  const heapMib = Math.floor((limitMib * 3) / 4);
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-hostile-'));
  const plane = await startControlPlane({ crds: [pinotCase.crdDir] });
  const admin = createClient({ kubeConfig: plane.kubeConfig, fieldManager: 'bench', kinds: benchKinds });
  try {
    const nsNames = Array.from({ length: namespaces }, (_, i) => `hostile-${i}`);
    for (const name of nsNames) await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const seedSeconds = await seedUnrelated(admin, nsNames, configMaps);
    const operator = await startOperator(
      { file: process.execPath, args: [`--max-old-space-size=${heapMib}`, pinotCase.bin] },
      {
        kubeconfig: plane.kubeconfigPath,
        logFile: join(dir, 'operator.log'),
        env: { RECONCILE_WAIT: '10m', WATCH_NAMESPACE: '', DENY_LIST: '' },
      },
    );
    const started = performance.now();
    let crash: string | undefined;
    const convergedSeconds = await converge(admin, nsNames, clusters, operator.crashed).then(
      (done) => (done ? (performance.now() - started) / 1000 : undefined),
      (err: Error) => {
        crash = crashLine(err);
        console.error(`hostile: the operator died:\n${err.message}`);
        return undefined;
      },
    );
    if (convergedSeconds !== undefined) await Promise.race([sleep(10_000), operator.crashed]).catch(() => {});
    const result = await operator.stop();
    const peakMib = result.peakRssBytes / mib;
    const run = { quick, configMaps, namespaces, clusters, limitMib, heapMib, seedSeconds, convergedSeconds, crash };
    return hostileSection({ ...run, peakMib, exitCode: result.exitCode });
  } finally {
    admin.close();
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
