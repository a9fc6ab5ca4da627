import { describe, expect, it } from 'vitest';
import { startTestOperator, type TestOperatorOptions, testOperatorDefaults } from './testOperator.js';

/** An operator factory that records its options and runs until its signal aborts. */
function recordingFactory() {
  const seen: TestOperatorOptions[] = [];
  const create = (options: TestOperatorOptions & { watchNamespaces?: string[] }) => {
    seen.push(options);
    return {
      start: (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    };
  };
  return { seen, create };
}

describe('startTestOperator', () => {
  it('creates the operator with the test defaults under the given options and runs it until stop()', async () => {
    const { seen, create } = recordingFactory();
    const running = startTestOperator(create, {
      kubeConfig: 'kc' as never,
      reconcileWaitMs: 5,
      watchNamespaces: ['a'],
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ probes: false, metrics: false, reconcileWaitMs: 5, watchNamespaces: ['a'] });
    expect(seen[0]!.logger).toBeDefined();
    expect(testOperatorDefaults).toEqual({ reconcileWaitMs: 1_000, probes: false, metrics: false });
    expect(running.ended()).toBeUndefined();
    await running.stop();
    expect(running.ended()).toBe('resolved');
  });

  it('says when the operator failed on its own', async () => {
    const running = startTestOperator(() => ({ start: () => Promise.reject(new Error('no API server')) }), {
      kubeConfig: 'kc' as never,
    });
    await running.stop();
    expect(running.ended()).toMatch(/^rejected: Error: no API server/);
  });
});
