/**
 * Releases the workspace's packages to a registry the way a maintainer does, without touching the working tree: a
 * copy of the repository's sources (no dist/), one more changeset that bumps every package, then `changeset version`
 * and `changeset publish` (without git tags: the copy is no repository), whose `npm publish` builds each package in
 * its `prepack` script.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is tools/release-test/src/publishWithChangesets.ts). */
export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** A published package: name and the version `changeset version` gave it. */
export interface PublishedPackage {
  readonly name: string;
  readonly version: string;
  /** The `@dsoi/*` packages it depends on at run time (dependencies and required peers). */
  readonly dsoiDependencies: readonly string[];
}

/** The release: what was published, and the output of both changeset commands. */
export interface Release {
  readonly packages: readonly PublishedPackage[];
  readonly log: string;
}

/** Copies the sources, versions them with changesets and publishes every public package to the registry. */
export async function publishWithChangesets(npmrc: string): Promise<Release> {
  const work = mkdtempSync(join(tmpdir(), 'dsoi-release-'));
  try {
    copySources(work);
    const names = publicPackages(work).map((p) => p.name);
    writeFileSync(
      join(work, '.changeset', 'release-test.md'),
      `---\n${names.map((n) => `'${n}': patch`).join('\n')}\n---\n\nRelease test: every package once more.\n`,
    );
    writeFileSync(join(work, '.npmrc'), npmrc);
    // npm reads the project .npmrc of the workspace root; the user config and cache are kept out of the way so
    // nothing is read from or written to the maintainer's own npm setup.
    const env = {
      ...process.env,
      npm_config_userconfig: join(work, '.npmrc'),
      npm_config_cache: join(work, '.npm-cache'),
      npm_config_registry: npmrc.split('\n')[0]?.replace('registry=', ''),
    };
    const changeset = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
    const version = await run(process.execPath, [changeset, 'version'], { cwd: work, env });
    const publish = await run(process.execPath, [changeset, 'publish', '--no-git-tag'], {
      cwd: work,
      env,
      maxBuffer: 64 << 20,
    });
    return {
      packages: publicPackages(work),
      log: [version.stdout, version.stderr, publish.stdout, publish.stderr].join('\n'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The files a release reads: the root manifest, the changeset config and pending changesets, shared build config,
 * every workspace's package.json, and the published packages' sources. node_modules links to the repository's.
 */
function copySources(work: string): void {
  const copy = (path: string) => {
    const from = join(repoRoot, path);
    if (existsSync(from)) cpSync(from, join(work, path), { recursive: true });
  };
  for (const path of [
    'package.json',
    'tsconfig.base.json',
    'LICENSE',
    '.changeset',
    'tools/config',
    'tools/k8s-testbin',
  ])
    copy(path);
  for (const group of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(repoRoot, group))) {
      const dir = join(group, name);
      if (!existsSync(join(repoRoot, dir, 'package.json'))) continue;
      copy(join(dir, 'package.json'));
      if (group !== 'packages') continue;
      for (const entry of readdirSync(join(repoRoot, dir))) {
        if (entry !== 'node_modules' && entry !== 'dist') copy(join(dir, entry));
      }
    }
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function publicPackages(root: string): PublishedPackage[] {
  return readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name, 'package.json'))
    .filter((path) => existsSync(path))
    .map((path) => JSON.parse(readFileSync(path, 'utf8')) as Manifest)
    .filter((m) => !m.private)
    .map((m) => ({
      name: m.name,
      version: m.version,
      dsoiDependencies: [
        ...Object.keys(m.dependencies ?? {}),
        ...Object.keys(m.peerDependencies ?? {}).filter((n) => !m.peerDependenciesMeta?.[n]?.optional),
      ].filter((n) => n.startsWith('@dsoi/')),
    }));
}

/** The `@dsoi/*` packages `name` brings at run time, itself included. */
export function dsoiClosure(packages: readonly PublishedPackage[], name: string): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of byName.get(n)?.dsoiDependencies ?? []) visit(d);
  };
  visit(name);
  return [...seen].sort();
}
