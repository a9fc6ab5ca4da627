/**
 * `npm run docs`: writes the API reference of every published entry to `docs/api/` (git-ignored) and exits 1 when an
 * exported name has no doc comment or a `{@link}` is broken. `--check` validates without writing.
 */
import { join } from 'node:path';
import { apiReference } from './apiReference.ts';
import { entryPoints } from './entryPoints.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const check = process.argv.includes('--check');
const out = join(root, 'docs', 'api');
const report = await apiReference({
  entries: entryPoints(root),
  tsconfig: join(import.meta.dirname, '..', 'tsconfig.sources.json'),
  ...(!check && { out }),
});
for (const name of report.undocumented) console.error(`undocumented export: ${name}`);
for (const problem of report.problems) console.error(problem);
if (report.undocumented.length > 0 || report.problems.length > 0) process.exit(1);
console.log(check ? 'every export is documented' : `wrote ${out}/index.html`);
