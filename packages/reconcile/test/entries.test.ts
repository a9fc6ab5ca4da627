/**
 * The built package's entries share one copy of each class: an error thrown by code of one entry (the DSOI reconciler
 * of `@dsoi/reconcile/dsoi`) is `instanceof` the class another entry exports (`@dsoi/reconcile`), in ESM and in CJS.
 * Runs against dist/ (the `test` target builds first), because only a bundle can duplicate a class.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Entries = {
  main: typeof import('@dsoi/reconcile');
  dsoi: typeof import('@dsoi/reconcile/dsoi');
  testing: typeof import('@dsoi/reconcile/testing');
};

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** The error a DSOI reconcile throws when its one child cannot be written (the fake client refuses every apply). */
async function childWriteFailure({ dsoi, testing }: Pick<Entries, 'dsoi' | 'testing'>): Promise<unknown> {
  const object = {
    apiVersion: 'example.dsoi.io/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'ns', uid: 'u-1', generation: 1 },
    spec: {},
  };
  // The object exists (its status is written before the failure is rethrown); every child apply is refused.
  const fake = testing.createFakeClient({ objects: [object] });
  const client = { ...fake, apply: () => Promise.reject(new Error('apply refused by the test')) };
  const reconcile = dsoi.createDsoiReconciler({
    spec: { safeParse: (value: unknown) => ({ success: true as const, data: value }) },
    desired: () => ({
      children: [{ object: { ...configMapType, metadata: { name: 'w-config', namespace: 'ns' }, data: { a: '1' } } }],
    }),
    client,
  });
  // An empty cache: the fake client is a `Reader` too.
  const cache = { ...testing.createFakeClient(), ownedKinds: () => [configMapType] };
  const { logger } = testing.createMemoryLogger();
  const request = { namespace: 'ns', name: 'w' };
  try {
    await reconcile({ request, object, signal: new AbortController().signal, retries: 0, log: logger, cache });
  } catch (err) {
    return err;
  }
  throw new Error('the reconcile resolved although its child write failed');
}

describe('entries of the built package', () => {
  it('ESM: a ChildrenError thrown by the dsoi entry is instanceof the main entry ChildrenError', async () => {
    const entries: Entries = {
      main: await import('@dsoi/reconcile'),
      dsoi: await import('@dsoi/reconcile/dsoi'),
      testing: await import('@dsoi/reconcile/testing'),
    };
    const err = await childWriteFailure(entries);
    expect((err as Error).name).toBe('ChildrenError');
    expect(err).toBeInstanceOf(entries.main.ChildrenError);
    expect(err).toBeInstanceOf(entries.main.ReconcileError);
  });

  it('CJS: a ChildrenError thrown by the dsoi entry is instanceof the main entry ChildrenError', async () => {
    const require = createRequire(import.meta.url);
    const entries: Entries = {
      main: require('@dsoi/reconcile'),
      dsoi: require('@dsoi/reconcile/dsoi'),
      testing: require('@dsoi/reconcile/testing'),
    };
    const err = await childWriteFailure(entries);
    expect((err as Error).name).toBe('ChildrenError');
    expect(err).toBeInstanceOf(entries.main.ChildrenError);
    expect(err).toBeInstanceOf(entries.main.ReconcileError);
  });
});
