import { expect, it, vi } from 'vitest';

it('runs the README example against a real control plane', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  expect(log.mock.calls[0]?.[0]).toBe('hi');
  expect(log.mock.calls[0]?.[1]).toMatch(/admin\.kubeconfig$/);
  log.mockRestore();
});
