/** The spec problems a desired-state mapping refuses a CR with, for unit tests of an operator's mapping. */
import { InvalidSpecError, type SpecProblem } from '../dsoi/specProblems.js';

/**
 * The problems `build()` refuses its spec with (the `problems` of the `InvalidSpecError` it throws), or `[]` when it
 * does not throw; any other error is thrown again.
 */
export function invalidSpecProblems(build: () => unknown): readonly SpecProblem[] {
  try {
    build();
  } catch (err) {
    if (err instanceof InvalidSpecError) return err.problems;
    throw err;
  }
  return [];
}
