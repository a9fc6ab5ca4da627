/**
 * End to end, against the original: each reference operator and the Go operator it replaces, each alone on a fresh
 * control plane with the same custom resources (operatorScenario.ts). The Go operators come from the Go module proxy
 * only (goOperator.ts); when the proxy refuses them the table says so and the Go-relative targets are not evaluated.
 */
import { describeRequests, type RequestsByVerb, totalRequests } from './apiServerMetrics.ts';
import { type GoOperator, prepareGoOperator } from './goOperator.ts';
import { type OperatorCase, parseableCase, pinotCase } from './operatorCases.ts';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './operatorScenario.ts';
import { type BenchSection, fmt, markdownTable, type TargetResult, verdict } from './table.ts';

const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;
const perMinute = (counts: RequestsByVerb, observeMs: number) => totalRequests(counts) / (observeMs / 60_000);
const withVerbs = (counts: RequestsByVerb) =>
  `${totalRequests(counts).toLocaleString('en-US')} (${describeRequests(counts)})`;

function rows(r: ScenarioResult, options: ScenarioOptions): string[][] {
  return [
    ['children per CR (counted on the converged CRs)', String(r.childrenPerCr)],
    ['time from operator start until every child exists', seconds(r.childrenMs)],
    ['API requests until then (by verb; open watches not yet counted)', withVerbs(r.childrenRequests)],
    [
      'time from workloads reading ready until every CR says Ready',
      r.readyMs === undefined ? 'not reached in 2 min' : seconds(r.readyMs),
    ],
    [
      `requests per minute once converged (observed ${fmt(options.observeMs / 1000, 0)} s)`,
      `${fmt(perMinute(r.steadyRequests, options.observeMs), 1)} (${describeRequests(r.steadyRequests)})`,
    ],
    [
      'spec change on one CR → first updated child',
      r.change ? `${seconds(r.change.first.ms)} (${r.change.first.child})` : 'no child changed in 60 s',
    ],
    [
      '… → last updated child',
      r.change ? `${seconds(r.change.last.ms)} (${r.change.last.child}; ${r.change.updated} updated)` : '—',
    ],
    ['total API requests, start to exit (by verb, watches included)', withVerbs(r.totalRequests)],
    [
      '… as the operator counted them itself (rest_client_requests_total, before stop)',
      r.clientRequests === undefined ? 'not exposed' : r.clientRequests.toLocaleString('en-US'),
    ],
    ['peak RSS of the operator process (VmHWM)', mib(r.peakRssBytes)],
    [
      'CPU seconds of the operator process (user + system)',
      `${fmt(r.cpuSeconds, 2)} s in all; ${fmt(r.childrenCpuSeconds, 2)} s until every child existed; ${fmt(r.steadyCpuSeconds / (options.observeMs / 60_000), 2)} s per minute once converged`,
    ],
  ];
}

function goLine(c: OperatorCase, go: GoOperator): string {
  return go.available
    ? `Go operator: ${c.goModule}@${go.version}, built with the local Go toolchain from the module proxy.`
    : `Go operator (${c.goModule}): not measured — ${go.reason}`;
}

function pinotTargets(ours: ScenarioResult, theirs: ScenarioResult | undefined, options: ScenarioOptions) {
  const noGo = 'not evaluated (no Go baseline)';
  const ourRate = perMinute(ours.steadyRequests, options.observeMs);
  const goRate = theirs && perMinute(theirs.steadyRequests, options.observeMs);
  const targets: TargetResult[] = [
    {
      target: 'fewer requests per minute than the Go operator once converged',
      measured: `${fmt(ourRate, 1)} requests/min (${options.crs} Pinot CRs)${goRate === undefined ? '' : ` vs ${fmt(goRate, 1)}`}`,
      verdict:
        goRate === undefined
          ? noGo
          : verdict(ourRate < goRate || ourRate === 0, `${fmt(ourRate - goRate, 1)}/min more`),
    },
    {
      target: `convergence of the ${options.crs} Pinot CRs at least as fast as the Go operator`,
      measured: `${seconds(ours.childrenMs)}${theirs ? ` vs ${seconds(theirs.childrenMs)}` : ''}`,
      verdict: theirs
        ? verdict(ours.childrenMs <= theirs.childrenMs, `${seconds(ours.childrenMs - theirs.childrenMs)} slower`)
        : noGo,
    },
    {
      target: "operator peak RSS at most 2× the Go operator's",
      measured: `${mib(ours.peakRssBytes)}${theirs ? ` vs ${mib(theirs.peakRssBytes)}` : ''}`,
      verdict: theirs
        ? verdict(
            ours.peakRssBytes <= 2 * theirs.peakRssBytes,
            `${fmt(ours.peakRssBytes / theirs.peakRssBytes, 2)}× the Go operator's`,
          )
        : noGo,
    },
  ];
  return targets;
}

/** Runs both pairs and returns the Markdown section and the Go-relative targets (Pinot). */
export async function runOperatorBench(quick: boolean): Promise<BenchSection> {
  const options: ScenarioOptions = { crs: quick ? 20 : 100, observeMs: quick ? 30_000 : 60_000 };
  const parts = [
    '## End to end: reference operators beside the Go operators',
    '',
    `Each operator runs alone as its own process (its built CLI with \`--kubeconfig\`) on a fresh control plane (etcd + kube-apiserver, no kubelet) with ${options.crs} CRs${quick ? ' (quick mode; the full run uses 100)' : ''}, one namespace each, created before it starts; children are counted with \`limit=1\` lists every 200 ms. ` +
      `Then the benchmark marks every workload ready (as kubelets would), waits until every CR says Ready, counts requests for ${fmt(options.observeMs / 1000, 0)} s while nothing changes, and changes one config value of the first node type in \`deploymentOrder\` of one CR. ` +
      "Requests are kube-apiserver's `apiserver_request_total` (it has no client label): the difference of two scrapes, minus the benchmark's own requests (counted by verb through its client's `onRequest`), minus what kube-apiserver sends itself (Lease renewals, ClusterIP allocation, admission lookups, `/openapi`). kube-apiserver does not count discovery requests; the operator's own `rest_client_requests_total` does, so it reads a few more.",
    '',
  ];
  let targets: TargetResult[] = [];
  for (const c of [pinotCase, parseableCase]) {
    console.error(`bench: ${c.title}: trying the Go operator ${c.goModule}`);
    const go = await prepareGoOperator(c.goModule, c.goMainPackage);
    console.error(`bench: ${c.title}: ${goLine(c, go)}`);
    const ours = await runScenario(c, { file: process.execPath, args: [c.bin] }, options);
    // A Go operator that fails here is reported, not fatal: ours failing is a bug the run must show by failing.
    let goFailure: string | undefined;
    const theirs = go.available
      ? await runScenario(c, go.command, options).catch((err: unknown) => {
          goFailure = `run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          return undefined;
        })
      : undefined;
    const ourRows = rows(ours, options);
    const theirRows = theirs ? rows(theirs, options) : undefined;
    parts.push(
      `### ${c.title}: ${options.crs} CRs, each \`${c.example}\`: ${c.exampleSummary}`,
      '',
      goLine(c, go),
      '',
      markdownTable(
        ['measure', `dsoi ${c.title.toLowerCase()}-operator`, `Go ${c.goModule.split('/').slice(-2).join('/')}`],
        ourRows.map(([measure, value], i) => [measure!, value!, theirRows?.[i]?.[1] ?? goFailure ?? 'not measured']),
      ),
      '',
    );
    if (c === pinotCase) targets = pinotTargets(ours, theirs, options);
  }
  return { markdown: parts.join('\n'), targets };
}
