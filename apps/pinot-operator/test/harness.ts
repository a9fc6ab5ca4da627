/** Starts the operator against the test control plane, scoped to the test's namespaces. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Client, createClient } from '@dsoi/client';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { installCrds, markWorkloadReady, testKubeConfig } from '@dsoi/envtest/testing';
import { createLogger } from '@dsoi/reconcile';
import { eventsRegarding, startInBackground } from '@dsoi/reconcile/testing';
import { type ExpectStatic, expect } from 'vitest';
import { parse } from 'yaml';
import { createPinotOperator, type PinotOperator, type PinotOperatorOptions } from '../src/operator.ts';

export const kubeConfig = testKubeConfig();

export const types = {
  pinot: { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot' },
  schema: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotSchema' },
  table: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotTable' },
  tenant: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotTenant' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  service: { apiVersion: 'v1', kind: 'Service' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  statefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  event: { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
} as const;

/** Installs the committed CRD files (deploy/crds), so the tests exercise exactly what users apply. */
export async function installPinotCrds(): Promise<Client> {
  // Parsed here with a plain YAML parser: envtest's file loader goes through client-node's loadAllYaml, whose
  // model classes rename x-kubernetes-validations and x-kubernetes-list-map-keys (reported to the lead).
  const dir = join(import.meta.dirname, '..', 'deploy', 'crds');
  const crds = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => parse(readFileSync(join(dir, file), 'utf8')) as CustomResourceDefinitionObject);
  await installCrds(kubeConfig, crds);
  return createClient({ kubeConfig, fieldManager: 'test-admin' });
}

export interface RunningOperator {
  readonly operator: PinotOperator;
  stop(): Promise<void>;
}

/** Runs the operator until `stop()`; probes and metrics off, RECONCILE_WAIT 1 s, logs at warn. */
export async function runOperator(
  options: Partial<PinotOperatorOptions> & { watchNamespaces: string[] },
): Promise<RunningOperator> {
  const operator = createPinotOperator({
    kubeConfig,
    reconcileWaitMs: 1_000,
    probes: false,
    metrics: false,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...options,
  });
  const run = startInBackground((signal) => operator.start(signal));
  return { operator, stop: run.stop };
}

/** The Events (events.k8s.io/v1) regarding an object. */
export const eventsOf = eventsRegarding;

/** Polls `fn` until the chained assertion holds, every 200 ms, for `timeout` ms. */
export const poll: <T>(fn: () => Promise<T> | T, timeout?: number) => ReturnType<ExpectStatic['poll']> = (
  fn,
  timeout = 20_000,
) => expect.poll(fn, { timeout, interval: 200 });

/** The object's `Ready` condition, if it has one. */
export const ready = (o: any) => o?.status?.conditions?.find((c: any) => c.type === 'Ready');

/** Reads an object (any shape). */
export function read(
  admin: Client,
  type: { apiVersion: string; kind: string },
  namespace: string,
  name: string,
): Promise<any> {
  return admin.get({ ...type, namespace, name });
}

/** Whether an object exists. */
export async function exists(
  admin: Client,
  type: { apiVersion: string; kind: string },
  namespace: string,
  name: string,
): Promise<boolean> {
  return admin.get({ ...type, namespace, name }).then(
    () => true,
    () => false,
  );
}

/** Simulates the StatefulSet/Deployment controllers and kubelets: the workload rolled out and is ready (spec 6). */
export async function markReady(
  type: typeof types.statefulSet | typeof types.deployment,
  namespace: string,
  name: string,
): Promise<void> {
  await markWorkloadReady(kubeConfig, { kind: type.kind, namespace, name });
}
