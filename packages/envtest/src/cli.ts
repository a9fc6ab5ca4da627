#!/usr/bin/env node
/** The `dsoi-envtest` command: start a control plane in the foreground, build the binaries, or print their location. */
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findBinaries, runBuild } from './binaries.js';
import { startControlPlane } from './controlPlane.js';

const usage = `usage: dsoi-envtest <command> [options]

commands:
  start   run etcd + kube-apiserver in the foreground until Ctrl-C, and print the kubeconfig path
            --crds <path>        install CRDs from a file or directory (repeatable)
            --gc                 also run kube-controller-manager (garbage collector + namespace controller)
            --kubeconfig <path>  also copy the admin kubeconfig to this path
  build   build kube-apiserver, kube-controller-manager and etcd with Go into the cache (once per machine)
  env     print shell exports (DSOI_ENVTEST_ASSETS, KUBEBUILDER_ASSETS) for the binaries found`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      crds: { type: 'string', multiple: true },
      gc: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(usage);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'build': {
      const script = join(dirname(fileURLToPath(import.meta.url)), 'testbin', 'build.sh');
      console.log(await runBuild(script, process.stderr, process.env));
      return 0;
    }
    case 'env': {
      const { dir } = await findBinaries({ build: false });
      console.log(`export DSOI_ENVTEST_ASSETS=${dir}\nexport KUBEBUILDER_ASSETS=${dir}`);
      return 0;
    }
    case 'start':
      return start(values.crds ?? [], values.gc, values.kubeconfig);
    default:
      console.error(`dsoi-envtest: unknown command ${JSON.stringify(command)}\n\n${usage}`);
      return 2;
  }
}

async function start(crds: string[], gc: boolean, copyTo: string | undefined): Promise<number> {
  const stop = new AbortController();
  const started = Date.now();
  const plane = await startControlPlane({ crds, garbageCollector: gc, signal: stop.signal });
  if (copyTo) copyFileSync(plane.kubeconfigPath, copyTo);
  const path = copyTo ?? plane.kubeconfigPath;
  console.log(`control plane ready in ${Date.now() - started} ms at ${plane.server}`);
  console.log(`export KUBECONFIG=${path}`);
  console.log('press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await plane.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`dsoi-envtest: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
