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

/** One phase of {@link phasedTests}: test files that run together, after the phases before them. */
export interface TestPhase {
  /** Shown in the report beside each file. */
  readonly name: string;
  /** Globs of this phase's files (relative to the package). */
  readonly include: readonly string[];
  /** Files run one at a time (e.g. tests that share a peer operator watching the whole cluster). @default false */
  readonly serial?: boolean;
}

/**
 * The config of a package whose test files run in ordered phases, in ONE vitest invocation: the control plane (if
 * any) is started once for the run, each phase runs after the one before it has finished (vitest projects with
 * `sequence.groupOrder`), and the files of a phase run in parallel unless it is `serial`. A file not named by a
 * later phase runs in the first one, so a new test file is never left out.
 */
export function phasedTests(options: PackageTestOptions & { readonly phases: readonly TestPhase[] }) {
  const { phases, ...rest } = options;
  // The projects inherit everything but the file lists (arrays would be merged with the projects' own).
  const { include: _include, ...base } = packageTests(rest).test ?? {};
  const later = phases.slice(1).flatMap((phase) => phase.include);
  return defineConfig({
    test: {
      ...base,
      projects: phases.map((phase, index) => ({
        extends: true,
        test: {
          name: phase.name,
          include: [...phase.include],
          exclude: index === 0 ? ['**/node_modules/**', ...later] : ['**/node_modules/**'],
          // From 1: vitest runs files of group 0 with a single worker (as on a 2-core machine) after all the others.
          sequence: { groupOrder: index + 1 },
          ...(phase.serial && { fileParallelism: false, maxWorkers: 1 }),
        },
      })),
    },
  });
}
