import { describe, expect, it } from 'vitest';
import { pinotSchemaCr, pinotTableCr, tableJson } from '../../test/fixtures.ts';
import { schemaKind, tableKind } from './restKinds.ts';
import { managerOf, ownedName, pinotIdentity } from './restOwnership.ts';
import type { RestObject } from './restPass.ts';

const schema = (name: string, created: string, status?: Record<string, unknown>) => {
  const cr = pinotSchemaCr('team') as unknown as RestObject;
  return {
    ...cr,
    metadata: { ...cr.metadata, name, uid: name, creationTimestamp: created },
    ...(status && { status }),
  } as RestObject;
};

describe('Pinot object ownership', () => {
  it('gives the object to its owner, else to the oldest CR, then the first name', () => {
    const older = schema('older', '2026-01-01T00:00:00Z');
    const newer = schema('newer', '2026-02-01T00:00:00Z');
    expect(managerOf(schemaKind, newer, 'baseballStats', [older, newer])).toBe(older);
    expect(managerOf(schemaKind, older, 'baseballStats', [older, newer])).toBeUndefined();
    const owner = schema('owner', '2026-03-01T00:00:00Z', { ownedInPinot: 'baseballStats' });
    expect(managerOf(schemaKind, older, 'baseballStats', [older, owner])).toBe(owner);
    const twin = schema('a-twin', '2026-01-01T00:00:00Z');
    expect(managerOf(schemaKind, older, 'baseballStats', [older, twin])).toBe(twin);
  });

  it('ignores CRs being deleted, of another cluster or naming another object', () => {
    const me = schema('me', '2026-02-01T00:00:00Z');
    const created = schema('deleting', '2026-01-01T00:00:00Z');
    const deleting = { ...created, metadata: { ...created.metadata, deletionTimestamp: '2026-04-01T00:00:00Z' } };
    const otherCluster = schema('other-cluster', '2026-01-01T00:00:00Z');
    otherCluster.spec = { ...otherCluster.spec, pinotCluster: 'elsewhere' };
    const otherName = schema('other-name', '2026-01-01T00:00:00Z');
    otherName.spec = { ...otherName.spec, 'schema.json': '{"schemaName":"other"}' };
    expect(managerOf(schemaKind, me, 'baseballStats', [deleting, otherCluster, otherName])).toBeUndefined();
  });

  it('tells the halves of a hybrid table apart, and reads the Go status as ownership', () => {
    const offline = pinotTableCr('team') as unknown as RestObject;
    const realtime = {
      ...offline,
      spec: { ...offline.spec, pinotTableType: 'REALTIME', 'tables.json': tableJson.replace('OFFLINE', 'REALTIME') },
    };
    expect(pinotIdentity(tableKind, 'baseballStats', offline.spec)).toBe('baseballStats_OFFLINE');
    expect(pinotIdentity(tableKind, 'baseballStats', realtime.spec)).toBe('baseballStats_REALTIME');
    expect(ownedName(tableKind, { ...offline, status: { 'currentTable.json': tableJson } })).toBe('baseballStats');
    expect(ownedName(tableKind, offline)).toBeUndefined();
  });
});
