import { expect, it, vi } from 'vitest';

it('runs the README example: a validating webhook served over HTTPS with a test certificate', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/readme.js');
  expect(log.mock.calls[0]?.[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(log.mock.calls[0]?.[1]).toBe(true);
  log.mockRestore();
});
