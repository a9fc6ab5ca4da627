/**
 * Regenerates deploy/crds/*.yaml and deploy/chart/crds/*.yaml from the zod schemas in src/api.
 * Run: `npm run generate` (Node 24).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crdFiles } from '../src/api/crdFiles.ts';

const root = join(import.meta.dirname, '..');
for (const file of crdFiles()) {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${file.path} (${file.content.length} bytes)`);
}
