/**
 * Bad input, named: every problem of a custom resource's spec carries its field path, so the Warning Event and the
 * `InvalidSpec` condition tell the user exactly what to fix instead of a stack trace or silence.
 */

/** One problem of a custom resource's spec. */
export interface SpecProblem {
  /** The field path, e.g. `spec.nodes[1].k8sConfig`. */
  readonly field: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/**
 * Thrown by an app's parse or desired-state mapping for a spec it cannot turn into children; the DSOI reconciler
 * turns it into a Warning Event and an `InvalidSpec` condition, and does not retry until the spec changes.
 */
export class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  /** Every problem found, each naming its field. */
  readonly problems: readonly SpecProblem[];
  constructor(problems: readonly SpecProblem[]) {
    super(describeProblems(problems));
    this.problems = problems;
  }
}

/**
 * What {@link parseSpec} needs of a schema: zod's `safeParse` (v3 and v4 both fit), so this package does not depend
 * on zod.
 */
export interface SpecSchema<TSpec> {
  /** Validates `value`: the parsed spec, or the issues with their paths. */
  safeParse(value: unknown):
    | { readonly success: true; readonly data: TSpec }
    | {
        readonly success: false;
        readonly error: {
          readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
        };
      };
}

/** `['nodes', 1, 'name']` under `spec` → `spec.nodes[1].name`. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  return [root, ...path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))].join('');
}

/**
 * Parses `value` with a zod-style schema (objects stored before a CRD change, or with its validation bypassed, may
 * not match it).
 * @throws InvalidSpecError listing every schema violation with its path under `root`.
 */
export function parseSpec<TSpec>(schema: SpecSchema<TSpec>, value: unknown, root = 'spec'): TSpec {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidSpecError(
    result.error.issues.map((issue) => ({ field: fieldPath(root, issue.path), message: issue.message })),
  );
}

/** One line for Events and conditions: the first `max` problems, then how many more. */
export function describeProblems(problems: readonly SpecProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `${p.field}: ${p.message}`);
  return problems.length > max ? `${shown.join('; ')}; and ${problems.length - max} more` : shown.join('; ');
}
