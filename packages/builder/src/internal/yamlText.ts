/**
 * A block-style YAML writer for JSON data: no dependency, no model classes, nothing dropped. Strings are written
 * plain only when no YAML 1.1 or 1.2 parser can read them as anything else; otherwise as JSON strings, which are
 * valid YAML double-quoted scalars.
 */

/** Words YAML 1.1 (kubectl's decoder) or 1.2 reads as booleans or null. */
const reserved = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);

/**
 * Plain only from a letter or `_`, then characters that never start a YAML indicator inside a block scalar: no `:`,
 * `#`, quotes, flow brackets or leading/trailing space; so no number, date, anchor, tag or comment can be read.
 */
const plain = /^[A-Za-z_][A-Za-z0-9_ ./()+=<>@-]*$/;

/**
 * The `yaml` library's YAML 1.1 float also matches an exponent with no mantissa (`E0`, `e+5`), read as NaN; quote
 * those too, though a spec-following parser reads them as strings.
 */
const bareExponent = /^[eE][-+]?[0-9]+$/;

// Characters YAML forbids raw even in double-quoted scalars (C0 and C1 controls, DEL, BOM, non-characters) and lone
// surrogates; JSON.stringify leaves all but the C0 controls as they are.
const unprintable =
  /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function scalarString(text: string): string {
  const ambiguous = text.endsWith(' ') || reserved.has(text.toLowerCase()) || bareExponent.test(text);
  if (plain.test(text) && !ambiguous) return text;
  return JSON.stringify(text).replace(unprintable, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalar(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return scalarString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** The lines of a non-empty collection at `indent`. */
function block(value: object, indent: string, path: string): string[] {
  const lines: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      if (item === undefined) throw new TypeError(`${itemPath}: undefined has no JSON form`);
      if (!isCollection(item) || isEmpty(item)) {
        lines.push(`${indent}- ${isCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item, itemPath)}`);
        return;
      }
      // The item's first line follows the dash; the rest align under it.
      const inner = block(item, `${indent}  `, itemPath);
      lines.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
    });
    return lines;
  }
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const childPath = `${path}.${key}`;
    const name = scalarString(key);
    if (!isCollection(child)) lines.push(`${indent}${name}: ${scalar(child, childPath)}`);
    else if (isEmpty(child)) lines.push(`${indent}${name}: ${Array.isArray(child) ? '[]' : '{}'}`);
    else lines.push(`${indent}${name}:`, ...block(child, `${indent}  `, childPath));
  }
  return lines;
}

/** One YAML document (no `---`), ending in a newline. */
export function yamlDocument(value: unknown): string {
  if (!isCollection(value)) return `${scalar(value, '<root>')}\n`;
  if (isEmpty(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  return `${block(value, '', '<root>').join('\n')}\n`;
}
