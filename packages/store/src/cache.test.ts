import type { KubeObject } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { createCache, objectKey } from './cache.js';

interface Meta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  ownerReferences?: { uid: string; controller?: boolean }[];
}
const obj = (metadata: Meta): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata }) as KubeObject;
const names = (objects: readonly KubeObject[]) => objects.map((o) => o.metadata?.name).sort();

describe('indexes', () => {
  it('index by namespace, controller owner UID and label, and follow updates and deletes', () => {
    const { reader, writer } = createCache();
    writer.upsert(
      obj({ name: 'a', namespace: 'x', labels: { app: 'web' }, ownerReferences: [{ uid: 'u1', controller: true }] }),
    );
    writer.upsert(obj({ name: 'b', namespace: 'x', labels: { app: 'db' }, ownerReferences: [{ uid: 'u2' }] }));
    writer.upsert(obj({ name: 'c', namespace: 'y', labels: { app: 'web', tier: 'front' } }));
    writer.upsert(obj({ name: 'node-1' }));

    expect(names(reader.byIndex('namespace', 'x'))).toEqual(['a', 'b']);
    expect(names(reader.byIndex('owner', 'u1'))).toEqual(['a']);
    // Only the controller reference counts.
    expect(reader.byIndex('owner', 'u2')).toEqual([]);
    expect(names(reader.byIndex('label', 'app=web'))).toEqual(['a', 'c']);

    writer.upsert(obj({ name: 'a', namespace: 'x', labels: { app: 'db' } }));
    expect(names(reader.byIndex('label', 'app=web'))).toEqual(['c']);
    expect(names(reader.byIndex('label', 'app=db'))).toEqual(['a', 'b']);
    expect(reader.byIndex('owner', 'u1')).toEqual([]);

    writer.remove(objectKey('c', 'y'));
    expect(reader.byIndex('namespace', 'y')).toEqual([]);
    expect(reader.byIndex('label', 'app=web')).toEqual([]);
    expect(reader.get('node-1')).toBeDefined();
  });

  it('supports custom index functions, added up front or later, and names the known ones for a typo', () => {
    const byFirstLetter = (o: KubeObject) => [o.metadata?.name?.[0] ?? ''];
    const { reader, writer } = createCache({ indexers: { letter: byFirstLetter } });
    writer.upsert(obj({ name: 'alpha', namespace: 'x' }));
    writer.upsert(obj({ name: 'apex', namespace: 'x' }));
    writer.upsert(obj({ name: 'beta', namespace: 'x' }));
    expect(names(reader.byIndex('letter', 'a'))).toEqual(['alpha', 'apex']);

    writer.defineIndex('length', (o) => [String(o.metadata?.name?.length)]);
    expect(names(reader.byIndex('length', '4'))).toEqual(['apex', 'beta']);
    expect(() => reader.byIndex('letters', 'a')).toThrow(
      'cache: no index named "letters" (indexes: namespace, owner, label, letter, length)',
    );
    expect(() => writer.defineIndex('owner', byFirstLetter)).toThrow(
      expect.objectContaining({ reason: 'IndexConflict' }),
    );
  });

  it('leaves an object out of a custom index whose function throws, and reports it', () => {
    const reported: string[] = [];
    const { reader, writer } = createCache({
      indexers: {
        picky: (o) => {
          if (o.metadata?.name === 'bad') throw new Error('no');
          return ['all'];
        },
      },
      onIndexError: (_error, indexName, o) => reported.push(`${indexName}:${o.metadata?.name}`),
    });
    writer.upsert(obj({ name: 'good', namespace: 'x' }));
    writer.upsert(obj({ name: 'bad', namespace: 'x' }));
    expect(names(reader.byIndex('picky', 'all'))).toEqual(['good']);
    expect(reader.get('bad', 'x')).toBeDefined();
    expect(reported).toEqual(['picky:bad']);
  });
});

describe('list', () => {
  const { reader, writer } = createCache();
  writer.upsert(obj({ name: 'a', namespace: 'x', labels: { app: 'web', tier: 'front' } }));
  writer.upsert(obj({ name: 'b', namespace: 'x', labels: { app: 'web', tier: 'back' } }));
  writer.upsert(obj({ name: 'c', namespace: 'y', labels: { app: 'web' } }));
  writer.upsert(obj({ name: 'd', namespace: 'y' }));

  it.each([
    [{}, ['a', 'b', 'c', 'd']],
    [{ namespace: 'x' }, ['a', 'b']],
    [{ labelSelector: 'app=web' }, ['a', 'b', 'c']],
    [{ labelSelector: { app: 'web', tier: 'front' } }, ['a']],
    [{ namespace: 'y', labelSelector: 'app' }, ['c']],
    [{ labelSelector: '!tier,app' }, ['c']],
    [{ labelSelector: 'tier in (front, back)' }, ['a', 'b']],
    [{ labelSelector: 'tier notin (front)' }, ['b', 'c', 'd']],
    [{ labelSelector: 'app!=web' }, ['d']],
    [{ labelSelector: 'app=none' }, []],
    [{ namespace: 'z' }, []],
  ])('%j → %j', (options, expected) => {
    expect(names(reader.list(options))).toEqual(expected);
  });
});

describe('replace', () => {
  it('applies a whole new content in one step and returns exactly the differences', () => {
    const { reader, writer } = createCache();
    const keep = obj({ name: 'keep', namespace: 'x', resourceVersion: '1' });
    const change = obj({ name: 'change', namespace: 'x', resourceVersion: '2', labels: { v: '1' } });
    writer.upsert(keep);
    writer.upsert(change);
    writer.upsert(obj({ name: 'drop', namespace: 'x', resourceVersion: '3' }));

    const changed = obj({ name: 'change', namespace: 'x', resourceVersion: '9', labels: { v: '2' } });
    const added = obj({ name: 'new', namespace: 'x', resourceVersion: '10' });
    const diff = writer.replace(
      new Map([
        ['x/keep', keep],
        ['x/change', changed],
        ['x/new', added],
      ]),
    );
    expect(diff.added).toEqual([added]);
    expect(diff.updated).toEqual([[change, changed]]);
    expect(names(diff.deleted)).toEqual(['drop']);
    expect(reader.size).toBe(3);
    expect(names(reader.byIndex('label', 'v=2'))).toEqual(['change']);
    expect(reader.byIndex('label', 'v=1')).toEqual([]);
  });
});
