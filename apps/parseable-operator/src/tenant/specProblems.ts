/**
 * Bad input, named: every problem of a ParseableTenant spec carries the field path, so the Warning event and the
 * `InvalidSpec` condition tell the user exactly what to fix (the Go operator panicked or silently did nothing).
 */
import { type ParseableTenantSpec, parseableTenantSpecSchema } from '../api/parseableTenant.ts';

/** One problem of a tenant's spec. */
export interface SpecProblem {
  /** The field path, e.g. `spec.nodes[1].k8sConfig`. */
  readonly field: string;
  /** What is wrong and what is expected. */
  readonly message: string;
}

/** Thrown by {@link parseTenantSpec} and the desired-children builder for a spec they cannot turn into children. */
export class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  readonly problems: readonly SpecProblem[];
  constructor(problems: readonly SpecProblem[]) {
    super(describeProblems(problems));
    this.problems = problems;
  }
}

/**
 * Checks a tenant's `spec` (objects stored before a CRD change, or with the CRD's validation bypassed, may not match).
 * @throws InvalidSpecError listing every schema violation with its path.
 */
export function parseTenantSpec(value: unknown): ParseableTenantSpec {
  const result = parseableTenantSpecSchema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidSpecError(
    result.error.issues.map((issue) => ({
      field: ['spec', ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))].join(
        '',
      ),
      message: issue.message,
    })),
  );
}

/** One line for events and conditions: the first `max` problems, then how many more. */
export function describeProblems(problems: readonly SpecProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `${p.field}: ${p.message}`);
  return problems.length > max ? `${shown.join('; ')}; and ${problems.length - max} more` : shown.join('; ');
}
