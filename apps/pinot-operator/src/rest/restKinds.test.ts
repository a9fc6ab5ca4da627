import { describe, expect, it } from 'vitest';
import { tableKind, tableTypeOf, tableTypeQuery } from './restKinds.ts';

const spec = (tableType: string, pinotTableType = tableType) => ({
  pinotTableType,
  'tables.json': JSON.stringify({ tableName: 'events', tableType, segmentsConfig: {} }),
});
const answer = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });

describe('PinotTable REST paths', () => {
  it('reads one half of a hybrid table with ?type= (the Go operator read both halves as one)', () => {
    expect(tableKind.getPath('events', spec('REALTIME'))).toBe('/tables/events?type=REALTIME');
    expect(tableKind.getPath('events', spec('offline'))).toBe('/tables/events?type=OFFLINE');
  });

  it('takes the type from the table config first, then from spec.pinotTableType', () => {
    expect(tableTypeOf(spec('REALTIME', 'hybrid'))).toBe('REALTIME');
    expect(tableTypeOf({ pinotTableType: 'offline', 'tables.json': '{"tableName":"t"}' })).toBe('OFFLINE');
    expect(tableTypeOf({ pinotTableType: 'hybrid', 'tables.json': 'not json' })).toBeUndefined();
    expect(tableTypeQuery({ pinotTableType: 'hybrid', 'tables.json': '{}' })).toBe('');
    expect(tableKind.deletePath('events', spec('REALTIME', 'hybrid'))).toBe('/tables/events?type=REALTIME');
  });

  it('says "missing" when only the other half of the hybrid table exists', () => {
    const offlineOnly = answer({ OFFLINE: { tableName: 'events_OFFLINE' } });
    expect(tableKind.exists(offlineOnly, spec('REALTIME'))).toBe(false);
    expect(tableKind.exists(offlineOnly, spec('OFFLINE'))).toBe(true);
    expect(tableKind.exists(answer({}), spec('OFFLINE'))).toBe(false);
    expect(tableKind.exists({ status: 404, body: '' }, spec('OFFLINE'))).toBe(false);
    expect(tableKind.exists({ status: 500, body: 'boom' }, spec('OFFLINE'))).toBeUndefined();
    expect(tableKind.exists({ status: 200, body: 'not json' }, spec('OFFLINE'))).toBeUndefined();
  });
});
