/**
 * `npm run shape -w @dsoi/api-docs`: prints the figures of issue 20's renovation, so a change can say what it moved:
 * runtime names per published entry, functions over 80 lines outside tests, and the casts between object shapes.
 */
import { join } from 'node:path';
import { entrySurface, longFunctions, shapeCasts } from './codeShape.ts';
import { entryPoints } from './entryPoints.ts';

const root = join(import.meta.dirname, '..', '..', '..');
console.log('runtime names per entry:');
for (const entry of entryPoints(root)) {
  console.log(`  ${entrySurface(entry).runtimeNames.length.toString().padStart(3)}  ${entry.importPath}`);
}
const long = longFunctions(root, 80);
console.log(`functions over 80 lines outside tests: ${long.length}`);
for (const f of long) console.log(`  ${f.lines.toString().padStart(4)}  ${f.name}  ${f.where}`);
const casts = shapeCasts(root);
console.log(`'as unknown as' and 'as KubeObject' in packages/ and apps/ sources: ${casts.length}`);
for (const where of casts) console.log(`  ${where}`);
