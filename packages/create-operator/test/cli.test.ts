/** The built executable, as `npm create @dsoi/operator` runs it: exit codes, messages, and what it writes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const cwd = mkdtempSync(join(tmpdir(), 'create-operator-cli-'));

async function createOperator(args: readonly string[]) {
  return run(process.execPath, [cli, ...args], { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('create-operator', () => {
  it('writes a CacheCluster project and says how to test it', async () => {
    const result = await createOperator(['caches', '--kind', 'CacheCluster', '--group', 'cache.example.org']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('a CacheCluster operator (cache.example.org/v1)');
    expect(result.stdout).toContain('cd caches\n');
    expect(readdirSync(join(cwd, 'caches', 'src')).sort()).toEqual([
      'cacheCluster.ts',
      'main.ts',
      'operator.ts',
      'reconciler.ts',
    ]);
  });

  it.each([
    [['--kind', 'cache_cluster'], 'create-operator: --kind: "cache_cluster" must be PascalCase'],
    [['--group', 'cache'], 'create-operator: --group: "cache" must contain at least one dot'],
    [['--scope', 'Cluster'], "create-operator: --scope: Unknown option '--scope'"],
    [['caches'], `create-operator: <directory>: ${join(cwd, 'caches')} is not empty`],
  ])('refuses %j with exit code 2, naming the flag', async (args, message) => {
    const result = await createOperator(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr).toContain('Run with --help for the options.');
  });

  it('prints the usage with --help and writes nothing', async () => {
    const before = readdirSync(cwd);
    const result = await createOperator(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: npm create @dsoi\/operator/);
    expect(readdirSync(cwd)).toEqual(before);
  });
});
