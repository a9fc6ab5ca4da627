import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entryPoints } from './entryPoints.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function repo(manifests: Record<string, object>, sources: readonly string[]): string {
  root = mkdtempSync(join(tmpdir(), 'dsoi-api-docs-'));
  for (const [dir, manifest] of Object.entries(manifests)) {
    mkdirSync(join(root, 'packages', dir, 'src', 'testing'), { recursive: true });
    mkdirSync(join(root, 'packages', dir, 'src', 'dsoi'), { recursive: true });
    writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
  }
  for (const source of sources) writeFileSync(join(root, 'packages', source), '');
  return root;
}

describe('entryPoints', () => {
  it('maps each export to src/, skips ./package.json and private packages', () => {
    const dir = repo(
      {
        a: {
          name: '@x/a',
          exports: {
            '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: './dist/index.cjs' },
            './testing': { import: { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' } },
            './dsoi': { import: { types: './dist/dsoi.d.ts', default: './dist/dsoi.js' } },
            './package.json': './package.json',
          },
        },
        b: { name: '@x/b', private: true, exports: { '.': './dist/index.js' } },
      },
      ['a/src/index.ts', 'a/src/testing/index.ts', 'a/src/dsoi/index.ts'],
    );
    expect(entryPoints(dir).map((e) => [e.importPath, e.source.slice(dir.length)])).toEqual([
      ['@x/a', '/packages/a/src/index.ts'],
      ['@x/a/testing', '/packages/a/src/testing/index.ts'],
      ['@x/a/dsoi', '/packages/a/src/dsoi/index.ts'],
    ]);
  });

  it('refuses an export whose source file is missing, naming the package and subpath', () => {
    const dir = repo({ a: { name: '@x/a', exports: { './controller': './dist/controller.js' } } }, []);
    expect(() => entryPoints(dir)).toThrow(
      '@x/a exports "./controller" (./dist/controller.js) but has no src/controller.ts',
    );
  });
});
