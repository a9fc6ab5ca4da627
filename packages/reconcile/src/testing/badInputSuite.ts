/**
 * The property-based bad-input suite of a DSOI operator, run against a real API server: fast-check builds hostile
 * CRs from a valid one; each is refused by the API server with a message naming the field, or accepted and then
 * converges (valid) or gets a Warning Event and a Degraded condition naming the field (reported). The operator never
 * stops, a valid CR created after the bad ones converges, and the planted secret never shows in Events, status, logs
 * or the console. The operator supplies its CR, its mutations and what "converged" means for it.
 */

import type { Client } from '@dsoi/client';
import { isKubeApiError } from '@dsoi/client/errors';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import fc from 'fast-check';
import type { Logger } from '../logger.js';
import { startInBackground } from './background.js';
import { expectationOf, type Mutation, mutate, type Outcome } from './hostileSpecs.js';
import { createMemoryLogger, type MemoryLogger } from './memoryLogger.js';

/** A condition as the suite reads it. */
export interface SuiteCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/** An object as the suite lists it (a CR or a child). */
export interface SuiteObject extends KubeObject {
  readonly metadata: {
    readonly name: string;
    readonly uid: string;
    readonly generation?: number;
    readonly ownerReferences?: readonly { readonly uid: string }[];
  };
  readonly spec?: unknown;
  readonly status?: { readonly observedGeneration?: number; readonly conditions?: readonly SuiteCondition[] };
}

/** An Event as the suite lists it. */
export interface SuiteEvent extends KubeObject {
  readonly type: string;
  readonly reason: string;
  readonly note?: string;
  readonly regarding: { readonly name: string };
}

/** Everything a verdict looks at, listed once per poll. */
export interface BadInputSnapshot {
  /** The CRs of the namespace. */
  readonly crs: readonly SuiteObject[];
  readonly events: readonly SuiteEvent[];
  /** The children of each of `childTypes`, by kind. */
  readonly children: ReadonlyMap<string, readonly SuiteObject[]>;
  /** CR uid → the children whose ownerReferences name it. */
  readonly owned: ReadonlyMap<string, readonly { readonly kind: string; readonly name: string }[]>;
}

/** Options of {@link runBadInputSuite}. */
export interface BadInputSuiteOptions<TCr extends KubeObject> {
  /** Creates CRs and Secrets, lists what the verdicts read, deletes each run's namespace. */
  readonly admin: Pick<Client, 'create' | 'list' | 'delete'>;
  /** A fresh namespace for one property run. */
  readonly createNamespace: () => Promise<string>;
  /** The CR's kind. */
  readonly crType: TypeMeta;
  /** The kinds of the CR's children, for {@link BadInputSnapshot.owned}. */
  readonly childTypes: readonly TypeMeta[];
  /** A valid CR; `tag` is unique per CR of a namespace, for names that must not collide between CRs. */
  readonly base: (namespace: string, name: string, tag: string) => TCr;
  /** One hostile case: 1 to 3 mutations (`hostileCaseOf(...)`). */
  readonly hostileCase: fc.Arbitrary<Mutation<TCr>[]>;
  /** Starts the operator for one run, watching only `namespace` and logging to `logger`. */
  readonly startOperator: (namespace: string, logger: Logger, signal: AbortSignal) => Promise<void>;
  /** Creates what the CRs reference before the operator starts (Secrets, ...). @default nothing */
  readonly prepare?: (namespace: string) => Promise<void>;
  /** Creates objects that go with the accepted CRs and the sentinel (last), e.g. dependent CRs. @default nothing */
  readonly companions?: (namespace: string, crs: readonly TCr[]) => Promise<void>;
  /** Why a CR that must converge has not yet (its children), or `undefined` once it has. */
  readonly converged: (cr: SuiteObject, children: readonly { kind: string; name: string }[]) => string | undefined;
  /** Checks once every case settled, e.g. that the secret did flow into a child (the scans are not vacuous). */
  readonly settled?: (namespace: string, world: BadInputSnapshot) => Promise<void>;
  /** More texts that must not hold the secret. @default none */
  readonly scans?: (namespace: string) => Promise<readonly { readonly what: string; readonly text: string }[]>;
  /** The secret as planted and as it may be encoded. */
  readonly secretForms: readonly string[];
  /** Property runs. @default 6 */
  readonly numRuns?: number;
  /** Hostile CRs per run (and one valid CR). @default 5 */
  readonly casesPerRun?: number;
  /** How long the cases of a run may take to settle. @default 20_000 */
  readonly settleTimeoutMs?: number;
}

/** Defaults of {@link BadInputSuiteOptions}. */
export const badInputSuiteDefaults = Object.freeze({ numRuns: 6, casesPerRun: 5, settleTimeoutMs: 20_000 });

interface Case<TCr extends KubeObject> {
  readonly cr: TCr;
  readonly mutations: readonly Mutation<TCr>[];
  readonly outcome: Outcome;
  readonly fields: readonly string[];
}

const conditionOf = (object: SuiteObject | undefined, type: string) =>
  object?.status?.conditions?.find((c) => c.type === type);
const names = (text: string | undefined, fields: readonly string[]) => fields.some((f) => text?.includes(f));
const nameOf = <TCr extends KubeObject>(c: Case<TCr>) => c.cr.metadata?.name ?? '';
const labelOf = <TCr extends KubeObject>(c: Case<TCr>) =>
  `${nameOf(c)} [${c.mutations.map((m) => m.label).join('; ')}]`;

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

async function snapshot(
  options: Pick<BadInputSuiteOptions<KubeObject>, 'admin' | 'crType' | 'childTypes'>,
  namespace: string,
): Promise<BadInputSnapshot> {
  const { admin, crType, childTypes } = options;
  const list = async <T extends KubeObject>(type: TypeMeta) => (await admin.list<T>(type, { namespace })).items;
  const [crs, events, ...lists] = await Promise.all([
    list<SuiteObject>(crType),
    list<SuiteEvent>({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }),
    ...childTypes.map((type) => list<SuiteObject>(type)),
  ]);
  const children = new Map(childTypes.map((type, i) => [type.kind, lists[i]!] as const));
  const owned = new Map<string, { kind: string; name: string }[]>();
  for (const [kind, objects] of children) {
    for (const child of objects) {
      for (const ref of child.metadata.ownerReferences ?? []) {
        owned.set(ref.uid, [...(owned.get(ref.uid) ?? []), { kind, name: child.metadata.name }]);
      }
    }
  }
  return { crs, events, children, owned };
}

/** Why a case has not settled yet, or `undefined`. */
function verdict<TCr extends KubeObject>(
  converged: BadInputSuiteOptions<TCr>['converged'],
  world: BadInputSnapshot,
  c: Case<TCr>,
) {
  const name = nameOf(c);
  const live = world.crs.find((cr) => cr.metadata.name === name);
  if (!live) return 'gone';
  if (live.status?.observedGeneration !== live.metadata.generation) return 'status.observedGeneration not current';
  const degraded = conditionOf(live, 'Degraded');
  if (c.outcome === 'valid') {
    if (degraded?.status !== 'False') return `Degraded is ${JSON.stringify(degraded)}`;
    return converged(live, world.owned.get(live.metadata.uid) ?? []);
  }
  if (degraded?.status !== 'True' || !names(degraded.message, c.fields)) {
    return `no Degraded condition naming ${JSON.stringify(c.fields)}: ${JSON.stringify(degraded)}`;
  }
  const warnings = world.events.filter((e) => e.regarding.name === name && e.type === 'Warning');
  if (!warnings.some((e) => names(e.note, c.fields))) {
    return `no Warning event naming ${JSON.stringify(c.fields)}: ${JSON.stringify(warnings.map((e) => e.note))}`;
  }
  return undefined;
}

/** Creates each case's CR; a refusal must be expected and name a field. Returns the accepted cases. */
async function createCases<TCr extends KubeObject>(
  admin: Pick<Client, 'create'>,
  cases: readonly Case<TCr>[],
): Promise<Case<TCr>[]> {
  const accepted: Case<TCr>[] = [];
  for (const c of cases) {
    const what = labelOf(c);
    const refusal = await admin.create(c.cr).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (refusal !== undefined && !isKubeApiError(refusal)) throw refusal;
    if (c.outcome !== 'refused') {
      check(refusal === undefined, `${what} must be accepted, got: ${refusal?.message}`);
      accepted.push(c);
      continue;
    }
    check(refusal !== undefined, `${what} must be refused`);
    check([400, 422].includes(refusal.code), `${what}: answered ${refusal.code}: ${refusal.message}`);
    check(names(refusal.message, c.fields), `${what}: "${refusal.message}" names none of ${c.fields.join(', ')}`);
  }
  return accepted;
}

function assertNoSecret(forms: readonly string[], what: string, text: string): void {
  for (const form of forms) check(!text.includes(form), `${what} holds the secret (${form})`);
}

/** One property run: the cases in a fresh namespace with their own operator, checked together. */
async function runBatch<TCr extends KubeObject>(
  options: BadInputSuiteOptions<TCr>,
  mutationSets: readonly (readonly Mutation<TCr>[])[],
  logs: MemoryLogger,
): Promise<void> {
  const { admin, settleTimeoutMs = badInputSuiteDefaults.settleTimeoutMs, secretForms } = options;
  const namespace = await options.createNamespace();
  await options.prepare?.(namespace);
  const run = startInBackground((signal) => options.startOperator(namespace, logs.logger, signal));
  try {
    const cases = mutationSets.map(
      (mutations, k): Case<TCr> => ({
        cr: mutate(options.base(namespace, `case-${k}`, `c${k}`), `c${k}`, mutations),
        mutations,
        ...expectationOf(mutations),
      }),
    );
    const accepted = await createCases(admin, cases);
    const sentinel: Case<TCr> = {
      cr: options.base(namespace, 'sentinel', 's'),
      mutations: [],
      outcome: 'valid',
      fields: [],
    };
    await admin.create(sentinel.cr);
    await options.companions?.(namespace, [...accepted.map((c) => c.cr), sentinel.cr]);
    const deadline = Date.now() + settleTimeoutMs;
    let world = await snapshot(options, namespace);
    let pending: string[] = [];
    for (;;) {
      pending = [...accepted, sentinel].flatMap((c) => {
        const why = verdict(options.converged, world, c);
        return why ? [`${labelOf(c)} (${c.outcome}): ${why}`] : [];
      });
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
      world = await snapshot(options, namespace);
    }
    check(pending.length === 0, `cases not settled in time:\n${pending.join('\n')}`);
    await options.settled?.(namespace, world);
    check(run.ended() === undefined, `the operator stopped on its own: ${run.ended()}`);
    assertNoSecret(secretForms, 'events', JSON.stringify(world.events));
    assertNoSecret(secretForms, `${options.crType.kind} status`, JSON.stringify(world.crs.map((c) => c.status)));
    for (const { what, text } of (await options.scans?.(namespace)) ?? []) assertNoSecret(secretForms, what, text);
  } finally {
    await run.stop();
    await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch(() => {});
  }
}

/**
 * Runs the suite: `numRuns` property runs of `casesPerRun` hostile CRs each, then checks that nothing was unhandled
 * and that the operator's logs and console output never held the secret. No fixed seed: a failure prints fast-check's
 * seed and path (replay with them); `endOnFailure`, since a shrink step is a whole namespace of API calls.
 * @throws Error naming the first case or check that failed.
 */
export async function runBadInputSuite<TCr extends KubeObject>(options: BadInputSuiteOptions<TCr>): Promise<void> {
  const { numRuns = badInputSuiteDefaults.numRuns, casesPerRun = badInputSuiteDefaults.casesPerRun } = options;
  const logs = createMemoryLogger();
  const consoleLines: string[] = [];
  const original = { warn: console.warn, error: console.error };
  for (const level of ['warn', 'error'] as const) {
    console[level] = (...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
      original[level](...args);
    };
  }
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  try {
    const cases = fc.array(options.hostileCase, { minLength: casesPerRun, maxLength: casesPerRun });
    await fc.assert(
      fc.asyncProperty(cases, (set) => runBatch(options, set, logs)),
      { numRuns, endOnFailure: true },
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    Object.assign(console, original);
  }
  check(unhandled.length === 0, `unhandled: ${unhandled.map(String).join('; ')}`);
  check(logs.count() > 0, 'the operator logged nothing, so the log scan would prove nothing');
  assertNoSecret(options.secretForms, 'operator logs', logs.text());
  assertNoSecret(options.secretForms, 'console', consoleLines.join('\n'));
}
