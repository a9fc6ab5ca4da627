/** Shared vitest settings: unit tests in src/, real-server tests in test/ (each package opts in to the control plane). */
import { defineConfig } from 'vitest/config';

export interface PackageTestOptions {
  /** Start one real control plane (@dsoi/envtest) for the whole run. @default false */
  readonly controlPlane?: boolean;
  /** Per-test timeout; real-server tests wait on the API server. @default 5_000, or 60_000 with a control plane */
  readonly testTimeoutMs?: number;
}

/** Returns the vitest config of one package. */
export function packageTests({ controlPlane = false, testTimeoutMs }: PackageTestOptions = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: testTimeoutMs ?? (controlPlane ? 60_000 : 5_000),
      hookTimeout: controlPlane || testTimeoutMs !== undefined ? 180_000 : 10_000,
      globalSetup: controlPlane ? [new URL('./envtestGlobalSetup.ts', import.meta.url).pathname] : [],
      coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['src/**/*.test.ts'], reporter: ['text-summary'] },
      // Real-server tests share one API server; files still run in parallel, each in its own namespace.
      pool: 'forks',
    },
  });
}
