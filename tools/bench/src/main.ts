/**
 * `npm run bench`: runs every benchmark and writes tools/bench/RESULTS.md, ending with the targets of issues #9 and
 * #22 and their verdicts. `--quick` shortens and scales down each measurement (under 5 minutes on 2 cores);
 * `--only=<hash|store|reconcile|operator|hostile|scale>` runs one and replaces only its section of RESULTS.md
 * (resultsFile.ts). Absolute times drift on shared machines; compare rows of the same run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runHashBench } from './hashBench.ts';
import { runHostileBench } from './hostileBench.ts';
import { runOperatorBench } from './operatorBench.ts';
import { runReconcileBench } from './reconcileBench.ts';
import { type ResultSection, renderResults } from './resultsFile.ts';
import { runScaleBench } from './scaleBench.ts';
import { runStoreBench } from './storeBench.ts';
import { type BenchSection, loadAverages, runHeader } from './table.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const benches: [string, (quick: boolean) => BenchSection | Promise<BenchSection>][] = [
  ['hash', runHashBench],
  ['store', runStoreBench],
  ['reconcile', runReconcileBench],
  ['operator', runOperatorBench],
  ['hostile', runHostileBench],
  ['scale', runScaleBench],
];
if (only && !benches.some(([name]) => name === only)) {
  throw new Error(`--only=${only}: no such section (one of ${benches.map(([name]) => name).join(', ')})`);
}
const mode = quick ? 'quick mode (`--quick`: fewer objects and CRs, shorter observation)' : 'full mode';
const fresh: ResultSection[] = [];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  const sectionStarted = performance.now();
  const sectionLoad = loadAverages();
  console.error(`bench: ${name}…`);
  const section = await run(quick);
  const took = `ran ${((performance.now() - sectionStarted) / 60_000).toFixed(1)} min`;
  const [heading, ...body] = section.markdown.split('\n');
  fresh.push({
    name,
    markdown: [heading, '', `Run: ${runHeader(sectionLoad)}; ${mode}; ${took}.`, ...body].join('\n'),
    targets: section.targets,
  });
  console.error(`bench: ${name} took ${((performance.now() - sectionStarted) / 1000).toFixed(0)} s`);
}
const file = new URL('../RESULTS.md', import.meta.url);
// Kept from the file: the sections not rerun, including the ones no benchmark writes (the memory profile, by hand).
const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
const report = renderResults(
  benches.map(([name]) => name),
  previous,
  fresh,
);
writeFileSync(file, report);
console.log(report);
