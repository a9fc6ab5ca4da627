/**
 * Whether an app's committed generated files (CRDs under deploy/) are what `npm run generate` would write now: the
 * app's `generate` script (a `dsoi generate ...` command) run with `--check`, which writes nothing and lists every
 * file that differs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs the `generate` script of the app in `appDir` with `--check`; resolves when every committed file is current.
 * @throws Error with the command's output (the stale files) otherwise.
 */
export async function checkGeneratedFiles(appDir: string): Promise<void> {
  const { scripts } = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const [command, ...args] = (scripts?.generate ?? '').split(/\s+/);
  if (command !== 'dsoi') throw new Error(`${appDir}: the generate script must be a dsoi command, got "${command}"`);
  const bin = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'dsoi');
  try {
    await promisify(execFile)(process.execPath, [bin, ...args, '--check'], { cwd: appDir });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`stale generated files (run \`npm run generate\`):\n${stdout}${stderr}`);
  }
}
