import type { EventRecord } from '@dsoi/events';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { describe, expect, it } from 'vitest';
import { createFakeClient } from '../testing/fakeClient.js';
import { createFrozenCache } from '../testing/frozenCache.js';
import { reconcileChildren } from './reconcileChildren.js';

const owner = {
  apiVersion: 'example.dsoi.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns', uid: 'uid-w' },
};
const configMapType: TypeMeta = { apiVersion: 'v1', kind: 'ConfigMap' };
const emptyCache = createFrozenCache([], [configMapType]);

const configMaps = (count: number, prefix = 'w'): KubeObject[] =>
  Array.from({ length: count }, (_, i) => ({
    ...configMapType,
    metadata: { name: `${prefix}-${i}`, namespace: 'ns' },
  }));

async function createdEvents(desired: KubeObject[]): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  const recorder = { record: (event: EventRecord) => void events.push(event) };
  const report = await reconcileChildren({ owner, desired, client: createFakeClient(), cache: emptyCache, recorder });
  // Every child was created in this one pass.
  expect(report.created).toHaveLength(desired.length);
  return events.filter((e) => e.reason === 'Created');
}

describe('reconcileChildren Events', () => {
  it('records one Created Event per pass that names every child it created', async () => {
    const events = await createdEvents(configMaps(3));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        action: 'Create',
        note: 'created 3 children: ConfigMap w-0, ConfigMap w-1, ConfigMap w-2',
        regarding: expect.objectContaining({ kind: 'Widget', name: 'w' }),
      }),
    ]);
    expect(events[0]).not.toHaveProperty('related');
  });

  it('names a single created child as related', async () => {
    const [event] = await createdEvents(configMaps(1));
    expect(event).toMatchObject({ note: 'created ConfigMap w-0', related: { kind: 'ConfigMap', name: 'w-0' } });
  });

  it('counts the children past the note limit instead of cutting a name', async () => {
    const [event] = await createdEvents(configMaps(40, 'a-rather-long-child-name-of-the-widget'));
    expect(event!.note!.length).toBeLessThanOrEqual(1024);
    expect(event!.note).toMatch(/^created 40 children: ConfigMap a-rather-long-child-name-of-the-widget-0, /);
    expect(event!.note).toMatch(/widget-\d+ and \d+ more$/);
  });
});
