#!/usr/bin/env node
/**
 * The `dsoi-envtest` executable: checks the running Node first, then loads the command line (cli.ts), whose imports
 * pull in undici. The specifier is computed so the bundler leaves cli.js a separate file loaded only after the check.
 */
import { nodeVersionProblem } from './nodeVersion.js';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exitCode = 1;
} else {
  const cli = new URL('./cli.js', import.meta.url).href;
  import(cli).catch((err: unknown) => {
    console.error(`dsoi-envtest: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
