/** Starts the operator against the test control plane, scoped to the test's namespaces. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOperatorFixture, kubeTypes, type OperatorFixture } from '@dsoi/chart-testing';
import { type Client, createClient } from '@dsoi/client';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { installCrds, markWorkloadReady, testKubeConfig } from '@dsoi/envtest/testing';
import { eventsRegarding, type RunningTestOperator, startTestOperator } from '@dsoi/reconcile/testing';
import { type ExpectStatic, expect } from 'vitest';
import { parse } from 'yaml';
import { createPinotOperator, type PinotOperator, type PinotOperatorOptions } from '../src/operator.ts';
import { type FakePinot, startFakePinot } from './fakePinot.ts';

export const kubeConfig = testKubeConfig();

/** The operator's kinds and the built-in ones its tests read. */
export const types = {
  pinot: { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot' },
  schema: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotSchema' },
  table: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotTable' },
  tenant: { apiVersion: 'datainfra.io/v1beta1', kind: 'PinotTenant' },
  ...kubeTypes,
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

/** The operator as a test runs it (`@dsoi/reconcile/testing`'s `startTestOperator`). */
export type RunningOperator = RunningTestOperator<PinotOperator>;

/** Runs the operator until `stop()`; probes and metrics off, RECONCILE_WAIT 1 s, logs silent (TEST_LOG_LEVEL). */
export async function runOperator(
  options: Partial<PinotOperatorOptions> & { watchNamespaces: string[] },
): Promise<RunningOperator> {
  return startTestOperator(createPinotOperator, { kubeConfig, ...options });
}

type OperatorOptions = Parameters<typeof runOperator>[0];

/** The fixture of a Pinot test file: `@dsoi/chart-testing`'s, plus a fake Pinot for the operator to talk to. */
export interface PinotFixture extends OperatorFixture<OperatorOptions, RunningOperator> {
  /**
   * Starts a fake Pinot (with basic auth when `credentials` are given, https when `tls` is) and the operator pointed
   * at it (HTTP timeout 2 s unless `options` say otherwise); after the test the operator stops, then the fake.
   */
  startWithFakePinot(
    options: OperatorOptions & {
      credentials?: Parameters<typeof startFakePinot>[0];
      tls?: Parameters<typeof startFakePinot>[1];
    },
  ): Promise<{ pinot: FakePinot; operator: RunningOperator }>;
}

/** Registers a test file's hooks (the CRDs installed before its tests, what a test started stopped after it). */
export function pinotFixture(): PinotFixture {
  const fixture = createOperatorFixture({ kubeConfig, installCrds: installPinotCrds, startOperator: runOperator });
  return {
    ...fixture,
    async startWithFakePinot({ credentials, tls, ...options }) {
      const pinot = await startFakePinot(credentials, tls);
      fixture.defer(() => pinot.close());
      const operator = await fixture.startOperator({ controllerUrl: pinot.url, httpTimeoutMs: 2_000, ...options });
      return { pinot, operator };
    },
  };
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
export const markReady = (type: typeof types.statefulSet | typeof types.deployment, namespace: string, name: string) =>
  markWorkloadReady(kubeConfig, { kind: type.kind, namespace, name });
