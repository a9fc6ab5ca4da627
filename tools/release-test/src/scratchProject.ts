/**
 * A user's fresh project outside the repository: its own directory under the OS temp dir, an `.npmrc` naming the
 * local registry as the only registry, and an npm cache of its own, so every package it gets came through that
 * registry.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What an install put on disk. */
export interface Footprint {
  /** Packages in node_modules (from npm's hidden lockfile). */
  readonly packages: number;
  /** `du` of node_modules, in kilobytes. */
  readonly diskKb: number;
  /** The installed package paths, e.g. `node_modules/@dsoi/hash`. */
  readonly paths: readonly string[];
}

/** A scratch project: run npm and node in it, measure it, remove it. */
export interface ScratchProject {
  readonly dir: string;
  /** `npm install <specs>`, then what node_modules holds. */
  install(specs: readonly string[]): Promise<Footprint>;
  /** Runs `node <args>` (or the given Node binary) in the project; rejects with its output on a non-zero exit. */
  node(args: readonly string[], options?: NodeRunOptions): Promise<string>;
  /** Runs `npm <args>` in `options.cwd` under the project (e.g. a project generated inside it), with its npm config. */
  npm(args: readonly string[], options?: NpmRunOptions): Promise<string>;
  remove(): void;
}

/** Options of {@link ScratchProject.node}. */
export interface NodeRunOptions {
  /** The Node binary. @default process.execPath */
  readonly nodeBin?: string;
  /** Extra environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 120_000 */
  readonly timeoutMs?: number;
}

/** Options of {@link ScratchProject.npm}. */
export interface NpmRunOptions {
  /** The directory, relative to the project's. @default the project's */
  readonly cwd?: string;
  /** Extra environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 300_000 */
  readonly timeoutMs?: number;
}

/** Creates an empty ESM project that installs only from `registryUrl`, caching into `npmCache`. */
export function createScratchProject(name: string, registryUrl: string, npmCache: string): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), `dsoi-${name}-`));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(dir, '.npmrc'), `registry=${registryUrl}\n`);
  mkdirSync(npmCache, { recursive: true });
  const env = {
    ...process.env,
    // Only the project's .npmrc counts: no user or global config may add a registry or a token.
    npm_config_userconfig: join(dir, '.npmrc-user'),
    npm_config_globalconfig: join(dir, '.npmrc-global'),
    npm_config_registry: registryUrl,
    npm_config_cache: npmCache,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  return {
    dir,
    async install(specs) {
      await run('npm', ['install', '--no-audit', '--no-fund', ...specs], { cwd: dir, env, maxBuffer: 16 << 20 });
      const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as {
        packages: Record<string, unknown>;
      };
      const paths = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
      const { stdout } = await run('du', ['-sk', join(dir, 'node_modules')]);
      return { packages: paths.length, diskKb: Number(stdout.split(/\s/)[0]), paths };
    },
    async node(args, { nodeBin = process.execPath, env: extra = {}, timeoutMs = 120_000 } = {}) {
      try {
        const { stdout, stderr } = await run(nodeBin, [...args], {
          cwd: dir,
          env: { ...env, ...extra },
          timeout: timeoutMs,
          maxBuffer: 16 << 20,
        });
        return stdout + stderr;
      } catch (err) {
        const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
        throw new Error(`node ${args.join(' ')} in ${dir} failed: ${(err as Error).message}\n${stdout}${stderr}`);
      }
    },
    async npm(args, { cwd = '.', env: extra = {}, timeoutMs = 300_000 } = {}) {
      try {
        const { stdout, stderr } = await run('npm', [...args], {
          cwd: join(dir, cwd),
          env: { ...env, ...extra },
          timeout: timeoutMs,
          maxBuffer: 64 << 20,
        });
        return stdout + stderr;
      } catch (err) {
        const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
        throw new Error(
          `npm ${args.join(' ')} in ${join(dir, cwd)} failed: ${(err as Error).message}\n${stdout}${stderr}`,
        );
      }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
