import { describe, expect, it } from 'vitest';
import { PinotRequestError } from './pinotHttpClient.ts';
import { reloadSegments, schemaNameOfTable } from './segmentReload.ts';

describe('segment reload', () => {
  it('finds the schema of a table by segmentsConfig.schemaName, else by tableName (one rule for watch and reload)', () => {
    expect(schemaNameOfTable('{"tableName":"t","segmentsConfig":{"schemaName":"s"}}')).toBe('s');
    expect(schemaNameOfTable('{"tableName":"t","segmentsConfig":{}}')).toBe('t');
    expect(schemaNameOfTable('{"tableName":"t"}')).toBe('t');
    expect(schemaNameOfTable('{"segmentsConfig":{"schemaName":""}}')).toBeUndefined();
    expect(schemaNameOfTable('not json')).toBeUndefined();
  });

  it('reloads a table without segmentsConfig.schemaName when the schema named like the table changed', async () => {
    const calls: string[] = [];
    const asked: string[] = [];
    const result = await reloadSegments({
      object: {
        metadata: { namespace: 'ns' },
        spec: {
          pinotCluster: 'c',
          pinotTableType: 'OFFLINE',
          'tables.json': '{"tableName":"t","tableType":"OFFLINE"}',
        },
      },
      status: { reloadedSchema: '{"schemaName":"t","v":1}' },
      schemaLookup: (_ns, _cluster, name) => {
        asked.push(name);
        return '{"schemaName":"t","v":2}';
      },
      call: async (_what, method, path) => {
        calls.push(`${method} ${path}`);
        return { status: 200, body: '{"status":"ok"}' };
      },
      tableName: 't',
      recordIntent: async (status) => {
        calls.push(`intent ${status.reloadingSchema}`);
      },
    });
    expect(asked).toEqual(['t']);
    expect(calls).toEqual(['intent {"schemaName":"t","v":2}', 'POST /segments/t/reload?type=OFFLINE']);
    expect(result.status.reloadingSchema).toBeNull();
    expect(result.status.reloadedSchema).toBe('{"schemaName":"t","v":2}');
  });

  it('sends POST /reload at most once per schema change, also when the answer is lost (a client timeout)', async () => {
    const calls: string[] = [];
    const options = {
      object: { metadata: { namespace: 'ns' }, spec: { pinotCluster: 'c', 'tables.json': '{"tableName":"t"}' } },
      schemaLookup: () => '{"schemaName":"t","v":2}',
      call: async (_what: string, method: 'POST', path: string): Promise<never> => {
        calls.push(`${method} ${path}`);
        throw new PinotRequestError(method, path, Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
      },
      tableName: 't',
      recordIntent: async () => {},
    };
    const first = await reloadSegments({ ...options, status: { reloadedSchema: '{"schemaName":"t","v":1}' } });
    expect(calls).toEqual(['POST /segments/t/reload']);
    expect(first.error).toBeUndefined();
    expect(first.event).toMatchObject({ type: 'Warning', reason: 'PinotTableReloadAllSegmentsUnknown' });
    expect(first.event?.note).toContain('timed out');
    // The retry (the next reconcile) sees the schema as handled and sends nothing.
    const second = await reloadSegments({ ...options, status: first.status });
    expect(calls).toHaveLength(1);
    expect(second.event).toBeUndefined();
  });

  it('sends the reload again after a definite refusal (an HTTP error means Pinot did not reload)', async () => {
    let answers = [503, 200];
    const calls: string[] = [];
    const options = {
      object: { metadata: { namespace: 'ns' }, spec: { pinotCluster: 'c', 'tables.json': '{"tableName":"t"}' } },
      schemaLookup: () => '{"schemaName":"t","v":2}',
      call: async (_what: string, method: 'POST', path: string) => {
        calls.push(`${method} ${path}`);
        const [status, ...rest] = answers;
        answers = rest;
        return { status: status!, body: '{}' };
      },
      tableName: 't',
      recordIntent: async () => {},
    };
    const first = await reloadSegments({ ...options, status: { reloadedSchema: '{"schemaName":"t","v":1}' } });
    expect(first.error).toBeDefined();
    const second = await reloadSegments({ ...options, status: first.status });
    expect(second.error).toBeUndefined();
    expect(calls).toHaveLength(2);
    expect(second.status.reloadedSchema).toBe('{"schemaName":"t","v":2}');
  });

  it('sends nothing when the status holds the mark of an earlier request for this schema (a lost status or a failover)', async () => {
    const calls: string[] = [];
    const schema = '{"schemaName":"t","v":2}';
    const result = await reloadSegments({
      object: { metadata: { namespace: 'ns' }, spec: { pinotCluster: 'c', 'tables.json': '{"tableName":"t"}' } },
      // Key order differs from the lookup's: the mark is compared as JSON, not as text.
      status: { reloadedSchema: '{"schemaName":"t","v":1}', reloadingSchema: '{"v":2,"schemaName":"t"}' },
      schemaLookup: () => schema,
      call: async (_what, method, path) => {
        calls.push(`${method} ${path}`);
        return { status: 200, body: '{}' };
      },
      tableName: 't',
      recordIntent: async () => {
        calls.push('intent');
      },
    });
    expect(calls).toEqual([]);
    expect(result.status).toMatchObject({ reloadedSchema: schema, reloadingSchema: null, status: 'Unknown' });
    expect(result.event).toMatchObject({ type: 'Warning', reason: 'PinotTableReloadAllSegmentsUnknown' });
  });

  it('sends nothing when the mark cannot be stored (a Conflict from a stale pass)', async () => {
    const calls: string[] = [];
    const reload = reloadSegments({
      object: { metadata: { namespace: 'ns' }, spec: { pinotCluster: 'c', 'tables.json': '{"tableName":"t"}' } },
      status: { reloadedSchema: '{"schemaName":"t","v":1}' },
      schemaLookup: () => '{"schemaName":"t","v":2}',
      call: async (_what, method, path) => {
        calls.push(`${method} ${path}`);
        return { status: 200, body: '{}' };
      },
      tableName: 't',
      recordIntent: async () => {
        throw new Error('Conflict');
      },
    });
    await expect(reload).rejects.toThrow('Conflict');
    expect(calls).toEqual([]);
  });
});
