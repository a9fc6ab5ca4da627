import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReference } from '../src/apiReference.ts';
import { entryPoints } from '../src/entryPoints.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const repoRoot = join(import.meta.dirname, '..', '..', '..');

describe('the API reference check', () => {
  it('names every export and member without a doc comment, in every subpath entry', async () => {
    const entries = entryPoints(fixtures);
    expect(entries.map((e) => e.importPath)).toEqual(['@fixture/demo', '@fixture/demo/extra']);
    const report = await apiReference({ entries, tsconfig: join(fixtures, 'tsconfig.json') });
    expect(report.undocumented).toEqual([
      '@fixture/demo.Reader.read',
      '@fixture/demo.bare',
      '@fixture/demo/extra.answer',
    ]);
  });

  it('finds every published entry of this repository documented and every {@link} resolved', async () => {
    const report = await apiReference({
      entries: entryPoints(repoRoot),
      tsconfig: join(import.meta.dirname, '..', 'tsconfig.sources.json'),
    });
    expect(report.undocumented).toEqual([]);
    expect(report.problems).toEqual([]);
  });
});
