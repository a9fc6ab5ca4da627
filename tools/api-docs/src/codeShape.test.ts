import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { entrySurface, longFunctions, runtimeImports, shapeCasts } from './codeShape.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'dsoi-code-shape-'));
  for (const group of ['packages', 'apps', 'tools']) mkdirSync(join(root, group));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('longFunctions', () => {
  it('finds a function longer than the limit by name, counts a closure inside its outer one, and skips tests', () => {
    const dir = repo({
      'packages/a/src/a.ts': `export function short() {\n${body(80)}\n}\nexport const long = () => {\n${body(81)}\n};\n`,
      'packages/a/src/a.test.ts': `function inTest() {\n${body(200)}\n}\n`,
      'packages/a/test/real.ts': `function inRealTest() {\n${body(200)}\n}\n`,
      'apps/b/src/b.ts': `export function outer() {\n  return { run() {\n${body(90)}\n  } };\n}\n`,
    });
    expect(longFunctions(dir, 80)).toEqual([
      { where: 'apps/b/src/b.ts:1', name: 'outer', lines: 92 },
      { where: 'apps/b/src/b.ts:2', name: 'run', lines: 90 },
      { where: 'packages/a/src/a.ts:81', name: 'long', lines: 81 },
    ]);
  });
});

describe('entrySurface', () => {
  it('counts values apart from types, and refuses export *', () => {
    const dir = repo({
      'packages/a/src/index.ts': [
        "export { a, type T, b } from './x.js';",
        "export type { U } from './x.js';",
        'export const c = 1;',
        'export function d() {}',
        'export class E {}',
        'export interface V {}',
      ].join('\n'),
      'packages/a/src/star.ts': "export * from './x.js';\n",
    });
    const entry = (file: string) => ({ importPath: '@x/a', packageName: '@x/a', source: join(dir, file) });
    expect(entrySurface(entry('packages/a/src/index.ts'))).toEqual({
      importPath: '@x/a',
      runtimeNames: ['E', 'a', 'b', 'c', 'd'],
      typeNames: ['E', 'T', 'U', 'V', 'a', 'b', 'c', 'd'],
    });
    expect(() => entrySurface(entry('packages/a/src/star.ts'))).toThrow('@x/a: export * hides what the entry exports');
  });
});

describe('shapeCasts', () => {
  it('lists both bridging casts in sources, not in tests', () => {
    const dir = repo({
      'packages/a/src/a.ts': 'const x = y as unknown as Z;\nconst k = o as KubeObject;\nconst n = 1 as number;\n',
      'packages/a/src/a.test.ts': 'const x = y as unknown as Z;\n',
    });
    expect(shapeCasts(dir)).toEqual(['packages/a/src/a.ts:1', 'packages/a/src/a.ts:2']);
  });
});

describe('runtimeImports', () => {
  it('lists imports and re-exports that load the module, also those whose names are all `type`, not in tests', () => {
    const dir = repo({
      'packages/a/src/a.ts': [
        "import type { KubeObject } from '@dsoi/object';",
        "import { type Live } from '@dsoi/object';",
        "import { hash } from '@dsoi/hash';",
        "export type { ObjectRef } from '@dsoi/object';",
        "export { TypeMeta } from '@dsoi/object';",
        "import '@dsoi/object';",
      ].join('\n'),
      'packages/a/src/a.test.ts': "import { KubeObject } from '@dsoi/object';\n",
    });
    expect(runtimeImports(dir, '@dsoi/object')).toEqual([
      'packages/a/src/a.ts:2',
      'packages/a/src/a.ts:5',
      'packages/a/src/a.ts:6',
    ]);
  });
});
