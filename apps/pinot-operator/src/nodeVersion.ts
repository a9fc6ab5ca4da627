/**
 * The Node version gate of the `pinot-operator` binary: @kubernetes/client-node brings undici, which crashes with a
 * stack trace while loading on a Node older than its floor, so the binary checks `engines.node` before importing it.
 */
import { createRequire } from 'node:module';

/**
 * Returns the one line to print when `version` is older than this package's `engines.node` (`>=X.Y.Z`), else
 * `undefined`.
 */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const { engines } = createRequire(import.meta.url)('../package.json') as { engines?: { node?: string } };
  const floor = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(engines?.node ?? '');
  if (!floor) throw new Error(`package.json engines.node must read ">=X.Y.Z", got ${JSON.stringify(engines?.node)}`);
  const wanted = floor.slice(1).map(Number);
  const running = version.split('.').map(Number);
  for (const [i, want] of wanted.entries()) {
    const have = running[i] ?? 0;
    if (have > want) return undefined;
    if (have < want) return `dsoi needs Node >= ${wanted.join('.')}; this is ${version}`;
  }
  return undefined;
}
