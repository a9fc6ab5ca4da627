import { describe, expect, it } from 'vitest';
import { reloadSegments, schemaNameOfTable } from './segmentReload.js';

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
});
