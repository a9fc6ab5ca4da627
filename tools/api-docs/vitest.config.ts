import { defineConfig } from 'vitest/config';

// typedoc type-checks every package's sources once per run: minutes on a loaded machine, not seconds.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 600_000, pool: 'forks' },
});
