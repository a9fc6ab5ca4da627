/** Runs the operator against the test control plane, scoped to the test's namespaces, plus small helpers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOperatorFixture, kubeTypes } from '@dsoi/chart-testing';
import { type Client, createClient } from '@dsoi/client';
import { isNotFound } from '@dsoi/client/errors';
import type { CustomResourceDefinitionObject } from '@dsoi/envtest';
import { installCrds, markWorkloadReady, testKubeConfig } from '@dsoi/envtest/testing';
import { eventsRegarding, type RunningTestOperator, startTestOperator } from '@dsoi/reconcile/testing';
import { loadYaml } from '@kubernetes/client-node';
import { parseableTenantCrd } from '../src/api/crds.ts';
import { createParseableOperator, type ParseableOperator, type ParseableOperatorOptions } from '../src/operator.ts';

export const kubeConfig = testKubeConfig();

/** The operator's kinds and the built-in ones its tests read. */
export const types = {
  tenant: { apiVersion: 'parseable.io/v1beta1', kind: 'ParseableTenant' },
  ...kubeTypes,
} as const;

type Type = { readonly apiVersion: string; readonly kind: string };

/** Installs the generated CRD (idempotent) and returns an admin client. */
export async function installParseableCrd(): Promise<Client> {
  await installCrds(kubeConfig, [parseableTenantCrd() as unknown as CustomResourceDefinitionObject]);
  return createClient({ kubeConfig, fieldManager: 'test-admin' });
}

/** An example of examples/, in `namespace`. */
export function example(file: string, namespace: string, name?: string): any {
  const object = loadYaml<any>(readFileSync(join(import.meta.dirname, '..', 'examples', file), 'utf8'));
  object.metadata = { ...object.metadata, namespace, ...(name && { name }) };
  return object;
}

/** The operator as a test runs it (`@dsoi/reconcile/testing`'s `startTestOperator`). */
export type RunningOperator = RunningTestOperator<ParseableOperator>;

/** Runs the operator until `stop()`; probes and metrics off, RECONCILE_WAIT 1 s, logs silent (TEST_LOG_LEVEL). */
export async function runOperator(
  options: Partial<ParseableOperatorOptions> & { watchNamespaces: string[] },
): Promise<RunningOperator> {
  return startTestOperator(createParseableOperator, { kubeConfig, ...options });
}

/** Registers a test file's hooks (the CRD installed before its tests, what a test started stopped after it). */
export function parseableFixture() {
  return createOperatorFixture({ kubeConfig, installCrds: installParseableCrd, startOperator: runOperator });
}

/** Polls `check` until it returns a value other than `undefined`/`false`, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Reads an object (any shape), or `undefined` when it does not exist. */
export function read(admin: Client, type: Type, namespace: string, name: string): Promise<any> {
  return admin.get({ ...type, namespace, name }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
}

/** Waits until the object exists and returns it. */
export function waitFor(admin: Client, type: Type, namespace: string, name: string): Promise<any> {
  return eventually(() => read(admin, type, namespace, name), `${type.kind} ${namespace}/${name}`);
}

/** The Events (events.k8s.io/v1) regarding an object. */
export const eventsOf = eventsRegarding;

/** The condition of `type` on a tenant. */
export async function conditionOf(admin: Client, namespace: string, name: string, type: string): Promise<any> {
  const tenant = await read(admin, types.tenant, namespace, name);
  return tenant?.status?.conditions?.find((c: { type: string }) => c.type === type);
}

/** Simulates the workload controllers and kubelets (spec section 6): the workload rolled out and is ready. */
export const markReady = (type: typeof types.statefulSet | typeof types.deployment, namespace: string, name: string) =>
  markWorkloadReady(kubeConfig, { kind: type.kind, namespace, name });

/** Merge-patches a tenant's spec. */
export function patchSpec(admin: Client, namespace: string, name: string, spec: object): Promise<unknown> {
  return admin.patch({ ...types.tenant, namespace, name }, { type: 'merge', body: { spec } });
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
