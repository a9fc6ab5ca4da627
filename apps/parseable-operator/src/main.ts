#!/usr/bin/env node
/**
 * The `parseable-operator` binary: checks the running Node before loading the command line (cli.ts), whose imports
 * pull in undici; the dynamic import keeps cli.ts in its own chunk of the build.
 */
import { nodeVersionProblem } from './nodeVersion.ts';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exitCode = 1;
} else {
  await import('./cli.ts');
}
