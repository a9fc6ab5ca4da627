/**
 * The scale curve of issue #22: the Pinot pair of the end-to-end benchmark (same CR, same method,
 * operatorScenario.ts) at 100, 500 and 2,000 CRs: time until every child exists, peak RSS, CPU seconds, and then every
 * CR changed at once. Our operator's requests go through a counting proxy, so the run also holds what the Pinot
 * suite's former "500 clusters created at once and then changed together" case asserted: our requests in flight stay
 * within the client's limit and the peak RSS stays within a bound. A size whose run, projected from the previous size,
 * would exceed the time budget is skipped and the table says why. Writes `scale.svg` beside RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { clientDefaults } from '@dsoi/client';
import { totalRequests } from './apiServerMetrics.ts';
import { prepareGoOperator } from './goOperator.ts';
import { runOf } from './operatorBench.ts';
import { pinotCase } from './operatorCases.ts';
import { type OperatorRun, runScenario, type ScenarioResult } from './operatorScenario.ts';
import { type Series, scaleSvg } from './scaleSvg.ts';
import { type BenchSection, fmt, markdownTable, type TargetResult, verdict } from './table.ts';

/** One size of one operator: its figures and the wall time of its whole run, or why it was not run. */
interface Point {
  readonly crs: number;
  readonly result?: ScenarioResult;
  readonly wallMs?: number;
  readonly skipped?: string;
}

/** The bound the former 500-cluster test case held the operator's peak RSS to. */
const rssBoundBytes = 1024 * 2 ** 20;
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;
const s = (ms: number) => `${fmt(ms / 1000, 1)} s`;

/** Runs `run` at each size in turn; a size projected (linearly from the previous one) over `budgetMs` is skipped. */
async function series(
  label: string,
  run: OperatorRun,
  sizes: readonly number[],
  budgetMs: number,
  countInFlight: boolean,
): Promise<Point[]> {
  const points: Point[] = [];
  for (const crs of sizes) {
    const previous = points.findLast((p) => p.wallMs !== undefined);
    const projected = previous ? (previous.wallMs! * crs) / previous.crs : 0;
    if (projected > budgetMs) {
      const why = `projected ${fmt(projected / 60_000, 0)} min from its ${previous!.crs}-CR run (${fmt(previous!.wallMs! / 60_000, 1)} min), over the ${fmt(budgetMs / 60_000, 0)}-min budget per run (\`--scale-budget-min\`)`;
      points.push({ crs, skipped: why });
      continue;
    }
    console.error(`bench: scale: ${label}, ${crs} CRs`);
    const t0 = performance.now();
    try {
      const result = await runScenario(pinotCase, run, {
        crs,
        observeMs: 20_000,
        floor: false,
        countInFlight,
        changeAll: true,
      });
      points.push({ crs, result, wallMs: performance.now() - t0 });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const why = `run failed: ${message.split('\n')[0]}`;
      console.error(`bench: scale: ${label}, ${crs} CRs: ${message}`);
      points.push({ crs, skipped: why });
    }
  }
  return points;
}

/**
 * Whether cost per added CR stays flat: for each segment between measured sizes, the increment per CR; growth is
 * called linear while each segment's slope is within 1.5× the first's, and it bends where one exceeds that.
 */
export function growth(points: readonly { crs: number; value: number }[], unit: string, digits: number): string {
  if (points.length < 3) return `${points.length} measured sizes: too few to tell`;
  const slopes = points.slice(1).map((p, i) => (p.value - points[i]!.value) / (p.crs - points[i]!.crs));
  const text = slopes.map((v, i) => `${fmt(v, digits)} ${unit}/CR from ${points[i]!.crs} to ${points[i + 1]!.crs}`);
  const bend = slopes.findIndex((v) => v > 1.5 * slopes[0]!);
  return bend < 0 ? `linear (${text.join(', ')})` : `bends above ${points[bend]!.crs} CRs (${text.join(', ')})`;
}

function rows(title: string, points: readonly Point[]): string[][] {
  return points.map((p) => {
    const r = p.result;
    if (!r) return [String(p.crs), title, `skipped: ${p.skipped}`, '', '', '', '', '', ''];
    return [
      String(p.crs),
      title,
      s(r.childrenMs),
      r.changeAllMs === undefined ? '—' : s(r.changeAllMs),
      mib(r.peakRssBytes),
      `${fmt(r.childrenCpuSeconds, 1)} s / ${fmt(r.cpuSeconds, 1)} s`,
      totalRequests(r.childrenRequests).toLocaleString('en-US'),
      String(r.maxInFlight ?? '—'),
      `${fmt(r.load.start, 1)} → ${fmt(r.load.end, 1)}`,
    ];
  });
}

function scaleTargets(ours: readonly Point[]): TargetResult[] {
  const measured = ours.filter((p) => p.result);
  const sizes = measured.map((p) => p.crs).join(', ') || 'none';
  const limit = clientDefaults.maxConcurrentRequests;
  const peakInFlight = Math.max(0, ...measured.map((p) => p.result!.maxInFlight ?? 0));
  const peakRss = Math.max(0, ...measured.map((p) => p.result!.peakRssBytes));
  const none = measured.length === 0 ? 'not evaluated (no size measured)' : undefined;
  const failed = ours.filter((p) => p.skipped?.startsWith('run failed'));
  return [
    {
      target: `Pinot at scale: requests in flight at most the client's limit (${limit}) while creating and changing every CR`,
      measured: `at most ${peakInFlight} in flight (${sizes} CRs)`,
      verdict: none ?? verdict(peakInFlight <= limit, `${peakInFlight} > ${limit}`),
    },
    {
      target: `Pinot at scale: peak RSS under ${mib(rssBoundBytes)} (the former 500-cluster test's bound)`,
      measured: `${mib(peakRss)} at most (${sizes} CRs)`,
      verdict: none ?? verdict(peakRss < rssBoundBytes, `${mib(peakRss)}`),
    },
    {
      target: 'Pinot at scale: every size run converges, and again after every CR is changed at once',
      measured: failed.length === 0 ? `${sizes} CRs converged` : failed.map((p) => `${p.crs}: ${p.skipped}`).join('; '),
      verdict: none ?? verdict(failed.length === 0, `${failed.length} failed`),
    },
  ];
}

/** Both series, the table, the growth note, the SVG and the scale targets. */
export async function runScaleBench(quick: boolean): Promise<BenchSection> {
  const sizes = (flag('scale-sizes') ?? (quick ? '20,100' : '100,500,2000')).split(',').map(Number);
  const budgetMs = Number(flag('scale-budget-min') ?? 20) * 60_000;
  const ourRun = runOf(
    pinotCase,
    { file: process.execPath, args: [pinotCase.bin, '--kube-api-qps=-1'] },
    pinotCase.crdDir,
  );
  const ours = await series('dsoi', ourRun, sizes, budgetMs, true);
  const go = await prepareGoOperator(pinotCase.peer);
  const theirs = go.available
    ? await series('Go', runOf(pinotCase, go.command, go.crdDir), sizes, budgetMs, false)
    : sizes.map((crs) => ({ crs, skipped: go.reason }));
  const plot = (points: readonly Point[], value: (r: ScenarioResult) => number) =>
    points.filter((p) => p.result).map((p) => ({ crs: p.crs, value: value(p.result!) }));
  const seriesOf = (value: (r: ScenarioResult) => number): Series[] => [
    { name: 'dsoi pinot-operator', points: plot(ours, value) },
    { name: `Go ${pinotCase.goTitle}`, points: plot(theirs, value) },
  ];
  writeFileSync(
    new URL('../scale.svg', import.meta.url),
    scaleSvg([
      { title: 'time until every child exists (s)', series: seriesOf((r) => r.childrenMs / 1000) },
      { title: 'peak RSS (MiB)', series: seriesOf((r) => r.peakRssBytes / 2 ** 20) },
      { title: 'CPU seconds, start to exit', series: seriesOf((r) => r.cpuSeconds) },
    ]),
  );
  const note = (label: string, points: readonly Point[]) =>
    `- ${label}: time until every child exists ${growth(
      plot(points, (r) => r.childrenMs / 1000),
      's',
      3,
    )}; peak RSS ${growth(
      plot(points, (r) => r.peakRssBytes / 2 ** 20),
      'MiB',
      3,
    )}; CPU ${growth(
      plot(points, (r) => r.cpuSeconds),
      's',
      4,
    )}.`;
  const markdown = [
    '## Scale curve: Pinot CRs, both operators',
    '',
    `The end-to-end Pinot pair (same CR, same method) at ${sizes.join(', ')} CRs${quick ? ' (quick mode)' : ''}, each operator alone on a fresh control plane; no floor start, 20 s quiet window; after the single-CR change, every CR's config is changed at once and timed until each CR's children are updated. Ours sends its requests through a counting proxy on 127.0.0.1 (\`createFaultProxy\` of \`@dsoi/envtest\`, no faults) to read its peak of requests in flight; the Go operator is not (through that proxy its PinotTable cache never synced and it exited after 2 min: a proxy matter not looked into, so it talks to kube-apiserver directly). Ours runs with \`--kube-api-qps=-1\` (no client-side rate limit: what is measured is its own cost, not a token bucket's pace; its in-flight limit of ${clientDefaults.maxConcurrentRequests} still holds); the Go operator has no such flag and runs at client-go's default 20 QPS, so its times are mostly its token bucket's. Plot: [scale.svg](scale.svg).`,
    '',
    markdownTable(
      [
        'CRs',
        'operator',
        'time until every child exists',
        'every CR changed at once → children updated',
        'peak RSS',
        'CPU s until converged / start to exit',
        'requests until converged',
        'max requests in flight',
        'load (1 min) start → stop',
      ],
      [...rows('dsoi', ours), ...rows('Go', theirs)],
    ),
    '',
    'Growth per added CR (slope between measured sizes; linear while every slope is within 1.5× the first):',
    '',
    note('dsoi', ours),
    note('Go', theirs),
    '',
  ].join('\n');
  return { markdown, targets: scaleTargets(ours) };
}
