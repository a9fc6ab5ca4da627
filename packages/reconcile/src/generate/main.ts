#!/usr/bin/env node
/** The `dsoi` executable: `dsoi generate crds|rbac|webhooks` (see `generateUsage`). */
import { GenerateUsageError, generateUsage, runGenerate } from './cli.js';

async function main(args: readonly string[]): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.log(generateUsage);
    return 0;
  }
  try {
    console.log(await runGenerate(args, process.cwd()));
    return 0;
  } catch (err) {
    console.error(err instanceof GenerateUsageError ? err.message : `dsoi: ${(err as Error).message}`);
    return err instanceof GenerateUsageError ? 2 : 1;
  }
}

// exit, not exitCode: the operator module may hold timers or sockets it would only close on start's signal.
main(process.argv.slice(2)).then((code) => process.exit(code));
