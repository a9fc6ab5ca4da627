/**
 * The planted-secret scan: a test stores a unique value in a Secret (or a CR's credential field), runs the operator,
 * and then searches everything a namespace reader or a log reader sees (children, status, Events, log lines) for
 * that value in the forms it could leak in.
 */

/** Where a planted value showed up. */
export interface PlantedSecretHit {
  /** The place given to {@link findPlantedSecrets}, e.g. `ConfigMap pinot/x` or `operator logs`. */
  readonly where: string;
  /** The path inside it (`data.P_PASSWORD`, `spec.template.spec.containers[0].env[1].value`); '' for plain text. */
  readonly path: string;
  /** The form that matched (the value itself, or an encoding of it). */
  readonly form: string;
}

/** One place to search: any JSON-like value (an object, a list of objects, a log text). */
export interface PlantedSecretPlace {
  readonly where: string;
  readonly value: unknown;
}

/**
 * The forms a planted value leaks in: as is, base64 (a Secret's `data`, a dump), base64url, and hex; each at least
 * as long as the value, so a short plant would not match by chance. Add others (a basic-auth header) yourself.
 */
export function plantedSecretForms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [value, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].filter(
    (form, i, all) => all.indexOf(form) === i,
  );
}

/**
 * Every string (object keys included) in `places` that contains one of `forms` (the first that matches), or that is
 * base64 of a text containing one (path suffix ` (base64-decoded)`), with where and at which path.
 * An empty result is the passing outcome of a scan.
 */
export function findPlantedSecrets(
  places: readonly PlantedSecretPlace[],
  forms: readonly string[],
): PlantedSecretHit[] {
  const hits: PlantedSecretHit[] = [];
  const visit = (where: string, value: unknown, path: string, seen: Set<unknown>): void => {
    if (typeof value === 'string') {
      // One hit per string: unpadded base64url is a prefix of padded base64, so both would match one leak.
      const form = forms.find((f) => value.includes(f));
      if (form !== undefined) hits.push({ where, path, form });
      else {
        // A value encoded with text around it (a Secret's file) holds no encoded form of the value alone.
        const decoded = decodedBase64(value);
        const inside = decoded === undefined ? undefined : forms.find((f) => decoded.includes(f));
        if (inside !== undefined) hits.push({ where, path: `${path} (base64-decoded)`, form: inside });
      }
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const [i, child] of value.entries()) visit(where, child, `${path}[${i}]`, seen);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      visit(where, key, `${childPath} (key)`, seen);
      visit(where, child, childPath, seen);
    }
  };
  for (const place of places) visit(place.where, place.value, '', new Set());
  return hits;
}

/** The text a base64 string encodes, or `undefined` when `text` is not one (too short, other characters). */
function decodedBase64(text: string): string | undefined {
  if (text.length < 8 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}
