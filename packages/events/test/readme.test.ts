import { expect, it, vi } from 'vitest';

it('runs the README example and reaches its stated results', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  expect(log.mock.calls).toEqual([
    ['create', expect.stringMatching(/^pinot\.[0-9a-f]{16}$/), 50],
    [1, 50],
  ]);
  log.mockRestore();
});
