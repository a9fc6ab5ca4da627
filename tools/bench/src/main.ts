/**
 * `npm run bench`: runs every benchmark and writes tools/bench/RESULTS.md, ending with the targets of issue #9.
 * `--quick` shortens and scales down each measurement (under 5 minutes on 2 cores); `--only=<hash|store|reconcile|
 * operator|hostile>` runs one. Absolute times drift on shared machines; compare rows of the same run.
 */
import { writeFileSync } from 'node:fs';
import { runHashBench } from './hashBench.ts';
import { runHostileBench } from './hostileBench.ts';
import { runOperatorBench } from './operatorBench.ts';
import { runReconcileBench } from './reconcileBench.ts';
import { runStoreBench } from './storeBench.ts';
import { type BenchSection, loadAverages, markdownTable, runHeader } from './table.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const benches: [string, (quick: boolean) => BenchSection | Promise<BenchSection>][] = [
  ['hash', runHashBench],
  ['store', runStoreBench],
  ['reconcile', runReconcileBench],
  ['operator', runOperatorBench],
  ['hostile', runHostileBench],
];
const started = performance.now();
const startLoad = loadAverages();
const sections: BenchSection[] = [];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  const sectionStarted = performance.now();
  console.error(`bench: ${name}…`);
  sections.push(await run(quick));
  console.error(`bench: ${name} took ${((performance.now() - sectionStarted) / 1000).toFixed(0)} s`);
}
const targets = sections.flatMap((s) => s.targets);
const report = [
  '# dsoi benchmarks',
  '',
  `${runHeader(startLoad)}; ${quick ? 'quick mode (`--quick`: fewer objects and CRs, shorter observation)' : 'full mode'}; ran ${((performance.now() - started) / 60_000).toFixed(1)} min`,
  '',
  ...sections.map((s) => s.markdown),
  '## Targets',
  '',
  markdownTable(
    ['target', 'measured', 'verdict'],
    targets.map((t) => [t.target, t.measured, t.verdict]),
  ),
  '',
].join('\n');
writeFileSync(new URL('../RESULTS.md', import.meta.url), report);
console.log(report);
