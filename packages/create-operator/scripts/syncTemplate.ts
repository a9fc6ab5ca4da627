/** `npm run sync-template`: copies the tutorial project's files (docs/examples) into template/ after a change there. */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { templateDir, templateFiles } from '../src/templateFiles.ts';

const examples = join(import.meta.dirname, '..', '..', '..', 'docs', 'examples');
rmSync(templateDir(), { recursive: true, force: true });
for (const path of templateFiles) cpSync(join(examples, path), join(templateDir(), path));
console.log(`copied ${templateFiles.length} files from docs/examples to template/`);
