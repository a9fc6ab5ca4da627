/**
 * The Go operator a reference operator replaces, fetched through the Go module proxy and built into the cache — or
 * the exact reason it cannot be. Nothing is vendored or imitated: without the real module there is no Go column.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OperatorCommand } from '@dsoi/peers';

const run = promisify(execFile);

/** A built Go operator, or why there is none. */
export type GoOperator =
  | { readonly available: true; readonly version: string; readonly command: OperatorCommand }
  | { readonly available: false; readonly reason: string };

interface ModuleDownload {
  readonly Version?: string;
  readonly Dir?: string;
  readonly Error?: string;
}

/** The go command's own error text, on one line (it fits a Markdown table cell). */
function failureText(err: unknown): string {
  const { stdout, stderr, message } = err as { stdout?: string; stderr?: string; message?: string };
  let text: string | undefined;
  try {
    text = (JSON.parse(stdout ?? '') as ModuleDownload).Error;
  } catch {
    // not JSON: fall back to stderr
  }
  text ||= (stderr ?? '').trim().split('\n').at(-1) || message || String(err);
  return text.replace(/\s+/g, ' ');
}

/**
 * `go mod download -json <module>@latest` (local toolchain only, 60 s), then `go build ./<mainPackage>` in the
 * module's directory into `~/.cache/dsoi/bench-go` (reused by later runs).
 */
export async function prepareGoOperator(module: string, mainPackage: string): Promise<GoOperator> {
  const env = { ...process.env, GOTOOLCHAIN: 'local' };
  let download: ModuleDownload;
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@latest`], {
      cwd: tmpdir(), // outside any go.mod: nothing of the repository is touched
      env,
      timeout: 60_000,
    });
    download = JSON.parse(stdout) as ModuleDownload;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { available: false, reason: 'no `go` on PATH' };
    return { available: false, reason: `module proxy answered: ${failureText(err)}` };
  }
  if (download.Error || !download.Dir || !download.Version) {
    return {
      available: false,
      reason: `module proxy answered: ${(download.Error ?? 'no module directory').replace(/\s+/g, ' ')}`,
    };
  }
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dsoi', 'bench-go');
  const binary = join(cacheDir, `${module.split('/').at(-1)}-${download.Version}`);
  if (!existsSync(binary)) {
    mkdirSync(cacheDir, { recursive: true });
    try {
      await run('go', ['build', '-mod=mod', '-o', binary, `./${mainPackage}`], {
        cwd: download.Dir,
        env,
        timeout: 30 * 60_000,
        maxBuffer: 16 << 20,
      });
    } catch (err) {
      return { available: false, reason: `go build of ${module}@${download.Version} failed: ${failureText(err)}` };
    }
  }
  return { available: true, version: download.Version, command: { file: binary, args: [] } };
}
