/**
 * Hostile REST documents against a real API server: names that a URL parser turns into the controller's root, and
 * documents nested past what the comparison can walk, are reported by field and never reach Pinot; the objects can
 * still be deleted. (The property-based search over such documents is src/rest/pinotDocument.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { pinotHttpClientDefaults } from '../src/rest/pinotHttpClient.ts';
import { minimalPinot, pinotSchemaCr, pinotTableCr, schemaJson } from './fixtures.ts';
import { eventsOf, exists, pinotFixture, poll, read, ready, types } from './harness.ts';

const { admin, namespace, startWithFakePinot } = pinotFixture();

describe('hostile REST documents', () => {
  it('reports "..", "." and a 20,000-level document by field, sends Pinot nothing for them, and deletes them', async () => {
    const ns = await namespace('resthostile');
    const { pinot } = await startWithFakePinot({ watchNamespaces: [ns] });
    await admin.create(minimalPinot(ns));
    const deep = `{"schemaName":"deep","d":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const cases = [
      { ...pinotSchemaCr(ns, '{"schemaName":".."}'), metadata: { name: 'dotdot', namespace: ns } },
      { ...pinotSchemaCr(ns, deep), metadata: { name: 'deep', namespace: ns } },
      { ...pinotTableCr(ns, '{"tableName":".","tableType":"OFFLINE"}'), metadata: { name: 'dot', namespace: ns } },
      pinotSchemaCr(ns, schemaJson), // a valid one, to show the operator works
    ];
    for (const cr of cases) await admin.create(cr);
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.status).toBe('True');
    const expected = [
      [types.schema, 'dotdot', '"schemaName" must not be "." or ".."'],
      [types.schema, 'deep', 'must not nest deeper than 64 levels'],
      [types.table, 'dot', '"tableName" must not be "." or ".."'],
    ] as const;
    for (const [type, name, message] of expected) {
      await poll(async () => ready(await read(admin, type, ns, name))?.reason).toBe('InvalidSpec');
      expect(ready(await read(admin, type, ns, name)).message).toContain(message);
      const warnings = (await eventsOf(admin, ns, name)).filter((e) => e.type === 'Warning');
      expect(warnings.some((e) => e.reason === 'InvalidSpec' && e.note?.includes('spec['))).toBe(true);
    }
    // Only the valid schema reached Pinot; nothing went to the controller's root.
    expect(pinot.calls().filter((c) => c !== 'GET /schemas/baseballStats')).toEqual(['POST /schemas']);
    for (const [type, name] of expected) await admin.delete({ ...type, namespace: ns, name });
    for (const [type, name] of expected) await poll(() => exists(admin, type, ns, name)).toBe(false);
  }, 60_000);

  it('cuts off a controller answer that never ends at 2 MiB and reports it as Ready=False PinotResponseTooLarge', async () => {
    const ns = await namespace('restendless');
    const { pinot } = await startWithFakePinot({ watchNamespaces: [ns], httpTimeoutMs: 10_000 });
    pinot.endless('GET', /^\/schemas\//);
    await admin.create(minimalPinot(ns));
    await admin.create(pinotSchemaCr(ns));
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.reason).toBe(
      'PinotResponseTooLarge',
    );
    // The fault hit: the fake Pinot sent past the limit, and the operator stopped reading there.
    expect(pinot.endlessBytes()).toBeGreaterThan(pinotHttpClientDefaults.maxResponseBytes);
    const condition = ready(await read(admin, types.schema, ns, 'baseballstats'));
    expect(condition.status).toBe('False');
    expect(condition.message).toContain(`cut off past ${pinotHttpClientDefaults.maxResponseBytes} bytes`);
    expect(pinot.calls()).not.toContain('POST /schemas');
  }, 60_000);
});
