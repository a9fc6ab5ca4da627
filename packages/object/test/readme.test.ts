import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';

it('runs the README example and reaches its stated results', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
  // The README shows the example without its leading comment line.
  expect(readme).toContain(example.split('\n').slice(1).join('\n').trim());
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  expect(log.mock.calls).toEqual([
    [{ apiVersion: 'example.com/v1', kind: 'Cache', name: 'sessions', namespace: 'web', uid: 'c0ffee' }],
    [1],
  ]);
  log.mockRestore();
});
