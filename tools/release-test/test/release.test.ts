import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { findBinaries } from '@dsoi/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFromRegistry } from '../src/nodeFromRegistry.ts';
import { dsoiClosure, publishWithChangesets, type Release, repoRoot } from '../src/publishWithChangesets.ts';
import { type LocalRegistry, startRegistry } from '../src/registry.ts';
import { createScratchProject, type Footprint, type ScratchProject } from '../src/scratchProject.ts';

const run = promisify(execFile);

/** The floor every package.json `engines.node` states, and the release just below it. */
const floor = '22.19.0';
const belowFloor = '22.18.0';
const fixtures = join(import.meta.dirname, '..', 'fixtures');

let registry: LocalRegistry;
let release: Release;
let npmCache: string;
const nodes: Record<string, string> = {};
const projects: ScratchProject[] = [];
const footprints = new Map<string, Footprint>();

function project(name: string): ScratchProject {
  const created = createScratchProject(name, registry.url, npmCache);
  projects.push(created);
  return created;
}

function version(name: string): string {
  const found = release.packages.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not released: ${release.packages.map((p) => p.name).join(', ')}`);
  return `${name}@${found.version}`;
}

/** The installed packages of a scope, e.g. ['@dsoi/hash'], from node_modules paths at any depth. */
function installed(footprint: Footprint, prefix: string): string[] {
  return footprint.paths
    .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter((name) => name.startsWith(prefix))
    .sort();
}

beforeAll(async () => {
  nodes[floor] = await nodeFromRegistry(floor);
  nodes[belowFloor] = await nodeFromRegistry(belowFloor);
  nodes[process.versions.node] = process.execPath;
  npmCache = mkdtempSync(join(tmpdir(), 'dsoi-npm-cache-'));
  registry = await startRegistry();
  release = await publishWithChangesets(registry.npmrc);
});

afterAll(async () => {
  for (const p of projects) p.remove();
  await registry?.stop();
  if (npmCache) rmSync(npmCache, { recursive: true, force: true });
  if (footprints.size > 0) {
    console.log(
      ['npm install <package> from the local registry:', ...footprints.entries()]
        .map((row) =>
          typeof row === 'string' ? row : `  ${row[0].padEnd(24)} ${row[1].packages} packages, ${row[1].diskKb} KB`,
        )
        .join('\n'),
    );
  }
});

describe('a release through a real registry', () => {
  it('publishes every public package with changesets, each with its dist/ (@dsoi/hash built by its prepack)', async () => {
    const names = release.packages.map((p) => p.name);
    expect(names).toEqual([
      '@dsoi/builder',
      '@dsoi/client',
      '@dsoi/create-operator',
      '@dsoi/envtest',
      '@dsoi/events',
      '@dsoi/hash',
      '@dsoi/object',
      '@dsoi/reconcile',
      '@dsoi/store',
      '@dsoi/webhook',
    ]);
    for (const { name, version } of release.packages) {
      const packument = (await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json()) as {
        versions: Record<string, { dist: { fileCount?: number; tarball: string } }>;
      };
      expect(Object.keys(packument.versions), name).toEqual([version]);
      const tarball = Buffer.from(await (await fetch(packument.versions[version]?.dist.tarball ?? '')).arrayBuffer());
      const dir = mkdtempSync(join(tmpdir(), 'dsoi-tarball-'));
      try {
        writeFileSync(join(dir, 'package.tgz'), tarball);
        const { stdout } = await run('tar', ['-tzf', join(dir, 'package.tgz')]);
        const files = stdout.trim().split('\n').sort();
        expect(files, name).toContain('package/dist/index.js');
        expect(files, name).toContain('package/dist/index.cjs');
        expect(files, name).toContain('package/dist/index.d.ts');
        expect(
          // create-operator's template/ holds the sources of the project it writes: they are its product.
          files.filter((f) => (f.includes('/src/') && !f.startsWith('package/template/')) || f.endsWith('.map')),
          name,
        ).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('npm install @dsoi/hash brings only the object model (types) and no @kubernetes/client-node', async () => {
    const footprint = await project('hash').install([version('@dsoi/hash')]);
    footprints.set('@dsoi/hash', footprint);
    expect(installed(footprint, '@dsoi/')).toEqual(['@dsoi/hash', '@dsoi/object']);
    expect(installed(footprint, '@kubernetes/')).toEqual([]);
  });

  it('npm install @dsoi/object brings nothing else: the object model is a package of types, under 100 KB on disk', async () => {
    const footprint = await project('object').install([version('@dsoi/object')]);
    footprints.set('@dsoi/object', footprint);
    expect(footprint.packages).toBe(1);
    // du counts a block per file: its seven files (types, empty JS, README, LICENSE) took 68 KB on the first run.
    expect(footprint.diskKb).toBeLessThan(100);
  });

  it('npm install @dsoi/builder brings @dsoi/hash and no @kubernetes/client-node (types only, an optional peer)', async () => {
    const footprint = await project('builder').install([version('@dsoi/builder')]);
    footprints.set('@dsoi/builder', footprint);
    expect(installed(footprint, '@dsoi/')).toEqual(dsoiClosure(release.packages, '@dsoi/builder'));
    expect(installed(footprint, '@kubernetes/')).toEqual([]);
    expect(footprint.diskKb).toBeLessThan(1024);
  });

  it('npm install @dsoi/client brings one @kubernetes/client-node, its peer', async () => {
    const footprint = await project('client').install([version('@dsoi/client')]);
    footprints.set('@dsoi/client', footprint);
    expect(installed(footprint, '@dsoi/')).toEqual(dsoiClosure(release.packages, '@dsoi/client'));
    expect(installed(footprint, '@kubernetes/')).toEqual(['@kubernetes/client-node']);
  });

  it('npm install @dsoi/reconcile brings exactly its declared @dsoi closure', async () => {
    const footprint = await project('reconcile').install([version('@dsoi/reconcile')]);
    footprints.set('@dsoi/reconcile', footprint);
    expect(installed(footprint, '@dsoi/')).toEqual(dsoiClosure(release.packages, '@dsoi/reconcile'));
    expect(installed(footprint, '@kubernetes/')).toEqual(['@kubernetes/client-node']);
    expect(installed(footprint, 'prom-client')).toEqual(['prom-client']);
  });

  it('measures @kubernetes/client-node alone, for comparison', async () => {
    const footprint = await project('client-node').install(['@kubernetes/client-node@^2.0.1']);
    footprints.set('@kubernetes/client-node', footprint);
    expect(installed(footprint, '@kubernetes/')).toEqual(['@kubernetes/client-node']);
  });

  describe('an operator project with its own @kubernetes/client-node and prom-client', () => {
    let app: ScratchProject;

    beforeAll(async () => {
      app = project('operator');
      const footprint = await app.install([
        version('@dsoi/reconcile'),
        version('@dsoi/envtest'),
        version('@dsoi/create-operator'),
        version('@dsoi/webhook'),
        '@kubernetes/client-node@^2.0.1',
        'prom-client@^15.1.3',
        // The type packages a strict TypeScript user has: skipLibCheck stays off below, so our .d.ts files are
        // checked too, and client-node's own declarations import 'ws' (through isomorphic-ws).
        '@types/node@^24.19.2',
        '@types/ws@^8.5.0',
      ]);
      // One copy of each: the classes in our public types (KubeConfig, Registry) are the user's own.
      expect(installed(footprint, '@kubernetes/')).toEqual(['@kubernetes/client-node']);
      expect(installed(footprint, 'prom-client')).toEqual(['prom-client']);
      copyFileSync(join(fixtures, 'operator.mjs'), join(app.dir, 'operator.mjs'));
      copyFileSync(join(fixtures, 'publicTypes.ts'), join(app.dir, 'publicTypes.ts'));
    });

    it('typechecks a TypeScript file that passes the user’s KubeConfig and Registry to the public API', async () => {
      writeFileSync(
        join(app.dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2023',
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            types: ['node'],
          },
          files: ['publicTypes.ts'],
        }),
      );
      const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      await expect(app.node([tsc, '-p', 'tsconfig.json'])).resolves.toBe('');
    });

    it.each([floor, process.versions.node])('imports (ESM) and requires (CJS) every package on Node %s', async (v) => {
      const names = release.packages.map((p) => p.name);
      const script = `
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        for (const name of ${JSON.stringify(names)}) {
          const esm = Object.keys(await import(name));
          const cjs = Object.keys(require(name));
          // As sets: with code splitting a CJS entry lists re-exports from a shared chunk in another order.
          const names = (keys) => keys.filter((k) => k !== 'default' && k !== '__esModule').sort().join();
          // The object model is types only: it loads, and exports nothing.
          const typesOnly = name === '@dsoi/object';
          if ((esm.length === 0) !== typesOnly || names(esm) !== names(cjs))
            throw new Error(name + ': ESM exports ' + esm + ' but CJS exports ' + cjs);
          console.log(name, esm.length);
        }`;
      const out = await app.node(['--input-type=module', '-e', script], { nodeBin: nodes[v] });
      expect(
        out
          .trim()
          .split('\n')
          .map((line) => line.split(' ')[0]),
      ).toEqual(names);
    });

    it.each([floor, process.versions.node])(
      'a small operator (CRD, Deployment child, status) converges on @dsoi/envtest on Node %s',
      async (v) => {
        const { dir } = await findBinaries({ build: false });
        const out = await app.node(['operator.mjs'], {
          nodeBin: nodes[v],
          env: { DSOI_ENVTEST_ASSETS: dir, LOG_LEVEL: 'warn' },
          timeoutMs: 240_000,
        });
        const line = out.split('\n').find((l) => l.startsWith('converged '));
        expect(JSON.parse(line?.slice('converged '.length) ?? 'null')).toEqual({
          status: { deployment: 'demo-web', observedGeneration: 1 },
          replicas: 2,
          image: 'nginx:1.27',
          owner: 'Widget/demo controller=true',
        });
      },
    );

    it(`every CLI says in one line that Node ${belowFloor} is too old, and exits 1`, async () => {
      const expected = `dsoi needs Node >= ${floor}; this is ${belowFloor}\n`;
      const clis = [
        join(app.dir, 'node_modules', '.bin', 'dsoi-envtest'),
        join(app.dir, 'node_modules', '.bin', 'create-operator'),
        join(repoRoot, 'apps', 'pinot-operator', 'dist', 'main.js'),
        join(repoRoot, 'apps', 'parseable-operator', 'dist', 'main.js'),
      ];
      for (const cli of clis) {
        const result = await run(nodes[belowFloor] ?? '', [cli, '--help']).then(
          () => ({ code: 0, stdout: '', stderr: '' }),
          (err: { code: number; stdout: string; stderr: string }) => err,
        );
        expect({ cli, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
          cli,
          code: 1,
          stdout: '',
          stderr: expected,
        });
        const ok = await run(nodes[floor] ?? '', [cli, '--help']);
        expect(ok.stdout, cli).toMatch(/^(usage|Usage)/);
      }
    });

    it(`a program loading a package that brings undici on Node ${belowFloor} gets an Error with that one line`, async () => {
      const line = `dsoi needs Node >= ${floor}; this is ${belowFloor}`;
      for (const name of ['@dsoi/client', '@dsoi/reconcile', '@dsoi/envtest']) {
        const script = `
          import { createRequire } from 'node:module';
          const esm = await import('${name}').then(() => 'loaded', (err) => err.message);
          let cjs = 'loaded';
          try { createRequire(import.meta.url)('${name}'); } catch (err) { cjs = err.message; }
          console.log(JSON.stringify({ esm, cjs }));`;
        const out = await app.node(['--input-type=module', '-e', script], { nodeBin: nodes[belowFloor] });
        expect(JSON.parse(out), name).toEqual({ esm: line, cjs: line });
      }
      // The operator imports @dsoi/builder (no undici) first, then @dsoi/client: the check runs before undici loads.
      const crash = await app.node(['operator.mjs'], { nodeBin: nodes[belowFloor] }).then(
        () => 'exit 0',
        (err: Error) => err.message,
      );
      expect(crash).toContain(`Error: ${line}`);
      expect(crash).not.toContain('undici');
    });

    it('npm create @dsoi/operator: a CacheCluster project installs from the registry, passes its own npm test on a real API server, and its generated files are current', async () => {
      const started = Date.now();
      const scaffold = project('scaffold');
      const created = await app.node([
        join(app.dir, 'node_modules', '.bin', 'create-operator'),
        join(scaffold.dir, 'cache-operator'),
        '--kind',
        'CacheCluster',
        '--group',
        'cache.example.org',
        '--version',
        'v1alpha1',
      ]);
      expect(created).toContain('a CacheCluster operator (cache.example.org/v1alpha1)');
      const manifest = JSON.parse(readFileSync(join(scaffold.dir, 'cache-operator', 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      // The @dsoi packages of this release, nothing from the repository's workspace.
      for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        if (name.startsWith('@dsoi/')) expect(range, name).toBe(`^${version(name).slice(name.length + 1)}`);
      }
      const inProject = { cwd: 'cache-operator' };
      await scaffold.npm(['install', '--no-audit', '--no-fund'], inProject);
      const installed = Date.now();
      const { dir } = await findBinaries({ build: false });
      const env = { DSOI_ENVTEST_ASSETS: dir, LOG_LEVEL: 'warn' };
      await scaffold.npm(['run', 'typecheck'], inProject);
      await scaffold.npm(['run', 'generate:check'], inProject);
      const tested = stripVTControlCharacters(
        await scaffold.npm(['test'], { ...inProject, env: { ...env, NO_COLOR: '1' } }),
      );
      expect(tested).toMatch(/Tests\s+3 passed \(3\)/);
      expect(tested).toContain('test/cacheCluster.test.ts');
      console.log(
        `npm create @dsoi/operator: scaffold + install ${((installed - started) / 1000).toFixed(1)} s, ` +
          `typecheck + generate:check + npm test ${((Date.now() - installed) / 1000).toFixed(1)} s`,
      );
    }, 600_000);

    it('engines.node of every package states the same floor', () => {
      for (const dir of [
        'packages/hash',
        'packages/builder',
        'packages/events',
        'packages/client',
        'packages/create-operator',
        'packages/store',
        'packages/reconcile',
        'packages/envtest',
        'packages/webhook',
        'apps/pinot-operator',
        'apps/parseable-operator',
      ]) {
        const { engines } = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as {
          engines: { node: string };
        };
        expect(engines.node, dir).toBe(`>=${floor}`);
      }
    });
  });
});
