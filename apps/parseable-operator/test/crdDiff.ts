/**
 * What our CRD refuses or drops that the Go operator's CRD kept: both define `parseabletenants.parseable.io`, so only
 * one can be installed, and a tenant written for the Go CRD must still be accepted (or refused for a stated reason).
 */

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  [keyword: string]: unknown;
};

/** Keywords that refuse values. */
const refusing = ['enum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'pattern'] as const;

/** One way our schema is stricter: another type, a field only we require, a refusing keyword only we have, a field we prune. */
export interface CrdFinding {
  /** The field, e.g. `spec.nodes[].kind` (`[]` = any list item, `{}` = any map value). */
  readonly path: string;
  /** `type`, `required`, `pruned` or a refusing keyword (`enum`, `maxLength`, ...). */
  readonly keyword: string;
  readonly go: unknown;
  readonly dsoi: unknown;
}

/**
 * Walks the Go CRD's schema and ours side by side and returns every place where ours is stricter. Places where ours
 * is looser (new fields, a field no longer required) are not findings: the Go operator's tenants pass there.
 */
export function stricterThanGo(go: Schema, dsoi: Schema, path = ''): CrdFinding[] {
  const findings: CrdFinding[] = [];
  const at = (name: string) => (path ? `${path}.${name}` : name);
  if (go.type !== undefined && dsoi.type !== go.type) {
    findings.push({ path: path || '(root)', keyword: 'type', go: go.type, dsoi: dsoi.type });
  }
  for (const keyword of refusing) {
    if (dsoi[keyword] !== undefined && JSON.stringify(dsoi[keyword]) !== JSON.stringify(go[keyword])) {
      findings.push({ path: path || '(root)', keyword, go: go[keyword], dsoi: dsoi[keyword] });
    }
  }
  for (const name of dsoi.required ?? []) {
    if (!(go.required ?? []).includes(name))
      findings.push({ path: at(name), keyword: 'required', go: false, dsoi: true });
  }
  const keepsUnknown = dsoi['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [name, child] of Object.entries(go.properties ?? {})) {
    const ours = dsoi.properties?.[name];
    if (ours) findings.push(...stricterThanGo(child, ours, at(name)));
    else if (!keepsUnknown) findings.push({ path: at(name), keyword: 'pruned', go: 'kept', dsoi: 'pruned' });
  }
  if (go.items && dsoi.items) findings.push(...stricterThanGo(go.items, dsoi.items, `${path}[]`));
  if (typeof go.additionalProperties === 'object' && typeof dsoi.additionalProperties === 'object') {
    findings.push(...stricterThanGo(go.additionalProperties, dsoi.additionalProperties, `${path}{}`));
  }
  return findings;
}
