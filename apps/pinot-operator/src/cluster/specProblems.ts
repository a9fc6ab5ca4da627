/**
 * Validation the CRD schema cannot express, or that objects stored before a schema change may miss. Each problem
 * names the field, so the Warning event and the status condition tell the user exactly what to fix.
 */
import type { ZodType } from 'zod';

/** One problem of a custom resource's spec. */
export interface SpecProblem {
  /** The field path, e.g. `spec.nodes[1].k8sConfig`. */
  readonly field: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** Thrown by the desired-state builders for a spec they cannot turn into children. */
export class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  readonly problems: readonly SpecProblem[];
  constructor(problems: readonly SpecProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.problems = problems;
  }
}

/** Parses `value` with a zod schema; on failure, the issues as problems under `root`. */
export function parseSpec<T>(schema: ZodType<T>, value: unknown, root = 'spec'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidSpecError(
    result.error.issues.map((issue) => ({
      field: [root, ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))].join(
        '',
      ),
      message: issue.message,
    })),
  );
}

/** One line for events and conditions: the first problems, then how many more. */
export function describeProblems(problems: readonly SpecProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `${p.field}: ${p.message}`);
  return problems.length > max ? `${shown.join('; ')}; and ${problems.length - max} more` : shown.join('; ');
}
