/**
 * The Go operator this one replaces (`datainfrahq/pinot-control-plane-k8s`, built by `@dsoi/peers` from its unmodified
 * source), run as a process against the test control plane, for the oracle and migration suites. Without Go or the
 * sources, `goPinotOperator()` says why and the suites skip.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@dsoi/client';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { buildPeer, type OperatorProcess, startOperator } from '@dsoi/peers';
import { parse } from 'yaml';

/** The built peer, or why there is none (printed once, so a skipped suite says so). */
export async function goPinotOperator(): Promise<
  { available: true; binary: string; sourceDir: string; version: string } | { available: false; reason: string }
> {
  const build = await buildPeer('pinot-control-plane-k8s');
  if (!build.available) {
    console.log(`Go Pinot operator unavailable, skipping the Go side: ${build.reason}`);
    return { available: false, reason: build.reason };
  }
  return { available: true, binary: build.binary, sourceDir: build.sourceDir, version: build.version };
}

/** A running Go operator and its log file. */
export interface RunningGoOperator {
  readonly process: OperatorProcess;
  readonly logFile: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Go operator on the test control plane. It has no `WATCH_NAMESPACE` (it watches every namespace), so
 * `denyList` (its `DENY_LIST`) must name every namespace it must leave alone, e.g. the ones our operator works in.
 */
export async function startGoPinotOperator(
  binary: string,
  options: { denyList: readonly string[] },
): Promise<RunningGoOperator> {
  const kubeconfig = process.env[kubeconfigEnv];
  if (!kubeconfig) throw new Error(`${kubeconfigEnv} is not set: the Go operator needs the test control plane`);
  const logFile = join(mkdtempSync(join(tmpdir(), 'go-pinot-')), 'operator.log');
  const proc = await startOperator(
    { file: binary, args: [] },
    { kubeconfig, logFile, env: { DENY_LIST: options.denyList.join(','), RECONCILE_WAIT: '2s' } },
  );
  return {
    process: proc,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      await proc.stop();
    },
  };
}

/**
 * Every namespace of the control plane but `keep`: the Go operator's `denyList` when it must act in `keep` only. The
 * peer suites run on the control plane the earlier test files used, and their leftover CRs (hostile REST documents,
 * clusters of other tests) would otherwise be reconciled by the Go operator too, and fill its log with errors.
 */
export async function allNamespacesBut(client: Pick<Client, 'list'>, keep: readonly string[]): Promise<string[]> {
  const namespaces = await client.list({ apiVersion: 'v1', kind: 'Namespace' });
  return namespaces.items.map((n) => n.metadata.name).filter((name) => !keep.includes(name));
}

/** The Go operator's CRDs (`config/crd/bases`), as files. */
export function goCrds(sourceDir: string): CustomResourceDefinitionObject[] {
  const dir = join(sourceDir, 'config', 'crd', 'bases');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as CustomResourceDefinitionObject);
}
