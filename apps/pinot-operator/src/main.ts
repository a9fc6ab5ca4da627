#!/usr/bin/env node
/**
 * The `pinot-operator` binary: runs the operator until SIGTERM/SIGINT (a second signal exits at once). It checks the
 * running Node before loading anything that imports undici (dynamic imports, kept in their own chunk by the build).
 */
import { nodeVersionProblem } from './nodeVersion.ts';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exitCode = 1;
} else {
  const [{ shutdownSignal }, { runCli }] = await Promise.all([import('@dsoi/reconcile'), import('./cli.ts')]);
  process.exitCode = await runCli({ args: process.argv.slice(2), env: process.env, signal: shutdownSignal() });
}
