/**
 * Property-based bad input (spec, "How to use this spec": bad input never crashes the process), with the suite of
 * `@dsoi/reconcile/testing`: fast-check builds hostile ParseableTenants from the valid base (parseableMutations.ts);
 * each is either refused by the API server with a message naming the field, or accepted and then converges (valid)
 * or gets a Warning event and a Degraded condition naming the field. The operator never stops, a valid tenant
 * created after the bad ones converges, and the password and S3 key in the tenants' config never show in events,
 * status or logs.
 */
import { runBadInputSuite, type SuiteObject, testOperatorDefaults } from '@dsoi/reconcile/testing';
import { describe, expect, it } from 'vitest';
import { createParseableOperator } from '../src/operator.ts';
import { kubeConfig, parseableFixture, types } from './harness.ts';
import { baseTenant, hostileCase, secretValue } from './parseableMutations.ts';

/**
 * Property runs; each creates 5 hostile tenants (and one valid tenant) in a namespace of its own: 30 hostile cases
 * in about 20 s. `BAD_INPUT_RUNS=50` searches longer locally.
 */
const numRuns = Number(process.env.BAD_INPUT_RUNS ?? 6);
const settleTimeoutMs = 20_000;

const { admin, namespace } = parseableFixture();

type TenantSpec = {
  nodes: { k8sConfig: string }[];
  k8sConfig: { name: string; service?: unknown }[];
  external?: unknown;
};

/** A workload and a ConfigMap per node, a Service per node with one, and the object-store ConfigMap. */
function notConverged(tenant: SuiteObject, children: readonly { kind: string; name: string }[]): string | undefined {
  const count = (kind: string) => children.filter((c) => c.kind === kind).length;
  const { nodes, k8sConfig, external } = tenant.spec as TenantSpec;
  const services = nodes.filter((n) => k8sConfig.find((k) => k.name === n.k8sConfig)?.service).length;
  const configMaps = nodes.length + (external ? 1 : 0);
  const workloads = count('StatefulSet') + count('Deployment');
  if (workloads !== nodes.length || count('Service') !== services || count('ConfigMap') !== configMaps) {
    return `children ${JSON.stringify(children)} for ${nodes.length} nodes`;
  }
  return undefined;
}

describe('ParseableTenant bad input (property-based)', () => {
  it(
    'refuses or reports hostile specs by field, never crashes, keeps valid tenants converging and never leaks the secret',
    () =>
      runBadInputSuite({
        admin,
        createNamespace: () => namespace('hostile'),
        crType: types.tenant,
        childTypes: [types.configMap, types.secret, types.service, types.statefulSet, types.deployment],
        base: baseTenant,
        hostileCase,
        numRuns,
        settleTimeoutMs,
        // The secret as planted, and as a Secret or a base64 dump would carry it.
        secretForms: [secretValue, Buffer.from(secretValue).toString('base64')],
        // The Secret the example's pods reference (the operator never reads it).
        prepare: async (namespace) => {
          await admin.create({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'parseable-s3', namespace },
            stringData: { 'access-key': 'AKIAEXAMPLE', 'secret-key': secretValue },
          });
        },
        startOperator: (namespace, logger, signal) =>
          createParseableOperator({ ...testOperatorDefaults, kubeConfig, watchNamespaces: [namespace], logger }).start(
            signal,
          ),
        converged: notConverged,
        // The secret did flow through the operator (into the sentinel's Secrets), so the scans are not vacuous; and
        // no ConfigMap, Service or workload of any tenant holds it.
        settled: async (_namespace, world) => {
          const secrets = (world.children.get('Secret') ?? []) as (SuiteObject & { data?: Record<string, string> })[];
          const encoded = Buffer.from(secretValue).toString('base64');
          expect(secrets.find((c) => c.metadata.name === 's-ingestor-ingest')?.data?.P_PASSWORD).toBe(encoded);
          expect(secrets.find((c) => c.metadata.name === 'sentinel-ext')?.data?.P_S3_SECRET_KEY).toBe(encoded);
          for (const [kind, objects] of world.children) {
            if (kind === 'Secret') continue;
            expect(JSON.stringify(objects), `${kind}s hold the secret`).not.toContain(secretValue);
          }
        },
      }),
    60_000 + numRuns * settleTimeoutMs,
  );
});
