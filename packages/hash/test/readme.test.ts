import { expect, it, vi } from 'vitest';

it('runs the README example and reaches its stated results', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  const [first, second] = log.mock.calls;
  expect(first?.[0]).toMatch(/^[0-9a-f]{32}$/);
  expect(first?.[0]).toBe(first?.[1]);
  expect(second).toEqual([false]);
  log.mockRestore();
});
