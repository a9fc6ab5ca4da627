/** Shared tsup settings: every @dsoi package builds ESM + CJS + .d.ts from src/index.ts the same way. */
import { defineConfig, type Options } from 'tsup';

/** Returns the tsup config of one package; `overrides` adds entries or options for the rare package that needs them. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // No source maps: the packages ship dist/ only, and a map that is referenced but not shipped misleads debuggers.
    sourcemap: false,
    clean: true,
    target: 'node22',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  });
}
