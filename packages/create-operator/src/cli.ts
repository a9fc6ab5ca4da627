#!/usr/bin/env node
/** The `create-operator` executable, which `npm create @dsoi/operator` runs: flags in, a project out, exit 2 on a bad flag. */
import { relative } from 'node:path';
import { CreateOperatorUsageError, createOperatorUsage, parseCreateOperatorArgs } from './createOperatorArgs.js';
import { createOperatorProject } from './createOperatorProject.js';

function main(args: readonly string[]): number {
  try {
    const parsed = parseCreateOperatorArgs(args);
    if (parsed.help) {
      console.log(createOperatorUsage);
      return 0;
    }
    const { directory, names, files } = createOperatorProject(parsed);
    const cd = relative(process.cwd(), directory) || '.';
    console.log(
      [
        `Wrote ${files.length} files to ${directory}: a ${names.kind} operator (${names.group}/${names.version}).`,
        '',
        `  cd ${cd}`,
        '  npm install && npm test    # the tests run the operator against a real kube-apiserver',
        '  npm run generate           # after changing the schema or the controller: CRDs, RBAC, chart',
        '',
        'README.md says what is where.',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    if (err instanceof CreateOperatorUsageError) {
      console.error(`create-operator: ${err.message}\nRun with --help for the options.`);
      return 2;
    }
    console.error(`create-operator: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
