/**
 * The derived-name collision check of a DSOI mapping: two nodes whose names combine into the same child name
 * (`a-b` + `c` and `a` + `b-c`) would overwrite each other's children, so the spec is refused before any write.
 */
import type { ChildSpec } from '../children/reconcileChildren.js';
import type { SpecProblem } from './specProblems.js';

/** Options of {@link duplicateChildNames}. */
export interface DuplicateChildNamesOptions {
  /** The spec field the problem names. @default 'spec.nodes' */
  readonly field?: string;
  /**
   * Said after the name, e.g. how the name is derived and what to do: `(<node>-<k8sConfig>); rename one`.
   * @default '' (nothing)
   */
  readonly hint?: string;
}

/**
 * One problem per child whose kind and name an earlier child already has. Children meant to be shared (one
 * ConfigMap for the nodes of one config group) must be listed once.
 */
export function duplicateChildNames(
  children: readonly Pick<ChildSpec, 'object'>[],
  options: DuplicateChildNamesOptions = {},
): SpecProblem[] {
  const { field = 'spec.nodes', hint = '' } = options;
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  for (const { object } of children) {
    const key = `${object.kind}/${object.metadata?.name}`;
    if (seen.has(key)) {
      const message = `two nodes derive the same ${object.kind} name "${object.metadata?.name}"`;
      problems.push({ field, message: hint ? `${message} ${hint}` : message });
    }
    seen.add(key);
  }
  return problems;
}
