/**
 * End to end, against the original: each reference operator and the Go operator it replaces, each alone on a fresh
 * control plane holding its own CRDs, with the same custom resources and the same method (operatorScenario.ts). The
 * Go operators are built from their unmodified sources by `@dsoi/peers` (goOperator.ts); without Go or the sources
 * the table says why and the Go-relative targets read "not evaluated".
 */
import { describeRequests, type RequestsByVerb, totalRequests } from './apiServerMetrics.ts';
import { type GoOperator, prepareGoOperator } from './goOperator.ts';
import { type OperatorCase, parseableCase, pinotCase } from './operatorCases.ts';
import { type OperatorRun, runScenario, type ScenarioOptions, type ScenarioResult } from './operatorScenario.ts';
import { profilingRun } from './profile.ts';
import { type BenchSection, fmt, markdownTable, type TargetResult, verdict } from './table.ts';

const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;
const perMinute = (counts: RequestsByVerb, observeMs: number) => totalRequests(counts) / (observeMs / 60_000);
const withVerbs = (counts: RequestsByVerb) =>
  `${totalRequests(counts).toLocaleString('en-US')} (${describeRequests(counts)})`;
const cpuPerConvergedMinute = (r: ScenarioResult, options: ScenarioOptions) =>
  r.steadyCpuSeconds / (options.observeMs / 60_000);

/** One measure: its text for each operator, and the number a ratio column divides (when the measure has one). */
interface Measure {
  readonly name: string;
  readonly text: (r: ScenarioResult) => string;
  readonly value?: (r: ScenarioResult) => number;
}

/** Every row of an operator pair's table, in order. */
function measures(options: ScenarioOptions): Measure[] {
  return [...timeAndRequestMeasures(options), ...memoryAndCpuMeasures(options)];
}

/** Load, children, times and API requests. */
function timeAndRequestMeasures(options: ScenarioOptions): Measure[] {
  const observed = `observed ${fmt(options.observeMs / 1000, 0)} s`;
  return [
    {
      name: 'machine load average (1 min) when the operator started → stopped (2 cores, shared)',
      text: (r) => `${fmt(r.load.start, 1)} → ${fmt(r.load.end, 1)}`,
    },
    { name: 'children per CR (counted on the converged CRs)', text: (r) => String(r.childrenPerCr) },
    {
      name: 'time from operator start until every child exists',
      text: (r) => seconds(r.childrenMs),
      value: (r) => r.childrenMs,
    },
    {
      name: 'API requests until then (by verb; open watches not yet counted)',
      text: (r) => withVerbs(r.childrenRequests),
      value: (r) => totalRequests(r.childrenRequests),
    },
    {
      name: 'time from workloads reading ready until every CR says Ready',
      text: (r) =>
        r.readyMs === 'no-status'
          ? 'writes no status'
          : r.readyMs === 'timeout'
            ? 'not reached in 2 min'
            : seconds(r.readyMs),
    },
    {
      name: `requests per minute once converged (${observed})`,
      text: (r) => `${fmt(perMinute(r.steadyRequests, options.observeMs), 1)} (${describeRequests(r.steadyRequests)})`,
      value: (r) => perMinute(r.steadyRequests, options.observeMs),
    },
    {
      name: 'spec change on one CR → first updated child',
      text: (r) => (r.change ? `${seconds(r.change.first.ms)} (${r.change.first.child})` : 'no child changed in 60 s'),
    },
    {
      name: '… → last updated child',
      text: (r) =>
        r.change ? `${seconds(r.change.last.ms)} (${r.change.last.child}; ${r.change.updated} updated)` : '—',
    },
    {
      name: 'total API requests, start to exit (by verb, watches included)',
      text: (r) => withVerbs(r.totalRequests),
      value: (r) => totalRequests(r.totalRequests),
    },
    {
      name: '… as the operator counted them itself (rest_client_requests_total, before stop)',
      text: (r) => (r.clientRequests === undefined ? 'not exposed' : r.clientRequests.toLocaleString('en-US')),
    },
  ];
}

/** Resident memory and CPU seconds. */
function memoryAndCpuMeasures(options: ScenarioOptions): Measure[] {
  const observed = `observed ${fmt(options.observeMs / 1000, 0)} s`;
  return [
    {
      name: 'peak RSS of the operator process (VmHWM)',
      text: (r) => mib(r.peakRssBytes),
      value: (r) => r.peakRssBytes,
    },
    {
      name: `… peak when every child existed; resident at the end of the quiet ${fmt(options.observeMs / 1000, 0)} s (VmRSS)`,
      text: (r) => `${mib(r.childrenPeakRssBytes)}; ${mib(r.steadyRssBytes)}`,
    },
    {
      name: 'resident set with no CR at all, 5 s after its metrics answer (VmRSS; a separate start before the CRs exist)',
      text: (r) => (r.floorRssBytes === undefined ? 'not measured' : mib(r.floorRssBytes)),
      value: (r) => r.floorRssBytes ?? Number.NaN,
    },
    {
      name: 'CPU seconds of the operator process (user + system), start to exit',
      text: (r) => `${fmt(r.cpuSeconds, 2)} s`,
      value: (r) => r.cpuSeconds,
    },
    {
      name: '… until every child existed',
      text: (r) => `${fmt(r.childrenCpuSeconds, 2)} s`,
      value: (r) => r.childrenCpuSeconds,
    },
    {
      name: `CPU seconds per converged minute (${observed}, nothing changing)`,
      text: (r) => `${fmt(cpuPerConvergedMinute(r, options), 2)} s`,
      value: (r) => cpuPerConvergedMinute(r, options),
    },
  ];
}

function ratio(ours: number, theirs: number): string {
  if (theirs === 0) return ours === 0 ? '—' : '∞';
  return `${fmt(ours / theirs, 2)}×`;
}

function goLine(c: OperatorCase, go: GoOperator): string {
  return go.available
    ? `Go operator: ${go.version}, built from its unmodified source by \`@dsoi/peers\` (\`CGO_ENABLED=0 go build ./cmd\`); its own CRDs (\`config/crd/bases\`) installed for its run, ours (\`${c.crdDir.slice(c.crdDir.indexOf('apps/'))}\`) for ours.`
    : `Go operator (${c.goTitle}): not measured — ${go.reason}`;
}

/** A target relative to the Go operator: dsoi's figure at most `limit` × the Go operator's on the same CRs. */
interface RelativeTarget {
  readonly name: string;
  readonly limit: number;
  readonly value: (r: ScenarioResult) => number;
  readonly text: (value: number) => string;
}

/**
 * The verdict of a relative target, computed from the two figures: `met (0.38× the Go operator's)` or
 * `missed (4.33× the Go operator's; target ≤ 1.5×)`; both zero meets any limit.
 */
export function relativeVerdict(ours: number, theirs: number, limit: number): string {
  const met = ours <= limit * theirs;
  const by = `${ratio(ours, theirs)} the Go operator's`;
  return met ? `met (${by})` : verdict(false, `${by}; target ≤ ${fmt(limit, 1)}×`);
}

/** Issue #22's targets beside each Go operator (issue #9's convergence target kept). */
function relativeTargets(options: ScenarioOptions): RelativeTarget[] {
  const s = (v: number) => `${fmt(v, 2)} s`;
  const count = (v: number) => v.toLocaleString('en-US');
  return [
    {
      name: "time until every child exists at most the Go operator's",
      limit: 1,
      value: (r) => r.childrenMs,
      text: (v) => seconds(v),
    },
    { name: "peak RSS at most 1.5× the Go operator's", limit: 1.5, value: (r) => r.peakRssBytes, text: mib },
    {
      name: "CPU seconds per converged minute at most 0.1× the Go operator's",
      limit: 0.1,
      value: (r) => cpuPerConvergedMinute(r, options),
      text: s,
    },
    {
      name: "total CPU seconds to converge (start until every child exists) at most the Go operator's",
      limit: 1,
      value: (r) => r.childrenCpuSeconds,
      text: s,
    },
    {
      name: "requests until converged (every child exists) at most the Go operator's",
      limit: 1,
      value: (r) => totalRequests(r.childrenRequests),
      text: count,
    },
  ];
}

function targets(
  c: OperatorCase,
  ours: ScenarioResult,
  theirs: ScenarioResult | undefined,
  options: ScenarioOptions,
  why: string,
): TargetResult[] {
  const noGo = `not evaluated (${why})`;
  const crs = `${options.crs} ${c.title} CRs`;
  const relative = relativeTargets(options).map((t) => ({
    target: `${c.title}: ${t.name} (${crs})`,
    measured: `${t.text(t.value(ours))}${theirs ? ` vs ${t.text(t.value(theirs))}` : ''}`,
    verdict: theirs ? relativeVerdict(t.value(ours), t.value(theirs), t.limit) : noGo,
  }));
  const ourRate = perMinute(ours.steadyRequests, options.observeMs);
  const goRate = theirs && perMinute(theirs.steadyRequests, options.observeMs);
  const [ourFloor, goFloor] = [ours.floorRssBytes, theirs?.floorRssBytes];
  return [
    ...relative,
    {
      target: `${c.title}: zero requests per minute once converged (${crs})`,
      measured: `${fmt(ourRate, 1)} (${describeRequests(ours.steadyRequests)})${goRate === undefined ? '' : ` vs ${fmt(goRate, 1)}`} requests/min`,
      verdict: verdict(ourRate === 0, `${fmt(ourRate, 1)}/min`),
    },
    {
      target: `${c.title}: floor RSS (zero CRs, 5 s after the metrics endpoint answers) documented`,
      measured: `${ourFloor === undefined ? 'not measured' : mib(ourFloor)}${goFloor === undefined ? '' : ` vs ${mib(goFloor)}`}`,
      verdict:
        ourFloor === undefined
          ? 'not evaluated (no floor start in --profile mode)'
          : `reported${goFloor === undefined ? '' : ` (${ratio(ourFloor, goFloor)} the Go operator's)`}`,
    },
  ];
}

/** The Go operator's run: its binary, its CRDs, the same `RECONCILE_WAIT` as ours. */
export function runOf(c: OperatorCase, command: OperatorRun['command'], crdDir: string): OperatorRun {
  // Neither Go operator reads WATCH_NAMESPACE (both watch every namespace); empty means "all" for ours too, and an
  // empty DENY_LIST reconciles every namespace in both: a value inherited from the shell would favour one side.
  return { command, crdDir, env: { RECONCILE_WAIT: c.reconcileWait, WATCH_NAMESPACE: '', DENY_LIST: '' } };
}

/** Runs both pairs and returns the Markdown section and the Go-relative targets. */
export async function runOperatorBench(quick: boolean): Promise<BenchSection> {
  const options: ScenarioOptions = { crs: quick ? 20 : 100, observeMs: quick ? 30_000 : 60_000 };
  const profileDir = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
  const parts = [
    '## End to end: reference operators beside the Go operators',
    '',
    `Each operator runs alone as its own process (ours: its built CLI under Node; Go: its binary; both with \`--kubeconfig\`, metrics on 127.0.0.1, probes off, no leader election) on a fresh control plane (etcd + kube-apiserver, no kubelet) holding that operator's own CRDs, with ${options.crs} CRs${quick ? ' (quick mode; the full run uses 100)' : ''}, one namespace each, created before it starts; ours runs first, then the Go operator on a new control plane, same CRs, same method. Children are counted with \`limit=1\` lists every 200 ms. ` +
      `Then the benchmark marks every workload ready (as kubelets would), waits until every CR says Ready (at most 15 s when no CR has any condition: the Go operators write no status), counts requests and CPU for ${fmt(options.observeMs / 1000, 0)} s while nothing changes, and changes one config value of the first node type in \`deploymentOrder\` of one CR. ` +
      "Requests are kube-apiserver's `apiserver_request_total` (it has no client label): the difference of two scrapes, minus the benchmark's own requests (counted by verb through its client's `onRequest`), minus what kube-apiserver sends itself (Lease renewals, ClusterIP allocation, admission lookups, `/openapi`). kube-apiserver does not count discovery requests; an operator's own `rest_client_requests_total` does, so it reads a few more. " +
      'The ratio column is dsoi ÷ Go (below 1: dsoi uses less).',
    '',
  ];
  const allTargets: TargetResult[] = [];
  const only = process.argv.find((a) => a.startsWith('--case='))?.slice('--case='.length);
  for (const c of [pinotCase, parseableCase].filter((k) => !only || k.title.toLowerCase() === only)) {
    console.error(`bench: ${c.title}: building the Go operator ${c.peer} (cached after the first run)`);
    // A profiled run is about our operator only (its figures include the profiler's cost): no Go run.
    const go: GoOperator = profileDir
      ? { available: false, reason: 'skipped in --profile mode' }
      : await prepareGoOperator(c.peer);
    console.error(`bench: ${c.title}: ${goLine(c, go)}`);
    let ourRun = runOf(c, { file: process.execPath, args: [c.bin] }, c.crdDir);
    if (profileDir) ourRun = profilingRun(ourRun, profileDir, `${c.title.toLowerCase()}-${options.crs}`);
    console.error(`bench: ${c.title}: dsoi operator, ${options.crs} CRs`);
    const ours = await runScenario(c, ourRun, options);
    // A Go operator that fails here is reported, not fatal: ours failing is a bug the run must show by failing.
    let goFailure: string | undefined;
    let theirs: ScenarioResult | undefined;
    if (go.available) {
      console.error(`bench: ${c.title}: Go operator, ${options.crs} CRs`);
      theirs = await runScenario(c, runOf(c, go.command, go.crdDir), options).catch((err: unknown) => {
        goFailure = `run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        console.error(`bench: ${c.title}: Go operator ${goFailure}`);
        return undefined;
      });
    }
    parts.push(
      `### ${c.title}: ${options.crs} CRs, each \`${c.example}\``,
      '',
      `The CR: ${c.exampleSummary}. Both operators act on every node of it. \`RECONCILE_WAIT=${c.reconcileWait}\` for both (${c.reconcileWaitNote}).`,
      '',
      goLine(c, go),
      '',
      markdownTable(
        ['measure', `dsoi ${c.title.toLowerCase()}-operator`, `Go ${c.goTitle}`, 'dsoi ÷ Go'],
        measures(options).map((m) => [
          m.name,
          m.text(ours),
          theirs ? m.text(theirs) : (goFailure ?? 'not measured'),
          theirs && m.value && Number.isFinite(m.value(ours) + m.value(theirs))
            ? ratio(m.value(ours), m.value(theirs))
            : '',
        ]),
      ),
      '',
    );
    allTargets.push(
      ...targets(c, ours, theirs, options, go.available ? (goFailure ?? 'no Go figures') : 'no Go operator: see above'),
    );
  }
  return { markdown: parts.join('\n'), targets: allTargets };
}
