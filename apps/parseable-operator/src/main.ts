#!/usr/bin/env node
/**
 * The `parseable-operator` binary. `@dsoi/reconcile` loads first: on a Node older than its `engines.node` it throws
 * one line before undici loads (the gate of every entry of that package), printed here with exit code 1. Only then
 * is the command line (cli.ts, its own chunk in the build) loaded.
 */
const gate = await import('@dsoi/reconcile').then(
  () => undefined,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);
if (gate === undefined) await import('./cli.ts');
else {
  console.error(gate);
  process.exitCode = 1;
}
