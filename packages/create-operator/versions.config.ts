/**
 * The versions a scaffolded project depends on, read when create-operator is built (so a release builds it with the
 * versions `changeset version` just wrote): every public @dsoi package beside it, the test tool chain of the
 * repository's root, and the Node floor.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  engines?: { node?: string };
  devDependencies?: Record<string, string>;
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** `{ '@dsoi/reconcile': '0.1.3', vitest: '^5.1.1', ..., node: '>=22.19.0' }`. */
export function dependencyVersions(): Record<string, string> {
  const packages = join(import.meta.dirname, '..');
  const own = read(join(import.meta.dirname, 'package.json'));
  const versions: Record<string, string> = {};
  for (const dir of readdirSync(packages)) {
    const path = join(packages, dir, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = read(path);
    if (!manifest.private && manifest.name !== own.name) versions[manifest.name] = manifest.version;
  }
  const root = read(join(packages, '..', 'package.json'));
  for (const name of ['@types/node', 'typescript', 'vitest']) {
    const range = root.devDependencies?.[name];
    if (!range) throw new Error(`the repository's package.json has no devDependency ${name}`);
    versions[name] = range;
  }
  versions.node = own.engines?.node ?? '>=22.19.0';
  return versions;
}
