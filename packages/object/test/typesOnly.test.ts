import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const dist = join(import.meta.dirname, '..', 'dist');

it('exports nothing at run time, from either build: the model is types only', async () => {
  expect(Object.keys(await import('@dsoi/object'))).toEqual([]);
  expect(Object.keys(createRequire(import.meta.url)('@dsoi/object'))).toEqual([]);
});

it('declares every type of the model in its .d.ts, for ESM and CommonJS users alike', () => {
  for (const file of ['index.d.ts', 'index.d.cts']) {
    const declarations = readFileSync(join(dist, file), 'utf8');
    for (const name of [
      'KubeObject',
      'Live',
      'ServerFields',
      'ObjectMeta',
      'OwnerReference',
      'ObjectRef',
      'TypeMeta',
    ]) {
      expect(declarations, `${file} ${name}`).toMatch(new RegExp(`\\b(interface|type) ${name}\\b`));
    }
  }
});
