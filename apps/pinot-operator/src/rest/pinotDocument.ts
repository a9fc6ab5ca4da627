/**
 * Reads the JSON document of a PinotSchema, PinotTable or PinotTenant spec: a JSON object no deeper than Pinot's own
 * documents get, naming the object with a string that stays one URL path segment.
 */
import { InvalidSpecError } from '@dsoi/reconcile/dsoi';
import { parseJson } from './semanticJson.ts';

/**
 * How deep a document may nest. Pinot's schema, table and tenant configs nest a few levels; the comparison with
 * what Pinot last accepted recurses once per level and overflowed the stack at a few thousand levels, failing
 * every reconcile of the object without saying why.
 */
export const maxDocumentDepth = 64;

/** The nesting depth of a parsed JSON value (0 for a scalar), counted without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > maxDocumentDepth) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The name a document gives the object in Pinot (its `nameKey`), or the problems, reported on `field`.
 * `.` and `..` are refused: a URL parser reads `/tables/..` as `/` (percent-encoded or not), so a GET, PUT or DELETE
 * of that object would go to the controller's root.
 * @throws InvalidSpecError naming `field`
 */
export function readPinotDocument(document: string, nameKey: string, field: string): { name: string } {
  const parsed = parseJson(document);
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidSpecError([{ field, message: 'must be a JSON object' }]);
  }
  if (jsonDepth(parsed) > maxDocumentDepth) {
    throw new InvalidSpecError([{ field, message: `must not nest deeper than ${maxDocumentDepth} levels` }]);
  }
  const name = (parsed as Record<string, unknown>)[nameKey];
  if (typeof name !== 'string' || name === '') {
    throw new InvalidSpecError([{ field, message: `must have a non-empty string "${nameKey}"` }]);
  }
  if (!isPathSafeName(name)) {
    throw new InvalidSpecError([{ field, message: `"${nameKey}" must not be "." or ".."` }]);
  }
  return { name };
}

/** Whether `name`, percent-encoded, stays one path segment: not `.` or `..`. */
export function isPathSafeName(name: string): boolean {
  return name !== '.' && name !== '..';
}
