#!/usr/bin/env node
/**
 * The `pinot-operator` binary: runs the operator until SIGTERM/SIGINT (a second signal exits at once). It loads
 * `@dsoi/reconcile` first: on a Node older than its `engines.node`, every entry of that package throws one line before
 * undici loads, which is printed here with exit code 1; cli.ts (its own chunk in the build) loads only after.
 */
const reconcile = await import('@dsoi/reconcile').catch((err: unknown) =>
  err instanceof Error ? err : new Error(String(err)),
);
if (reconcile instanceof Error) {
  console.error(reconcile.message);
  process.exitCode = 1;
} else {
  const { runCli } = await import('./cli.ts');
  process.exitCode = await runCli({
    args: process.argv.slice(2),
    env: process.env,
    signal: reconcile.shutdownSignal(),
  });
}
