/**
 * Writes each reference operator chart's values.schema.json and the value table of its README from its values.yaml
 * (`node tools/charts/generate.ts`; `--check` exits 1 instead when a file is out of date). The charts' tests hold the
 * committed files to the same output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedChartFiles } from './chartValues.ts';
import { chartDirs } from './chartVersion.ts';

const root = join(import.meta.dirname, '..', '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const dir of chartDirs) {
  for (const [file, content] of Object.entries(generatedChartFiles(join(root, dir)))) {
    const path = join(root, dir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    if (check) {
      console.error(`${dir}/${file} is out of date: run node tools/charts/generate.ts`);
      stale++;
    } else {
      writeFileSync(path, content);
      console.log(`wrote ${dir}/${file}`);
    }
  }
}
process.exitCode = stale > 0 ? 1 : 0;
