#!/usr/bin/env node
/** The `dsoi-envtest` command: start a control plane in the foreground, build the binaries, or print their location. */
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findBinaries, runBuild } from './binaries.js';
import { startControlPlane } from './controlPlane.js';
import { listCommand, useCommand } from './internal/releaseCommands.js';

const usage = `usage: dsoi-envtest <command> [options]

commands:
  start   run etcd + kube-apiserver in the foreground until Ctrl-C, and print the kubeconfig path
            --crds <path>        install CRDs from a file or directory (repeatable)
            --gc                 also run kube-controller-manager (garbage collector + namespace controller)
            --kubeconfig <path>  also copy the admin kubeconfig to this path
  use [version]  download a released envtest archive (etcd, kube-apiserver; no kube-controller-manager, so no
          garbage collection) into the cache, check its SHA-512, and print its directory. version: latest
          (default), 1.33 (its newest patch) or 1.33.2
            --index-url <url>    the envtest release index (default: $DSOI_ENVTEST_INDEX_URL, else controller-tools')
            --platform <os/arch> another platform than this machine's (Go names: linux/amd64, darwin/arm64)
            --force              download again even when the cache has it
  list    list the releases of the index and which ones the cache has (--index-url, --platform as for use)
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
      'index-url': { type: 'string' },
      platform: { type: 'string' },
      force: { type: 'boolean', default: false },
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
    case 'use':
    case 'list': {
      const flags = { indexUrl: values['index-url'], platform: values.platform, force: values.force };
      return command === 'use' ? useCommand(positionals[1] ?? 'latest', flags) : listCommand(flags);
    }
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
  if (!plane.garbageCollector) {
    const why = plane.binaries.kubeControllerManager
      ? '--gc runs it'
      : `no kube-controller-manager in ${plane.binaries.dir}`;
    console.log(`garbage collection is off (${why})`);
  }
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
