/**
 * Property-based bad input (spec, "How to use this spec": bad input never crashes the process). fast-check builds
 * hostile Pinot CRs from the valid base (the `@dsoi/reconcile/testing` frame); each is either refused by the API server with a message
 * naming the field, or accepted and then converges (valid) or gets a Warning event and a Degraded condition naming
 * the field. The operator never stops, a valid CR created after the bad ones converges (its PinotSchema included),
 * and the auth password never shows in events, status or logs.
 */
import { type Client, isKubeApiError, type KubeObject } from '@dsoi/client';
import { createTestNamespace } from '@dsoi/envtest/testing';
import { createMemoryLogger, expectationOf, type MemoryLogger, type Mutation, mutate } from '@dsoi/reconcile/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPinotOperator } from '../src/operator.js';
import { type FakePinot, startFakePinot } from './fakePinot.js';
import { installPinotCrds, kubeConfig, types } from './harness.js';
import { basePinot, hostileCase, type PinotCr, secretValue } from './pinotMutations.js';

/**
 * Property runs; each creates `casesPerRun` hostile CRs (and one valid CR) in a namespace of its own: 30 hostile
 * cases in about 20 s. `BAD_INPUT_RUNS=50` searches longer locally.
 */
const numRuns = Number(process.env.BAD_INPUT_RUNS ?? 6);
const casesPerRun = 5;
const settleTimeoutMs = 20_000;

const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The password as planted, as the Secret stores it, and as a basic-auth header carries it. */
const secretForms = [secretValue, base64(secretValue), base64(`admin:${secretValue}`)];

let admin: Client;
let pinot: FakePinot;
beforeAll(async () => {
  admin = await installPinotCrds();
  pinot = await startFakePinot({ username: 'admin', password: secretValue });
});
afterAll(async () => {
  await pinot?.close();
});

type Condition = { type: string; status: string; reason: string; message: string };
type LiveObject = KubeObject & {
  metadata: { name: string; uid: string; generation?: number; ownerReferences?: { uid: string }[] };
  spec?: any;
  status?: { observedGeneration?: number; conditions?: Condition[]; type?: string };
};
type Event = KubeObject & { type: string; reason: string; note?: string; regarding: { name: string } };

/** Everything a verdict looks at, listed once per poll. */
interface Snapshot {
  readonly pinots: LiveObject[];
  readonly events: Event[];
  readonly owned: Map<string, { kind: string; name: string }[]>;
}

async function snapshot(namespace: string): Promise<Snapshot> {
  const list = async (type: { apiVersion: string; kind: string }) =>
    (await admin.list<LiveObject>(type, { namespace })).items;
  const [pinots, events, ...children] = await Promise.all([
    list(types.pinot),
    admin.list<Event>(types.event, { namespace }).then((l) => l.items),
    list(types.configMap),
    list(types.service),
    list(types.statefulSet),
    list(types.deployment),
  ]);
  const owned = new Map<string, { kind: string; name: string }[]>();
  ['ConfigMap', 'Service', 'StatefulSet', 'Deployment'].forEach((kind, i) => {
    for (const child of children[i]!) {
      for (const ref of child.metadata.ownerReferences ?? []) {
        owned.set(ref.uid, [...(owned.get(ref.uid) ?? []), { kind, name: child.metadata.name }]);
      }
    }
  });
  return { pinots, events, owned };
}

const conditionOf = (object: LiveObject | undefined, type: string) =>
  object?.status?.conditions?.find((c) => c.type === type);
const names = (text: string | undefined, fields: readonly string[]) => fields.some((f) => text?.includes(f));

/** Why a CR that must converge has not (yet), or `undefined` when it has: status current, children all there. */
function notConverged(world: Snapshot, name: string): string | undefined {
  const live = world.pinots.find((p) => p.metadata.name === name);
  if (!live) return 'gone';
  if (live.status?.observedGeneration !== live.metadata.generation) return 'status.observedGeneration not current';
  const degraded = conditionOf(live, 'Degraded');
  if (degraded?.status !== 'False') return `Degraded is ${JSON.stringify(degraded)}`;
  const children = world.owned.get(live.metadata.uid) ?? [];
  const count = (kind: string) => children.filter((c) => c.kind === kind).length;
  const nodes = live.spec.nodes.length;
  const groups = new Set(live.spec.nodes.map((n: { pinotNodeConfig: string }) => n.pinotNodeConfig)).size;
  const workloads = count('StatefulSet') + count('Deployment');
  if (workloads !== nodes || count('Service') !== nodes || count('ConfigMap') !== groups) {
    return `children ${JSON.stringify(children)} for ${nodes} nodes and ${groups} config groups`;
  }
  return undefined;
}

/** Why an accepted bad CR is not (yet) reported, or `undefined` once a Warning event and a condition name a field. */
function notReported(world: Snapshot, name: string, fields: readonly string[]): string | undefined {
  const live = world.pinots.find((p) => p.metadata.name === name);
  if (!live) return 'gone';
  if (live.status?.observedGeneration !== live.metadata.generation) return 'status.observedGeneration not current';
  const degraded = conditionOf(live, 'Degraded');
  if (degraded?.status !== 'True' || !names(degraded.message, fields)) {
    return `no Degraded condition naming ${JSON.stringify(fields)}: ${JSON.stringify(degraded)}`;
  }
  const warnings = world.events.filter((e) => e.regarding.name === name && e.type === 'Warning');
  if (!warnings.some((e) => names(e.note, fields))) {
    return `no Warning event naming ${JSON.stringify(fields)}: ${JSON.stringify(warnings.map((e) => e.note))}`;
  }
  return undefined;
}

function assertNoSecret(what: string, text: string) {
  for (const form of secretForms) expect(text.includes(form), `${what} holds the secret (${form})`).toBe(false);
}

function schemaFor(namespace: string, cluster: string, index: number) {
  const schemaName = `${namespace}-${index}`;
  return {
    apiVersion: types.schema.apiVersion,
    kind: types.schema.kind,
    metadata: { name: `schema-${index}`, namespace },
    spec: {
      pinotCluster: cluster,
      'schema.json': JSON.stringify({ schemaName, dimensionFieldSpecs: [{ name: 'id', dataType: 'STRING' }] }),
    },
  };
}

interface Case {
  readonly cr: PinotCr;
  readonly mutations: readonly Mutation<PinotCr>[];
  readonly outcome: ReturnType<typeof expectationOf>['outcome'];
  readonly fields: readonly string[];
}

/** One property run: the cases in a fresh namespace with its own operator, checked together. */
async function runBatch(mutationSets: readonly (readonly Mutation<PinotCr>[])[], logs: MemoryLogger): Promise<void> {
  const namespace = await createTestNamespace(kubeConfig, 'hostile');
  const secret = (name: string, password: string) =>
    admin.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      stringData: { CONTROL_PLANE_USERNAME: 'admin', CONTROL_PLANE_PASSWORD: password },
    });
  await secret('pinot-auth', secretValue);
  await secret('pinot-auth-wrong', `${secretValue}-but-wrong`);
  const operator = createPinotOperator({
    kubeConfig,
    watchNamespaces: [namespace],
    controllerUrl: pinot.url,
    httpTimeoutMs: 2_000,
    reconcileWaitMs: 1_000,
    probes: false,
    metrics: false,
    logger: logs.logger,
  });
  const stop = new AbortController();
  let ended: string | undefined;
  const run = operator.start(stop.signal).then(
    () => {
      ended = 'resolved';
    },
    (err: unknown) => {
      ended = `rejected: ${err instanceof Error ? err.stack : String(err)}`;
    },
  );
  try {
    const cases: Case[] = mutationSets.map((mutations, k) => ({
      cr: mutate(basePinot(namespace, `case-${k}`, `c${k}`), `c${k}`, mutations),
      mutations,
      ...expectationOf(mutations),
    }));
    const accepted: Case[] = [];
    for (const c of cases) {
      const what = `${c.cr.metadata.name} [${c.mutations.map((m) => m.label).join('; ')}]`;
      let refusal: unknown;
      await admin.create(c.cr).catch((err: unknown) => {
        refusal = err;
      });
      if (refusal !== undefined && !isKubeApiError(refusal)) throw refusal;
      if (c.outcome === 'refused') {
        expect(refusal !== undefined, `${what} must be refused`).toBe(true);
        const err = refusal as { code: number; message: string };
        expect([400, 422], `${what}: ${err.message}`).toContain(err.code);
        expect(names(err.message, c.fields), `${what}: "${err.message}" names none of ${c.fields}`).toBe(true);
      } else {
        expect(refusal === undefined, `${what} must be accepted, got: ${(refusal as Error | undefined)?.message}`).toBe(
          true,
        );
        accepted.push(c);
      }
    }
    // A REST object per accepted cluster, so the auth Secret is read and sent while the clusters are hostile.
    for (const [i, c] of accepted.entries()) await admin.create(schemaFor(namespace, c.cr.metadata.name, i));
    // A valid CR created after the bad ones, with its own PinotSchema.
    await admin.create(basePinot(namespace, 'sentinel', 's'));
    await admin.create(schemaFor(namespace, 'sentinel', accepted.length));

    const verdicts = (world: Snapshot) => [
      ...accepted.map((c) => {
        const why =
          c.outcome === 'valid'
            ? notConverged(world, c.cr.metadata.name)
            : notReported(world, c.cr.metadata.name, c.fields);
        return why && `${c.cr.metadata.name} (${c.outcome}) [${c.mutations.map((m) => m.label).join('; ')}]: ${why}`;
      }),
      notConverged(world, 'sentinel') && `sentinel: ${notConverged(world, 'sentinel')}`,
    ];
    const deadline = Date.now() + settleTimeoutMs;
    let pending: string[] = [];
    for (;;) {
      pending = verdicts(await snapshot(namespace)).filter((v): v is string => Boolean(v));
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(pending, 'cases not settled in time').toEqual([]);
    await expect
      .poll(
        async () =>
          conditionOf(
            await admin.get<LiveObject>({ ...types.schema, namespace, name: `schema-${accepted.length}` }),
            'Ready',
          )?.status,
        { timeout: settleTimeoutMs, interval: 300 },
      )
      .toBe('True');
    expect(ended, 'the operator stopped on its own').toBeUndefined();

    const world = await snapshot(namespace);
    const schemas = (await admin.list<LiveObject>(types.schema, { namespace })).items;
    assertNoSecret('events', JSON.stringify(world.events));
    assertNoSecret('Pinot status', JSON.stringify(world.pinots.map((p) => p.status)));
    assertNoSecret('PinotSchema status', JSON.stringify(schemas.map((s) => s.status)));
  } finally {
    stop.abort();
    await run;
    await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch(() => {});
  }
}

describe('Pinot bad input (property-based)', () => {
  it(
    'refuses or reports hostile specs by field, never crashes, keeps valid CRs converging and never leaks the secret',
    async () => {
      const logs = createMemoryLogger();
      const consoleCalls = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
      let consoleText = '';
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      process.on('uncaughtException', onUnhandled);
      try {
        // No fixed seed: fast-check prints the seed and path of a failure; replay with fc.assert(..., { seed, path }).
        // endOnFailure: a shrink step is a whole namespace of API calls, and the test timeout must not hide the seed.
        await fc.assert(
          fc.asyncProperty(fc.array(hostileCase, { minLength: casesPerRun, maxLength: casesPerRun }), (cases) =>
            runBatch(cases, logs),
          ),
          { numRuns, endOnFailure: true },
        );
      } finally {
        process.off('unhandledRejection', onUnhandled);
        process.off('uncaughtException', onUnhandled);
        consoleText = consoleCalls
          .flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')))
          .join('\n');
        for (const spy of consoleCalls) spy.mockRestore();
      }
      expect(unhandled).toEqual([]);
      // The secret did flow through the operator (the fake Pinot saw it), so the scans below are not vacuous.
      expect(pinot.requests.some((r) => r.headers.authorization === `Basic ${base64(`admin:${secretValue}`)}`)).toBe(
        true,
      );
      expect(logs.count()).toBeGreaterThan(0);
      assertNoSecret('operator logs', logs.text());
      assertNoSecret('console', consoleText);
    },
    60_000 + numRuns * settleTimeoutMs,
  );
});
