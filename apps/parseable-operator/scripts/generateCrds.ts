/** Writes the generated CRD files (see `crdFiles`). Run: `npm run generate` (Node 24 runs the TypeScript directly). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crdFiles } from '../src/api/crds.ts';

const root = join(import.meta.dirname, '..');
for (const file of crdFiles()) {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${file.path} (${file.content.length} bytes)`);
}
