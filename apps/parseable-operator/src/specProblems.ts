/**
 * Bad input, named: every problem of a ParseableTenant spec carries the field path, so the Warning event and the
 * `InvalidSpec` condition tell the user exactly what to fix (the Go operator panicked or silently did nothing).
 */
import { type ParseableTenantSpec, parseableTenantSpecSchema } from './schema.ts';

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

/**
 * Characters server-side apply cannot carry. The apply body is JSON sent as `application/apply-patch+yaml`, and the
 * API server's YAML decoder refuses DEL, the C1 controls but NEL, U+FFFE and U+FFFF when raw (JSON.stringify leaves
 * them raw) and lone surrogates when escaped ("control characters are not allowed": a BadRequest naming no field,
 * retried for ever). A create or merge patch (plain JSON) would take them.
 */
const unappliableCharacter = /[\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]|\p{Cs}/u;

function fieldOf(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Every string (and map key) under `value` holding a character server-side apply cannot carry, as problems named by
 * their path under `root`, except under the paths in `skip` (fields that never reach a child).
 */
export function unappliableTextProblems(value: unknown, root = 'spec', skip: readonly string[] = []): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const visit = (node: unknown, path: string) => {
    if (skip.includes(path)) return;
    if (typeof node === 'string') {
      const found = unappliableCharacter.exec(node)?.[0];
      if (found !== undefined) {
        const code = `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
        problems.push({
          field: path,
          message: `holds the character ${code}, which server-side apply cannot carry (its YAML decoder refuses it)`,
        });
      }
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${path}[${i}]`);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const field = fieldOf(path, key);
        if (unappliableCharacter.test(key)) visit(key, `${field} (key)`);
        visit(item, field);
      }
    }
  };
  visit(value, root);
  return problems;
}
