import { defineConfig } from 'vitest/config';

// One file, run in order: publishing every package (each builds in prepack) and two control planes take minutes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
