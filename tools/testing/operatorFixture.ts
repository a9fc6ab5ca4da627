/**
 * The set-up every real-server test file of a reference operator shares: its CRDs installed before its tests, an
 * admin client, a fresh namespace per test, and every operator (or fake) a test started stopped after that test,
 * even when it failed.
 */
import { type Client, createClient } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeAll } from 'vitest';

/** What {@link createOperatorFixture} needs of an operator's test harness. */
export interface OperatorFixtureOptions<TOptions extends { readonly watchNamespaces?: readonly string[] }, TRunning> {
  /** The suite's control plane. */
  readonly kubeConfig: KubeConfig;
  /** Installs the operator's CRDs (idempotent); called once, before the file's first test. */
  readonly installCrds: () => Promise<unknown>;
  /** Starts the operator with the harness's test defaults under `options`. */
  readonly startOperator: (options: TOptions) => Promise<TRunning>;
}

/** The fixture of one test file; see {@link createOperatorFixture}. */
export interface OperatorFixture<TOptions extends { readonly watchNamespaces?: readonly string[] }, TRunning> {
  /** A client of the control plane with full rights (field manager `test-admin`). */
  readonly admin: Client;
  /** Creates a fresh namespace `<prefix>-<random>` and returns its name. */
  namespace(prefix: string): Promise<string>;
  /** Starts the operator with `options`; it is stopped after the test. */
  startOperator(options: TOptions): Promise<TRunning>;
  /** Creates a fresh namespace and starts the operator watching only it (with `options`); returns the namespace. */
  operatorNamespace(prefix: string, options?: Omit<TOptions, 'watchNamespaces'>): Promise<string>;
  /** Runs `cleanup` after the test; cleanups run one at a time, the last deferred first. */
  defer(cleanup: () => unknown): void;
}

/**
 * Registers the file's hooks (`beforeAll`: install the CRDs; `afterEach`: run the test's cleanups, stopping every
 * operator it started) and returns the fixture the file's tests use. Call it once at the top of a test file.
 */
export function createOperatorFixture<
  TOptions extends { readonly watchNamespaces?: readonly string[] },
  TRunning extends { stop(): Promise<void> },
>(options: OperatorFixtureOptions<TOptions, TRunning>): OperatorFixture<TOptions, TRunning> {
  const { kubeConfig, installCrds } = options;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    await installCrds();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const namespace = (prefix: string) => createTestNamespace(kubeConfig, prefix);
  const startOperator = async (operatorOptions: TOptions) => {
    const running = await options.startOperator(operatorOptions);
    cleanups.push(() => running.stop());
    return running;
  };
  return {
    admin: createClient({ kubeConfig, fieldManager: 'test-admin' }),
    namespace,
    startOperator,
    async operatorNamespace(prefix, operatorOptions) {
      const ns = await namespace(prefix);
      // Omit<TOptions, K> & Pick<TOptions, K> is TOptions, which TypeScript cannot see for a generic TOptions.
      await startOperator({ ...operatorOptions, watchNamespaces: [ns] } as unknown as TOptions);
      return ns;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
