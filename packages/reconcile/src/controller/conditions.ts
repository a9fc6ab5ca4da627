/**
 * Status conditions done right: `lastTransitionTime` moves only when a condition's status changes, every condition
 * carries the `observedGeneration` it was computed from, and a status is written only when it differs.
 */

/** A status condition (the shape of `metav1.Condition`). */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  /** UpperCamelCase machine-readable reason. */
  readonly reason: string;
  /** Human-readable detail. */
  readonly message: string;
  readonly observedGeneration?: number;
  /** RFC 3339, seconds precision (as metav1.Time). */
  readonly lastTransitionTime: string;
}

/** A condition to set; `lastTransitionTime` is computed. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * Returns `conditions` with `input` set: a new type is appended, an existing one replaced in place. Its
 * `lastTransitionTime` is kept unless the status changed (then it is `now`). The input array is not changed.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: Date = new Date(),
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === input.type);
  const previous = index === -1 ? undefined : list[index];
  const lastTransitionTime =
    previous && previous.status === input.status ? previous.lastTransitionTime : toMetaTime(now);
  const next: Condition = { ...input, lastTransitionTime };
  if (index === -1) list.push(next);
  else list[index] = next;
  return list;
}

/** The condition of `type`, or `undefined`. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Whether the condition of `type` has status `True`. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** metav1.Time: RFC 3339 in UTC with seconds precision. */
export function toMetaTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
