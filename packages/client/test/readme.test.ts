// Runs examples/readme.ts (the README example, as users import it) against the test control plane.
import { readFileSync } from 'node:fs';
import { kubeconfigEnv } from '@dsoi/envtest/testing';
import { expect, it, vi } from 'vitest';

it('shows in the README exactly the code of examples/readme.ts', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const shown = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
  expect(shown).toBe(example.slice(example.indexOf('\n') + 1));
  expect(shown?.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
});

it('runs the README example and reaches its stated results', async () => {
  process.env.KUBECONFIG = process.env[kubeconfigEnv];
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  const [resourceVersion, notFound, ...events] = log.mock.calls;
  expect(resourceVersion?.[0]).toMatch(/^\d+$/);
  expect(notFound).toEqual([true, 'get v1 Secret default/broker-config: NotFound: secrets "broker-config" not found']);
  expect(events).toContainEqual(['ADDED', 'broker-config']);
  log.mockRestore();
});
