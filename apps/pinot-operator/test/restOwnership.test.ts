/** Issue 18: a PinotSchema/PinotTable/PinotTenant updates and deletes only the Pinot object it created or adopted. */
import { describe, expect, it } from 'vitest';
import type { FakePinot } from './fakePinot.ts';
import { minimalPinot, pinotSchemaCr, schemaJson } from './fixtures.ts';
import { eventsOf, pinotFixture, poll, read, ready, types } from './harness.ts';

const { admin, namespace, startWithFakePinot } = pinotFixture();

const otherTeamsSchema = '{"schemaName":"baseballStats","dimensionFieldSpecs":[{"name":"team","dataType":"STRING"}]}';

async function setup(prefix: string): Promise<{ ns: string; pinot: FakePinot }> {
  const ns = await namespace(prefix);
  const { pinot } = await startWithFakePinot({ watchNamespaces: [ns] });
  await admin.create(minimalPinot(ns));
  return { ns, pinot };
}

function schemaCr(ns: string, name: string, json = schemaJson, annotations?: Record<string, string>) {
  const cr = pinotSchemaCr(ns, json);
  return { ...cr, metadata: { ...cr.metadata, name, ...(annotations && { annotations }) } };
}

async function deleteAndWait(ns: string, name: string) {
  await admin.delete({ ...types.schema, namespace: ns, name });
  await poll(() =>
    read(admin, types.schema, ns, name).then(
      () => true,
      () => false,
    ),
  ).toBe(false);
}

describe('who manages a Pinot object', () => {
  it('refuses a second CR naming the same schema, with a condition and a Warning naming the first, and lets its deletion delete nothing', async () => {
    const { ns, pinot } = await setup('duplicate');
    await admin.create(schemaCr(ns, 'team-a'));
    await poll(async () => (await read(admin, types.schema, ns, 'team-a')).status?.ownedInPinot).toBe('baseballStats');

    await admin.create(schemaCr(ns, 'team-b', otherTeamsSchema));
    await poll(async () => ready(await read(admin, types.schema, ns, 'team-b'))?.reason).toBe('PinotNameConflict');
    // The state the test is named after: both CRs name baseballStats of the same cluster, and team-a owns it.
    const [a, b] = [await read(admin, types.schema, ns, 'team-a'), await read(admin, types.schema, ns, 'team-b')];
    expect(JSON.parse(b.spec['schema.json']).schemaName).toBe(a.status.ownedInPinot);
    expect(b.spec.pinotCluster).toBe(a.spec.pinotCluster);
    expect(ready(b).message).toContain(`PinotSchema ${ns}/team-a`);
    await poll(
      async () => (await eventsOf(admin, ns, 'team-b')).find((e) => e.reason === 'PinotNameConflict')?.note,
    ).toContain(`PinotSchema ${ns}/team-a`);
    expect(pinot.schemas.get('baseballStats')).toBe(schemaJson);
    expect(pinot.calls().filter((c) => !c.startsWith('GET'))).toEqual(['POST /schemas']);

    await deleteAndWait(ns, 'team-b');
    expect(pinot.calls().filter((c) => c.startsWith('DELETE'))).toEqual([]);
    expect(pinot.schemas.get('baseballStats')).toBe(schemaJson);
  });

  it('leaves a pre-existing Pinot object alone, never deletes it, and adopts it only with the annotation', async () => {
    const { ns, pinot } = await setup('preexisting');
    pinot.schemas.set('baseballStats', otherTeamsSchema);
    await admin.create(schemaCr(ns, 'newcomer'));
    await poll(async () => ready(await read(admin, types.schema, ns, 'newcomer'))?.reason).toBe('PinotObjectNotOwned');
    // The state the test is named after: the object exists in Pinot and the CR holds a finalizer that could delete it.
    expect((await read(admin, types.schema, ns, 'newcomer')).metadata.finalizers).toEqual([
      'pinotschema.datainfra.io/finalizer',
    ]);
    expect(pinot.calls().filter((c) => !c.startsWith('GET'))).toEqual([]);
    await deleteAndWait(ns, 'newcomer');
    expect(pinot.calls().filter((c) => !c.startsWith('GET'))).toEqual([]);
    expect(pinot.schemas.get('baseballStats')).toBe(otherTeamsSchema);

    await admin.create(schemaCr(ns, 'adopter', schemaJson, { 'dsoi.io/adopt': 'true' }));
    await poll(async () => (await read(admin, types.schema, ns, 'adopter')).status?.ownedInPinot).toBe('baseballStats');
    expect(pinot.schemas.get('baseballStats')).toBe(schemaJson);
    await deleteAndWait(ns, 'adopter');
    expect(pinot.schemas.has('baseballStats')).toBe(false);
  });

  it('on a rename, deletes the old object only if this CR owns it', async () => {
    const { ns, pinot } = await setup('rename');
    await admin.create(schemaCr(ns, 'renamed'));
    await poll(async () => (await read(admin, types.schema, ns, 'renamed')).status?.ownedInPinot).toBe('baseballStats');
    const renamed = schemaJson.replace('baseballStats', 'baseballStats2');
    await admin.patch(
      { ...types.schema, namespace: ns, name: 'renamed' },
      { type: 'merge', body: { spec: { 'schema.json': renamed } } },
    );
    await poll(async () => (await read(admin, types.schema, ns, 'renamed')).status?.ownedInPinot).toBe(
      'baseballStats2',
    );
    expect([...pinot.schemas.keys()]).toEqual(['baseballStats2']);

    // Another team's schema the CR was refused: renaming away from it must not delete it.
    pinot.schemas.set('hits', '{"schemaName":"hits"}');
    await admin.create(schemaCr(ns, 'refused', '{"schemaName":"hits","dimensionFieldSpecs":[]}'));
    await poll(async () => ready(await read(admin, types.schema, ns, 'refused'))?.reason).toBe('PinotObjectNotOwned');
    await admin.patch(
      { ...types.schema, namespace: ns, name: 'refused' },
      { type: 'merge', body: { spec: { 'schema.json': '{"schemaName":"runs","dimensionFieldSpecs":[]}' } } },
    );
    await poll(async () => (await read(admin, types.schema, ns, 'refused')).status?.ownedInPinot).toBe('runs');
    expect(pinot.schemas.get('hits')).toBe('{"schemaName":"hits"}');
    expect(pinot.calls()).not.toContain('DELETE /schemas/hits');
  });
});
