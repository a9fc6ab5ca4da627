/**
 * The template: the tutorial's WebApp project (docs/examples in the repository), file for file. `template/` holds
 * copies of these files, kept equal to docs/examples by a test (`npm run sync-template` copies them again).
 */
import { join } from 'node:path';

/** The files of docs/examples a scaffolded project gets, renamed (tsconfig.json and .gitignore are written instead). */
export const templateFiles: readonly string[] = Object.freeze([
  'Dockerfile',
  'README.md',
  'deploy/chart/Chart.yaml',
  'deploy/chart/crds/example.com_webapps.yaml',
  'deploy/chart/files/role.yaml',
  'deploy/chart/templates/deployment.yaml',
  'deploy/chart/templates/rbac.yaml',
  'deploy/chart/templates/serviceaccount.yaml',
  'deploy/chart/values.yaml',
  'deploy/crds/example.com_webapps.yaml',
  'deploy/rbac/role.yaml',
  'package.json',
  'src/main.ts',
  'src/operator.ts',
  'src/reconciler.ts',
  'src/webApp.ts',
  'test/controlPlane.ts',
  'test/webApp.test.ts',
  'vitest.config.ts',
]);

/** The directory that holds the template: `template/` at the package root (this file is in src/ or dist/). */
export function templateDir(): string {
  // dist/index.cjs has __dirname and an empty import.meta; dist/index.js and the sources have import.meta.dirname.
  const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;
  return join(here, '..', 'template');
}
