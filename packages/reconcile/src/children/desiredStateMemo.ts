/**
 * Remembers what a reconcile derived from inputs that have not changed, so a periodic re-check of a converged object
 * neither rebuilds nor rehashes its desired children. Desired children are kept by the inputs they were built from;
 * stamped children and plans by object instance: the cache holds each object frozen and replaces it (a new instance)
 * when the server changes it, so the same live instance means the same live state.
 */

import { type HashAnnotationOptions, stampHash } from '@dsoi/hash';
import type { KubeObject } from '@dsoi/object';

/** Options of {@link createDesiredStateMemo}. */
export interface DesiredStateMemoOptions {
  /**
   * Stamps the desired-state hash on a child (the seam a test counts hashing through). @default stampHash of
   * `@dsoi/hash`
   */
  readonly stamp?: (object: KubeObject, options: HashAnnotationOptions) => KubeObject;
}

/**
 * What a reconciler remembers between passes; give one to `reconcileChildren` (and to `createDsoiReconciler`, which
 * makes its own by default). Stamps and plans are held weakly (a desired child no longer desired takes them with
 * it); desired states are held by name until forgotten.
 */
export interface DesiredStateMemo {
  /**
   * The desired state of the object named `name` (e.g. `namespace/name`): `compute()` again only when `inputs`
   * changes. `inputs` must cover everything `compute` reads (for a custom resource: uid, generation, labels and
   * annotations), so a status write, which makes a new object instance, does not rebuild its children.
   */
  desired<TResult>(name: string, inputs: string, compute: () => TResult): TResult;
  /** Forgets the desired state of `name` (its object was deleted). */
  forget(name: string): void;
  /** A desired child with its ownership and hash: `make()` once per `child` instance, again only when `key` changes. */
  stamped(child: object, key: string, make: () => KubeObject): KubeObject;
  /**
   * The plan of a desired child against its live object: `make()` again only when the live instance (the cache
   * replaces it on every change) or `key` changes.
   */
  planned<TPlan>(child: object, key: string, live: KubeObject | undefined, make: () => TPlan): TPlan;
  /** Stamps `object` with its desired-state hash (the `stamp` option); not remembered by itself. */
  stamp(object: KubeObject, options: HashAnnotationOptions): KubeObject;
  /**
   * The last quiet pass (no write, no delete, no Event) of `reconcileChildren` over the desired list `children` (the
   * same instance) for `key` (the owner's uid, ...): what it read and its report, or `undefined`.
   */
  lastQuietPass<TPass>(children: object, key: string): TPass | undefined;
  /** Remembers the pass over `children` for `key` (held as long as `children`); `undefined` forgets it. */
  rememberQuietPass(children: object, key: string, pass: unknown): void;
}

/** Creates an empty {@link DesiredStateMemo}. */
export function createDesiredStateMemo(options: DesiredStateMemoOptions = {}): DesiredStateMemo {
  const { stamp = stampHash } = options;
  // By name, not weakly: a deleted object is forgotten through `forget`.
  const desired = new Map<string, { inputs: string; result: unknown }>();
  const stamped = new WeakMap<object, { key: string; object: KubeObject }>();
  const planned = new WeakMap<object, { key: string; live: KubeObject | undefined; plan: unknown }>();
  const quietPasses = new WeakMap<object, { key: string; pass: unknown }>();
  return {
    desired<TResult>(name: string, inputs: string, compute: () => TResult): TResult {
      const slot = desired.get(name);
      if (slot !== undefined && slot.inputs === inputs) return slot.result as TResult;
      const result = compute();
      desired.set(name, { inputs, result });
      return result;
    },
    forget: (name) => {
      desired.delete(name);
    },
    stamped(child, key, make) {
      const slot = stamped.get(child);
      if (slot !== undefined && slot.key === key) return slot.object;
      const object = make();
      stamped.set(child, { key, object });
      return object;
    },
    planned<TPlan>(child: object, key: string, live: KubeObject | undefined, make: () => TPlan): TPlan {
      const slot = planned.get(child);
      if (slot !== undefined && slot.key === key && slot.live === live) return slot.plan as TPlan;
      const plan = make();
      planned.set(child, { key, live, plan });
      return plan;
    },
    stamp: (object, hashOptions) => stamp(object, hashOptions),
    lastQuietPass<TPass>(children: object, key: string): TPass | undefined {
      const slot = quietPasses.get(children);
      return slot !== undefined && slot.key === key ? (slot.pass as TPass) : undefined;
    },
    rememberQuietPass(children, key, pass) {
      if (pass === undefined) quietPasses.delete(children);
      else quietPasses.set(children, { key, pass });
    },
  };
}
