/** Checks a list of names that must be valid and distinct (volumes, containers, claim templates, ports). */
import { BuilderValidationError } from '../errors.js';
import { validateDns1123Label } from '../validation.js';

/** One name to check, with the field path that names it in errors. */
export interface NamedItem {
  readonly name: unknown;
  readonly field: string;
}

/**
 * Checks that every name is a DNS-1123 label and that no name repeats; returns the set of names.
 * @param what - what the names are, for the message: `volume`, `container`, ...
 */
export function checkUniqueNames(items: readonly NamedItem[], what: string): Set<string> {
  const seen = new Map<string, string>();
  for (const item of items) {
    const name = validateDns1123Label(item.name as string, item.field);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new BuilderValidationError(item.field, 'unique', name, `the ${what} name is already used by ${first}`);
    }
    seen.set(name, item.field);
  }
  return new Set(seen.keys());
}
