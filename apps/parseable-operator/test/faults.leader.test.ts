/**
 * Leader failover of the Parseable operator, with the cases and the two-process runner the Pinot suite uses
 * (@dsoi/chart-testing's describeLeaderFailover): two replicas (test/fixtures/operatorProcess.mjs, from the built
 * dist) elect a leader on the Go operator's Lease, each through a fault proxy that logs its writes, and the leader is
 * SIGKILLed mid-reconcile, SIGTERMed mid-rollout, SIGSTOPped past its lease, or has its Lease requests stalled.
 */
import { join } from 'node:path';
import { describeLeaderFailover } from '@dsoi/chart-testing';
import { beforeAll } from 'vitest';
import { parseableOperatorDefaults, parseableTenantType } from '../src/operator.ts';
import { installParseableCrd, kubeConfig, types } from './harness.ts';
import { convergenceProblems, createTenants, setImage, waitForConvergence } from './reliability.ts';

beforeAll(async () => {
  (await installParseableCrd()).close();
});

describeLeaderFailover({
  kubeConfig: () => kubeConfig,
  fixture: join(import.meta.dirname, 'fixtures', 'operatorProcess.mjs'),
  leaseName: parseableOperatorDefaults.leaderElectionId,
  crType: parseableTenantType,
  // The tenants are the multi-node example's: two Deployment nodes, rolled one after the other.
  workloadType: types.deployment,
  create: createTenants,
  // A new image tag on every node group rolls both Deployments.
  setRevision: (admin, namespace, name, revision) => setImage(admin, namespace, name, `v0.5.${revision}`),
  convergenceProblems,
  waitForConvergence,
});
