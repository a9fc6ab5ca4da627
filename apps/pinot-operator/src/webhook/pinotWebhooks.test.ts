import { describe, expect, it } from 'vitest';
import type { RestObject } from '../rest/restReconciler.ts';
import { type PinotWebhookReaders, pinotWebhooks } from './pinotWebhooks.ts';

const table = (name: string, tableName: string, extra: object = {}): RestObject =>
  ({
    apiVersion: 'datainfra.io/v1beta1',
    kind: 'PinotTable',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', ...extra },
    spec: {
      pinotCluster: 'pinot',
      pinotTableType: 'OFFLINE',
      'tables.json': `{"tableName":"${tableName}","tableType":"OFFLINE"}`,
    },
  }) as unknown as RestObject;

function review(
  readers: PinotWebhookReaders,
  operation: 'CREATE' | 'UPDATE',
  object: RestObject,
  oldObject?: RestObject,
) {
  const tables = pinotWebhooks(() => readers)[1]!;
  const body = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'r1', operation, object, ...(oldObject && { oldObject }) },
  };
  return tables.review(body, { signal: new AbortController().signal }).then((r) => r.response!);
}

describe('the PinotTable webhook', () => {
  const owner = table('team-a', 'stats');
  const readers = (pinots: string[], tables: RestObject[]): PinotWebhookReaders => ({
    pinotExists: async (_ns, name) => pinots.includes(name),
    listTables: () => tables,
  });

  it('refuses a new table whose name another CR of the cluster manages, naming that CR', async () => {
    const { uid: _, creationTimestamp: __, ...metadata } = table('team-b', 'stats').metadata;
    const fresh = { ...table('team-b', 'stats'), metadata } as unknown as RestObject;
    const response = await review(readers(['pinot'], [owner]), 'CREATE', fresh);
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toContain('is managed by PinotTable "team-a"');
  });

  it('never refuses an update that leaves the cluster and the document alone, nor an object being deleted', async () => {
    const loser = table('team-b', 'stats', { creationTimestamp: '2026-02-01T00:00:00Z' });
    const relabelled = { ...loser, metadata: { ...loser.metadata, labels: { x: 'y' } } } as RestObject;
    expect((await review(readers(['pinot'], [owner, loser]), 'UPDATE', relabelled, loser)).allowed).toBe(true);
    const deleting = {
      ...loser,
      metadata: { ...loser.metadata, deletionTimestamp: '2026-03-01T00:00:00Z' },
    } as RestObject;
    expect((await review(readers([], [owner]), 'CREATE', deleting)).allowed).toBe(true);
    // The same update changing the document is checked.
    const renamed = table('team-b', 'stats', { creationTimestamp: '2026-02-01T00:00:00Z' });
    const before = table('team-b', 'other', { creationTimestamp: '2026-02-01T00:00:00Z' });
    expect((await review(readers(['pinot'], [owner, before]), 'UPDATE', renamed, before)).allowed).toBe(false);
  });

  it('refuses a table of a cluster that does not exist, with code 422', async () => {
    const response = await review(readers([], []), 'CREATE', table('team-a', 'stats'));
    expect(response.status).toMatchObject({
      code: 422,
      message: 'spec.pinotCluster: Pinot "pinot" does not exist in namespace "ns"',
    });
  });
});
