/**
 * Releases the workspace's packages to a registry the way `npm run release` does, without touching the working tree:
 * a copy of the repository's sources (no dist/), one more changeset that bumps every package, `changeset version`,
 * a build of every package in dependency order, then `changeset publish` (without git tags: the copy is no
 * repository), whose `npm publish` runs each package's `prepack`.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
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
    // What `nx run-many -t build` does in the release script: dependencies first, since a package's .d.ts build
    // reads the .d.ts of the @dsoi packages it imports.
    const builds: string[] = [];
    for (const pkg of dependencyOrder(publicPackages(work))) {
      const dir = join(work, 'packages', pkg.name.replace('@dsoi/', ''));
      const build = await run('npm', ['run', 'build'], { cwd: dir, env, maxBuffer: 16 << 20 });
      builds.push(build.stdout, build.stderr);
    }
    // One package goes to `changeset publish` unbuilt, as a package published without the release script would:
    // its prepack must build it (the tarball check in the test sees its dist/). The others are built, so their
    // prepack builds nothing and no .d.ts build reads hash's dist/ while it is rebuilt.
    rmSync(join(work, 'packages', 'hash', 'dist'), { recursive: true, force: true });
    const publish = await run(process.execPath, [changeset, 'publish', '--no-git-tag'], {
      cwd: work,
      env,
      maxBuffer: 64 << 20,
    });
    return {
      packages: publicPackages(work),
      log: [version.stdout, version.stderr, ...builds, publish.stdout, publish.stderr].join('\n'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The files a release reads: the root manifest, the changeset config and pending changesets, shared build config,
 * every workspace's package.json, and the published packages' sources. node_modules links each entry to the
 * repository's, except `@dsoi/*`, which are the copy's own packages (as npm's workspace links would be).
 */
function copySources(work: string): void {
  const copy = (path: string) => {
    const from = join(repoRoot, path);
    if (existsSync(from)) cpSync(from, join(work, path), { recursive: true });
  };
  for (const path of ['package.json', 'tsconfig.base.json', 'LICENSE', '.changeset', 'config', 'tools/k8s-testbin'])
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
  mkdirSync(join(work, 'node_modules', '@dsoi'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@dsoi') symlinkSync(join(repoRoot, 'node_modules', entry), join(work, 'node_modules', entry));
  }
  for (const name of readdirSync(join(work, 'packages'))) {
    symlinkSync(join(work, 'packages', name), join(work, 'node_modules', '@dsoi', name), 'dir');
  }
}

/** The packages ordered so that each comes after the @dsoi packages it depends on. */
function dependencyOrder(packages: readonly PublishedPackage[]): PublishedPackage[] {
  const ordered: PublishedPackage[] = [];
  const visit = (pkg: PublishedPackage) => {
    if (ordered.includes(pkg)) return;
    for (const dep of pkg.dsoiDependencies) {
      const found = packages.find((p) => p.name === dep);
      if (found) visit(found);
    }
    ordered.push(pkg);
  };
  for (const pkg of packages) visit(pkg);
  return ordered;
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
