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
    });
    expect(asked).toEqual(['t']);
    expect(calls).toEqual(['POST /segments/t/reload?type=OFFLINE']);
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
    };
    const first = await reloadSegments({ ...options, status: { reloadedSchema: '{"schemaName":"t","v":1}' } });
    expect(first.error).toBeDefined();
    const second = await reloadSegments({ ...options, status: first.status });
    expect(second.error).toBeUndefined();
    expect(calls).toHaveLength(2);
    expect(second.status.reloadedSchema).toBe('{"schemaName":"t","v":2}');
  });
});
