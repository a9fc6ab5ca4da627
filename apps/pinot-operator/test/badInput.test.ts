/**
 * Property-based bad input (spec, "How to use this spec": bad input never crashes the process), with the suite of
 * `@dsoi/reconcile/testing`: fast-check builds hostile Pinot CRs from the valid base (pinotMutations.ts); each is
 * either refused by the API server with a message naming the field, or accepted and then converges (valid) or gets a
 * Warning event and a Degraded condition naming the field. The operator never stops, a valid CR created after the bad
 * ones converges (its PinotSchema included), and the auth password never shows in events, status or logs.
 */
import type { Client, KubeObject } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import { runBadInputSuite, type SuiteObject, testOperatorDefaults } from '@dsoi/reconcile/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinotOperator } from '../src/operator.ts';
import { type FakePinot, startFakePinot } from './fakePinot.ts';
import { installPinotCrds, kubeConfig, types } from './harness.ts';
import { basePinot, hostileCase, secretValue } from './pinotMutations.ts';

/**
 * Property runs; each creates 5 hostile CRs (and one valid CR) in a namespace of its own: 30 hostile cases in about
 * 20 s. `BAD_INPUT_RUNS=50` searches longer locally.
 */
const numRuns = Number(process.env.BAD_INPUT_RUNS ?? 6);
const settleTimeoutMs = 20_000;

const base64 = (text: string) => Buffer.from(text).toString('base64');

let admin: Client;
let pinot: FakePinot;
beforeAll(async () => {
  admin = await installPinotCrds();
  pinot = await startFakePinot({ username: 'admin', password: secretValue });
});
afterAll(async () => {
  await pinot?.close();
});

/** A workload and a Service per node, a ConfigMap (or, holding a credential, a Secret) per config group. */
function notConverged(cr: SuiteObject, children: readonly { kind: string; name: string }[]): string | undefined {
  const count = (kind: string) => children.filter((c) => c.kind === kind).length;
  const { nodes: list } = cr.spec as { nodes: { pinotNodeConfig: string }[] };
  const nodes = list.length;
  const groups = new Set(list.map((n) => n.pinotNodeConfig)).size;
  const workloads = count('StatefulSet') + count('Deployment');
  const configSecrets = children.filter((c) => c.kind === 'Secret' && c.name.endsWith('-config')).length;
  if (workloads !== nodes || count('Service') !== nodes || count('ConfigMap') + configSecrets !== groups) {
    return `children ${JSON.stringify(children)} for ${nodes} nodes and ${groups} config groups`;
  }
  return undefined;
}

/** A PinotSchema of the cluster named `cluster`, so the auth Secret is read and sent while the clusters are hostile. */
function schemaFor(namespace: string, cluster: string, index: number) {
  return {
    ...types.schema,
    metadata: { name: `schema-${index}`, namespace },
    spec: {
      pinotCluster: cluster,
      'schema.json': JSON.stringify({
        schemaName: `${namespace}-${index}`,
        dimensionFieldSpecs: [{ name: 'id', dataType: 'STRING' }],
      }),
    },
  };
}

const schemaStatuses = async (namespace: string) => (await admin.list<SuiteObject>(types.schema, { namespace })).items;

describe('Pinot bad input (property-based)', () => {
  it(
    'refuses or reports hostile specs by field, never crashes, keeps valid CRs converging and never leaks the secret',
    async () => {
      let schemas = 0;
      await runBadInputSuite({
        admin,
        createNamespace: () => createTestNamespace(kubeConfig, 'hostile'),
        crType: types.pinot,
        childTypes: [types.configMap, types.secret, types.service, types.statefulSet, types.deployment],
        base: basePinot,
        hostileCase,
        numRuns,
        settleTimeoutMs,
        // The password as planted, as the Secret stores it, and as a basic-auth header carries it.
        secretForms: [secretValue, base64(secretValue), base64(`admin:${secretValue}`)],
        prepare: async (namespace) => {
          for (const [name, password] of [
            ['pinot-auth', secretValue],
            ['pinot-auth-wrong', `${secretValue}-but-wrong`],
          ]) {
            await admin.create({
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name, namespace },
              stringData: { CONTROL_PLANE_USERNAME: 'admin', CONTROL_PLANE_PASSWORD: password },
            });
          }
        },
        startOperator: (namespace, logger, signal) =>
          createPinotOperator({
            ...testOperatorDefaults,
            kubeConfig,
            watchNamespaces: [namespace],
            controllerUrl: pinot.url,
            httpTimeoutMs: 2_000,
            logger,
          }).start(signal),
        // A PinotSchema per accepted cluster and one for the sentinel (last).
        companions: async (namespace, crs: readonly KubeObject[]) => {
          schemas = crs.length;
          for (const [i, cr] of crs.entries()) await admin.create(schemaFor(namespace, cr.metadata!.name!, i));
        },
        converged: notConverged,
        // The sentinel's PinotSchema reaches Pinot. The planted deep-storage key and env password reached the
        // sentinel's Secrets (so the scans are not vacuous) and no ConfigMap, Service or workload of any cluster.
        settled: async (namespace, world) => {
          const secrets = (world.children.get('Secret') ?? []) as (SuiteObject & { data?: Record<string, string> })[];
          const owned = secrets.filter((s) => (s.metadata.ownerReferences ?? []).length > 0);
          expect(owned.filter((s) => JSON.stringify(s.data).includes(base64(secretValue))).length).toBeGreaterThan(0);
          for (const [kind, objects] of world.children) {
            if (kind !== 'Secret')
              expect(JSON.stringify(objects), `${kind}s hold the secret`).not.toContain(secretValue);
          }
          const sentinelSchema = async () =>
            (await schemaStatuses(namespace))
              .find((s) => s.metadata.name === `schema-${schemas - 1}`)
              ?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
          await expect.poll(sentinelSchema, { timeout: settleTimeoutMs, interval: 300 }).toBe('True');
        },
        scans: async (namespace) => [
          { what: 'PinotSchema status', text: JSON.stringify((await schemaStatuses(namespace)).map((s) => s.status)) },
        ],
      });
      // The secret did flow through the operator (the fake Pinot saw it), so the scans were not vacuous.
      expect(pinot.requests.some((r) => r.headers.authorization === `Basic ${base64(`admin:${secretValue}`)}`)).toBe(
        true,
      );
    },
    60_000 + numRuns * settleTimeoutMs,
  );
});
