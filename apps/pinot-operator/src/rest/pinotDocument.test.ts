import { InvalidSpecError } from '@dsoi/reconcile/dsoi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, maxDocumentDepth, readPinotDocument } from './pinotDocument.ts';
import { schemaKind, tableKind, tenantKind } from './restKinds.ts';
import { semanticJsonEqual } from './semanticJson.ts';

const kinds = [schemaKind, tableKind, tenantKind];
const collectionOf = { PinotSchema: '/schemas', PinotTable: '/tables', PinotTenant: '/tenants' } as const;

/** Names as users, typos and attackers write them. */
const hostileName = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '...',
    '%2e%2e',
    '%2E.',
    '/',
    '../x',
    'a/..',
    '?',
    '#',
    ' ',
    '\u0000',
    'x'.repeat(100_000),
  ),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
/** Values of the wrong type where the name goes. */
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object());
const nested = (depth: number, leaf: string) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
/** Whole documents: valid-looking, deeply nested, huge, not JSON, not objects. */
const documentFor = (nameKey: string) =>
  fc.oneof(
    fc
      .record({ name: fc.oneof(hostileName, wrongType), extra: fc.jsonValue() })
      .map(({ name, extra }) => JSON.stringify({ [nameKey]: name, extra })),
    fc
      .record({ name: hostileName, depth: fc.integer({ min: 1, max: 200_000 }) })
      .map(({ name, depth }) => `{"${nameKey}":${JSON.stringify(name)},"deep":${nested(depth, '1')}}`),
    fc.integer({ min: 1, max: 200_000 }).map((depth) => nested(depth, `{"${nameKey}":"deep"}`)),
    fc.json(),
    fc.string(),
    fc.constantFrom('', '{', 'null', '[]', '"x"', `{"${nameKey}":"x"`, `{"${nameKey}":"x"}`.repeat(2)),
  );

describe('readPinotDocument (property-based)', () => {
  for (const kind of kinds) {
    it(`${kind.type.kind}: names one object inside ${collectionOf[kind.type.kind]} or refuses the document by field`, () => {
      const field = `spec["${kind.documentField}"]`;
      const spec = { pinotTableType: 'OFFLINE', pinotTenantType: 'BROKER' };
      fc.assert(
        fc.property(documentFor(kind.nameKey), (document) => {
          let name: string;
          try {
            ({ name } = readPinotDocument(document, kind.nameKey, field));
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidSpecError);
            expect((err as InvalidSpecError).problems.map((p) => p.field)).toEqual([field]);
            return;
          }
          // Accepted: comparing it with itself must work (the reconcile does it on every pass).
          expect(semanticJsonEqual(document, document)).toBe(true);
          const withDocument = { ...spec, [kind.documentField]: document };
          const collection = collectionOf[kind.type.kind];
          for (const path of [kind.getPath(name, withDocument), kind.deletePath(name, withDocument)]) {
            const url = new URL(path, 'http://pinot:9000/');
            expect(url.pathname.startsWith(`${collection}/`)).toBe(true);
            expect(decodeURIComponent(url.pathname.slice(collection.length + 1))).toBe(name);
          }
          expect(new URL(kind.updatePath(name), 'http://pinot:9000/').pathname.startsWith(collection)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('refuses "." and ".." by name and depth past the limit, and accepts what Pinot documents look like', () => {
    const field = 'spec["schema.json"]';
    expect(() => readPinotDocument('{"schemaName":".."}', 'schemaName', field)).toThrow(/must not be "\." or "\.\."/);
    expect(() => readPinotDocument(`{"schemaName":"s","d":${nested(5_000, '1')}}`, 'schemaName', field)).toThrow(
      `must not nest deeper than ${maxDocumentDepth} levels`,
    );
    expect(readPinotDocument('{"schemaName":"baseballStats","x":[{"y":{}}]}', 'schemaName', field)).toEqual({
      name: 'baseballStats',
    });
    expect(jsonDepth(JSON.parse(nested(maxDocumentDepth, '1')))).toBe(maxDocumentDepth);
  });
});
