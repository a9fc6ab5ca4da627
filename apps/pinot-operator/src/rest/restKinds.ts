/**
 * What differs between PinotSchema, PinotTable and PinotTenant: their JSON field, the key that names the object in
 * Pinot, the REST paths (the Go operator's), how "missing" looks, the finalizer and the status field.
 */
import type { TypeMeta } from '@dsoi/object';
import type { ZodType } from 'zod';
import { pinotApiVersion } from '../api/common.ts';
import { pinotSchemaSpecSchema, pinotTableSpecSchema, pinotTenantSpecSchema } from '../api/pinotRest.ts';
import type { PinotResponse } from './pinotHttpClient.ts';
import { parseJson } from './semanticJson.ts';

/** The REST behaviour of one kind. */
export interface RestKind {
  readonly type: TypeMeta & { readonly kind: 'PinotSchema' | 'PinotTable' | 'PinotTenant' };
  /** zod schema of `spec`. */
  readonly specSchema: ZodType<Record<string, unknown>>;
  /** The spec field holding the JSON document, e.g. `schema.json`. */
  readonly documentField: string;
  /** The status field remembering the document Pinot accepted last, e.g. `currentSchemas.json`. */
  readonly currentField: string;
  /** The key of the document that names the object in Pinot, e.g. `schemaName`. */
  readonly nameKey: string;
  /** The Go finalizer name, kept. */
  readonly finalizer: string;
  /** The Go operator's ignore annotation (`"true"` = do not reconcile), still honoured. */
  readonly legacyIgnoreAnnotation: string;
  /** Prefix of the status `type` codes and Event reasons, e.g. `PinotSchemaController`. */
  readonly codePrefix: string;
  /** The GET of one object; `spec` gives the table type (a hybrid table is two Pinot tables of one name). */
  readonly getPath: (name: string, spec: Record<string, unknown>) => string;
  readonly createPath: () => string;
  readonly updatePath: (name: string) => string;
  readonly deletePath: (name: string, spec: Record<string, unknown>) => string;
  /** Whether a GET answer means "exists"; `undefined` for an answer that is neither yes nor no (an error). */
  readonly exists: (response: PinotResponse, spec: Record<string, unknown>) => boolean | undefined;
}

const byStatus = (response: PinotResponse) =>
  response.status === 200 ? true : response.status === 404 ? false : undefined;

/**
 * The Pinot type of a PinotTable: the `tableType` of its `tables.json` (what Pinot creates), else `spec.pinotTableType`
 * (upper-cased); `undefined` when neither is OFFLINE or REALTIME (`hybrid`).
 */
export function tableTypeOf(spec: Record<string, unknown>): 'OFFLINE' | 'REALTIME' | undefined {
  const document = parseJson(String(spec['tables.json'] ?? '')) as { tableType?: unknown } | undefined;
  for (const candidate of [document?.tableType, spec.pinotTableType]) {
    const type = String(candidate ?? '').toUpperCase();
    if (type === 'OFFLINE' || type === 'REALTIME') return type;
  }
  return undefined;
}

/** The `?type=` of a table call (see {@link tableTypeOf}); none when the type is unknown. */
export function tableTypeQuery(spec: Record<string, unknown>): string {
  const type = tableTypeOf(spec);
  return type ? `?type=${type}` : '';
}

const enc = encodeURIComponent;

/** What a kind states for {@link restKind}; the paths not given are the collection's: `/<collection>[/<name>]`. */
type RestKindSpec = Pick<RestKind, 'documentField' | 'currentField' | 'nameKey'> &
  Partial<Pick<RestKind, 'getPath' | 'updatePath' | 'deletePath' | 'exists'>> & {
    readonly kind: RestKind['type']['kind'];
    readonly collection: string;
    readonly specSchema: ZodType;
  };

/**
 * A REST kind: its type, finalizer, ignore annotation and code prefix follow from the kind's name (the Go operator's
 * `<kind lower-case>.datainfra.io/finalizer`, `.../reconcile` and `<Kind>Controller`), its paths from the collection.
 */
function restKind({ kind, collection, specSchema, ...spec }: RestKindSpec): RestKind {
  const one = (name: string) => `/${collection}/${enc(name)}`;
  return {
    type: { apiVersion: pinotApiVersion, kind },
    specSchema: specSchema as ZodType<Record<string, unknown>>,
    finalizer: `${kind.toLowerCase()}.datainfra.io/finalizer`,
    legacyIgnoreAnnotation: `${kind.toLowerCase()}.datainfra.io/reconcile`,
    codePrefix: `${kind}Controller`,
    getPath: one,
    createPath: () => `/${collection}`,
    updatePath: one,
    deletePath: one,
    exists: byStatus,
    ...spec,
  };
}

/** PinotSchema: `/schemas`. */
export const schemaKind = restKind({
  kind: 'PinotSchema',
  collection: 'schemas',
  specSchema: pinotSchemaSpecSchema,
  documentField: 'schema.json',
  currentField: 'currentSchemas.json',
  nameKey: 'schemaName',
});

/**
 * PinotTable: `/tables`. Pinot answers `GET /tables/{name}?type=T` with `{"T": config}`, or 200 and `{}` when that
 * type is missing (older versions: 404). Without `?type=` it answers with every type of that name, so the second
 * half of a hybrid table (OFFLINE + REALTIME) looked existing and its PUT failed for ever (the Go operator's GET).
 */
export const tableKind = restKind({
  kind: 'PinotTable',
  collection: 'tables',
  specSchema: pinotTableSpecSchema,
  documentField: 'tables.json',
  currentField: 'currentTable.json',
  nameKey: 'tableName',
  getPath: (name, spec) => `/tables/${enc(name)}${tableTypeQuery(spec)}`,
  deletePath: (name, spec) => `/tables/${enc(name)}${tableTypeQuery(spec)}`,
  exists: (response, spec) => {
    if (response.status === 404) return false;
    if (response.status !== 200) return undefined;
    const body = parseJson(response.body);
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const type = tableTypeOf(spec);
    return type === undefined ? Object.keys(body).length > 0 : type in body;
  },
});

/** PinotTenant: `/tenants`; an update is a PUT on the collection, as in the Go operator. */
export const tenantKind = restKind({
  kind: 'PinotTenant',
  collection: 'tenants',
  specSchema: pinotTenantSpecSchema,
  documentField: 'tenants.json',
  currentField: 'currentTenants.json',
  nameKey: 'tenantName',
  updatePath: () => '/tenants',
  deletePath: (name, spec) => `/tenants/${enc(name)}?type=${enc(String(spec.pinotTenantType ?? '').toUpperCase())}`,
});
