/**
 * `npm run bench`: runs every benchmark and writes tools/bench/RESULTS.md. `--quick` shortens each measurement.
 * Absolute times drift on shared machines; compare rows of the same run.
 */
import { writeFileSync } from 'node:fs';
import { runHashBench } from './hashBench.ts';
import { runReconcileBench } from './reconcileBench.ts';
import { runStoreBench } from './storeBench.ts';
import { runHeader } from './table.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const sections: string[] = [];
if (!only || only === 'hash') sections.push(runHashBench(quick));
if (!only || only === 'store') sections.push(await runStoreBench(quick));
if (!only || only === 'reconcile') sections.push(await runReconcileBench(quick));
const report = `# dsoi benchmarks\n\n${runHeader()}${quick ? ' (quick mode)' : ''}\n\n${sections.join('\n')}`;
writeFileSync(new URL('../RESULTS.md', import.meta.url), report);
console.log(report);
