/**
 * The entries the API reference documents: every `exports` subpath of every published package (`.`, `./testing`,
 * subpath entries such as `./controller`), mapped back to the source file the build makes it from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One import path a user can write, and the source file behind it. */
export interface EntryPoint {
  /** The import path, e.g. `@dsoi/reconcile` or `@dsoi/envtest/testing`. */
  readonly importPath: string;
  /** The package, e.g. `@dsoi/envtest`. */
  readonly packageName: string;
  /** The source file, absolute, e.g. `<repo>/packages/envtest/src/testing.ts`. */
  readonly source: string;
}

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
}

/** The first `.js` or `.d.ts` path under a conditional export (`{ import: { types, default } }` and the like). */
function builtPath(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const value of Object.values(target)) {
    const found = builtPath(value);
    if (found?.endsWith('.js')) return found;
  }
  return undefined;
}

/**
 * Every published entry of the packages under `<root>/packages`: `./dist/<path>.js` is built from `src/<path>.ts`
 * or `src/<path>/index.ts` (the tsup entries follow the source tree). `./package.json` is no entry.
 *
 * @throws Error naming the package and subpath when an export has no source file, so a new entry cannot be missed.
 */
export function entryPoints(root: string): EntryPoint[] {
  const entries: EntryPoint[] = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const manifestPath = join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.private) continue;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (subpath === './package.json') continue;
      const built = builtPath(target);
      const stem = built?.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '');
      const candidates = stem ? [`${stem}.ts`, `${stem}/index.ts`] : [];
      const found = candidates.find((c) => existsSync(join(root, 'packages', dir, c)));
      if (!found) {
        const wanted = candidates.join(' or ') || 'a source file';
        throw new Error(`${manifest.name} exports "${subpath}" (${built ?? 'no .js path'}) but has no ${wanted}`);
      }
      const source = join(root, 'packages', dir, found);
      const importPath = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`;
      entries.push({ importPath, packageName: manifest.name, source });
    }
  }
  return entries;
}
