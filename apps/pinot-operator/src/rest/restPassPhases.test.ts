import type { Client } from '@dsoi/client';
import { done, requeueAfter } from '@dsoi/reconcile';
import { createMemoryLogger } from '@dsoi/reconcile/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakePinot, startFakePinot } from '../../test/fakePinot.ts';
import { minimalPinot, pinotSchemaCr, schemaJson } from '../../test/fixtures.ts';
import type { Pinot } from '../api/pinot.ts';
import { EndpointError } from './controllerEndpoint.ts';
import { PinotApiError } from './pinotApiError.ts';
import { schemaKind } from './restKinds.ts';
import { type AcceptedPush, createRestPass, type RestObject, type RestPassEnvironment } from './restPass.ts';
import { restPassPhases, runRestPass } from './restPassPhases.ts';

const finalizer = schemaKind.finalizer;

/** Records the writes of a pass; patches answer with the object patched (finalizers) or the status merged. */
function fakeClient() {
  const writes: { verb: 'patch' | 'patchStatus'; body: unknown }[] = [];
  const client = {
    get: async (ref: RestObject) => ref,
    patch: async (ref: RestObject, patch: { body: unknown }) => {
      writes.push({ verb: 'patch', body: patch.body });
      return ref;
    },
    patchStatus: async (ref: RestObject, patch: { body: { status?: unknown } }) => {
      writes.push({ verb: 'patchStatus', body: patch.body });
      return { ...ref, status: patch.body.status };
    },
  };
  return { writes, client: client as unknown as Pick<Client, 'get' | 'patch' | 'patchStatus'> };
}

type Recorded = { type: string; reason: string; note: string };

describe('a REST pass, phase by phase', () => {
  let pinot: FakePinot;
  let writes: ReturnType<typeof fakeClient>['writes'];
  let events: Recorded[];
  let env: RestPassEnvironment;
  let cluster: Pinot | undefined;
  const accepted = new Map<string, AcceptedPush>();

  beforeEach(async () => {
    pinot = await startFakePinot();
    const fake = fakeClient();
    writes = fake.writes;
    events = [];
    accepted.clear();
    cluster = minimalPinot('ns') as unknown as Pinot;
    env = {
      kind: schemaKind,
      client: fake.client,
      recorder: { record: (event) => void events.push(event as Recorded) },
      listObjects: () => [],
      getPinot: () => cluster,
      resolveEndpoint: async () => ({ baseUrl: pinot.url, credentialsRejected: () => {} }),
      reconcileWaitMs: 10_000,
      httpTimeoutMs: 5_000,
      accepted,
    };
  });
  afterEach(() => pinot.close());

  const schema = (changes: Partial<RestObject['metadata']> = {}, status?: Record<string, unknown>): RestObject =>
    ({
      ...pinotSchemaCr('ns'),
      metadata: { ...pinotSchemaCr('ns').metadata, uid: 'u1', generation: 1, ...changes },
      ...(status && { status }),
    }) as RestObject;
  /** A pass over `object` with the current `env`. */
  const passOf = (object: RestObject) =>
    createRestPass(env, object, { signal: new AbortController().signal, log: createMemoryLogger().logger });
  const run = async (object: RestObject) => {
    const pass = passOf(object);
    return { pass, result: await runRestPass(pass) };
  };
  const lastStatus = () => {
    const last = writes.filter((w) => w.verb === 'patchStatus').at(-1);
    if (last === undefined) throw new Error('the pass wrote no status');
    return (last.body as { status: Record<string, unknown> }).status;
  };

  it('names its phases in the order they run', () => {
    expect(restPassPhases.map(([phase]) => phase)).toEqual([
      'spec',
      'ownership',
      'cluster',
      'endpoint',
      'finalizer',
      'read',
      'plan',
      'push',
      'reload',
      'status',
    ]);
  });

  it('ends in spec for a bad document: a Warning and a condition, no call to Pinot, no retry', async () => {
    const { pass, result } = await run({ ...schema(), spec: { pinotCluster: 'pinot-simple', 'schema.json': '{' } });
    expect(pass.phase).toBe('spec');
    expect(result).toEqual(done());
    expect(events.map((e) => e.reason)).toEqual(['InvalidSpec']);
    expect(lastStatus().conditions).toMatchObject([{ type: 'Ready', status: 'False', reason: 'InvalidSpec' }]);
    expect(pinot.calls()).toEqual([]);
  });

  it('ends in cluster while the Pinot CR is missing: waits RECONCILE_WAIT without calling Pinot', async () => {
    cluster = undefined;
    const { pass, result } = await run(schema());
    expect(pass.phase).toBe('cluster');
    expect(result).toEqual(requeueAfter(10_000));
    expect(lastStatus().conditions).toMatchObject([{ reason: 'PinotClusterNotFound' }]);
    expect(pinot.calls()).toEqual([]);
  });

  it('runs to status for a new schema: finalizer, GET, POST, the push remembered and written', async () => {
    const { pass, result } = await run(schema());
    expect(pass.phase).toBe('status');
    expect(pass.plan).toBe('create');
    expect(result).toEqual(requeueAfter(10_000));
    expect(pinot.calls()).toEqual(['GET /schemas/baseballStats', 'POST /schemas']);
    expect(writes[0]).toEqual({
      verb: 'patch',
      body: [{ op: 'add', path: '/metadata/finalizers', value: [finalizer] }],
    });
    expect(lastStatus()).toMatchObject({ ownedInPinot: 'baseballStats', 'currentSchemas.json': schemaJson });
    expect(accepted.get('ns/baseballstats')).toMatchObject({ uid: 'u1', owned: 'baseballStats' });
    expect(events.map((e) => e.reason)).toEqual(['PinotSchemaControllerCreateSuccess']);
  });

  it('plans inSync on the next pass, even before the cache shows the status: only a GET', async () => {
    await run(schema());
    const before = pinot.calls().length;
    const { pass } = await run(schema({ finalizers: [finalizer] }));
    expect(pass.plan).toBe('inSync');
    expect(pass.phase).toBe('status');
    expect(pinot.calls().slice(before)).toEqual(['GET /schemas/baseballStats']);
  });

  it("ends in plan for a schema in Pinot this CR did not create: reported, Pinot's object untouched", async () => {
    pinot.schemas.set('baseballStats', '{"schemaName":"baseballStats"}');
    const { pass, result } = await run(schema({ finalizers: [finalizer] }));
    expect(pass.plan).toBe('notOwned');
    expect(pass.phase).toBe('plan');
    expect(result).toEqual(requeueAfter(10_000));
    expect(pinot.calls()).toEqual(['GET /schemas/baseballStats']);
    expect(events.map((e) => e.reason)).toEqual(['PinotObjectNotOwned']);
  });

  it('throws in push when Pinot refuses the create, after writing the failure to the status', async () => {
    pinot.fail('POST', /^\/schemas/, 500, { body: 'boom' });
    const pass = passOf(schema({ finalizers: [finalizer] }));
    await expect(runRestPass(pass)).rejects.toBeInstanceOf(PinotApiError);
    expect(pass.phase).toBe('push');
    expect(lastStatus()).toMatchObject({ type: 'PinotSchemaControllerCreateFail', status: 'False' });
    expect(accepted.size).toBe(0);
  });

  it('ends in ownership when deleting a CR that owns nothing in Pinot: the finalizer goes, Pinot is not called', async () => {
    pinot.schemas.set('baseballStats', '{"schemaName":"baseballStats"}');
    const deleting = schema({ finalizers: [finalizer], deletionTimestamp: '2026-01-01T00:00:00Z' });
    const { pass, result } = await run(deleting);
    expect(pass.phase).toBe('ownership');
    expect(result).toEqual(done());
    expect(events.map((e) => e.reason)).toEqual(['PinotObjectKept']);
    expect(writes.map((w) => w.verb)).toEqual(['patch']);
    expect(pinot.calls()).toEqual([]);
    expect(pinot.schemas.has('baseballStats')).toBe(true);
  });

  it('ends in finalizer when deleting what it owns: DELETE first, then the finalizer goes', async () => {
    pinot.schemas.set('baseballStats', schemaJson);
    const deleting = schema(
      { finalizers: [finalizer], deletionTimestamp: '2026-01-01T00:00:00Z' },
      { ownedInPinot: 'baseballStats' },
    );
    const { pass, result } = await run(deleting);
    expect(pass.phase).toBe('finalizer');
    expect(result).toEqual(done());
    expect(pinot.calls()).toEqual(['DELETE /schemas/baseballStats']);
    expect(pinot.schemas.has('baseballStats')).toBe(false);
    expect(events.map((e) => e.reason)).toEqual(['PinotSchemaControllerDeleteSuccess']);
    expect(writes.map((w) => w.verb)).toEqual(['patch']);
  });
  it('throws in endpoint when the cluster cannot be reached yet, after putting the reason in the status', async () => {
    env = {
      ...env,
      resolveEndpoint: async () => {
        throw new EndpointError('AuthSecretNotFound', 'spec.auth.secretRef: Secret ns/auth not found');
      },
    };
    const pass = passOf(schema({ finalizers: [finalizer] }));
    await expect(runRestPass(pass)).rejects.toBeInstanceOf(EndpointError);
    expect(pass.phase).toBe('endpoint');
    expect(lastStatus().conditions).toMatchObject([{ status: 'False', reason: 'AuthSecretNotFound' }]);
    expect(pinot.calls()).toEqual([]);
  });

  it('drops the cached credentials when Pinot answers 401, so the next pass reads the Secret again', async () => {
    let rejected = 0;
    env = {
      ...env,
      resolveEndpoint: async () => ({ baseUrl: pinot.url, credentialsRejected: () => void rejected++ }),
    };
    pinot.fail('GET', /^\/schemas/, 401, { body: 'unauthorized' });
    const pass = passOf(schema({ finalizers: [finalizer] }));
    await expect(runRestPass(pass)).rejects.toBeInstanceOf(PinotApiError);
    expect(pass.phase).toBe('read');
    expect(rejected).toBe(1);
    expect(lastStatus().conditions).toMatchObject([{ reason: 'PinotRequestFailed' }]);
  });
});
