/**
 * Canonical JSON: one byte-exact text per value, so that equal values hash equally in every process and platform.
 *
 * The rules follow RFC 8785 (JCS) where it matters to us: object keys sorted by UTF-16 code units at every depth,
 * numbers printed as ECMAScript does, no whitespace. Values that JSON cannot carry faithfully are refused instead of
 * silently changed, because a hash over a lossy encoding would call two different values equal.
 */

/**
 * Encodes `value` as canonical JSON.
 *
 * - Object keys are sorted (UTF-16 code unit order) at every depth; arrays keep their order.
 * - Object members whose value is `undefined` are dropped, as `JSON.stringify` does.
 * - `toJSON()` is honoured (so `Date` becomes its ISO string), as `JSON.stringify` does.
 *
 * @throws TypeError naming the path (for example `$.spec.replicas`) for a function, symbol, BigInt, NaN, ±Infinity,
 *   a cycle, a `Map`/`Set`, or `undefined` inside an array (JSON would turn it into `null`).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out, new Set());
  return out.join('');
}

function write(value: unknown, path: string, out: string[], ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
      out.push(JSON.stringify(value));
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      writeObject(value, path, out, ancestors);
      return;
    default:
      // undefined at the top level or inside an array, function, symbol, bigint.
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot represent`);
  }
}

function writeObject(value: object, path: string, out: string[], ancestors: Set<object>): void {
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    write((withToJson.toJSON as () => unknown).call(value), path, out, ancestors);
    return;
  }
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
    throw new TypeError(`canonicalJson: ${path} is a ${value.constructor.name}, which JSON would encode as {}`);
  }
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: ${path} refers back to one of its parents (a cycle)`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], `${path}[${i}]`, out, ancestors);
    }
    out.push(']');
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      write(member, memberPath(path, key), out, ancestors);
    }
    out.push('}');
  }
  ancestors.delete(value);
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function memberPath(path: string, key: string): string {
  return identifier.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
