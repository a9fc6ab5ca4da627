/**
 * Segment reload of a PinotTable when its schema changed, done in the table's reconcile (the Go operator did it in
 * a watch predicate, with a 2 s sleep, a possibly stale status and a loop that stopped at the first table without
 * reload). The table remembers the schema it reloaded for (`status.reloadedSchema`); a schema change that Pinot
 * accepted since then triggers `POST /segments/{table}/reload`.
 */
import type { PinotRestStatus } from '../api/pinotRest.ts';
import { PinotRequestError, type PinotResponse } from './pinotHttpClient.ts';
import { tableTypeQuery } from './restKinds.ts';
import { parseJson, semanticJsonEqual } from './semanticJson.ts';

/** Finds the schema JSON Pinot last accepted for a schema name of a cluster (`status.currentSchemas.json`). */
export type SchemaLookup = (namespace: string, pinotCluster: string, schemaName: string) => string | undefined;

/** What a reload step decided. */
export interface ReloadResult {
  readonly status: PinotRestStatus;
  readonly event?: { readonly type: 'Normal' | 'Warning'; readonly reason: string; readonly note: string };
  readonly error?: Error;
}

/** Options of {@link reloadSegments}. */
export interface ReloadOptions {
  readonly object: { readonly metadata: { readonly namespace: string }; readonly spec: Record<string, unknown> };
  readonly status: PinotRestStatus;
  readonly schemaLookup: SchemaLookup;
  readonly call: (what: string, method: 'POST', path: string, body?: string) => Promise<PinotResponse>;
  readonly tableName: string;
}

const keptReloads = 10;

/**
 * The schema a table config uses: `segmentsConfig.schemaName`, else its `tableName` (Pinot's own fallback). Both the
 * reload and the schema watch that wakes tables use this, so a table naming its schema only through `tableName`
 * reloads on the schema's event, not a `RECONCILE_WAIT` later. `undefined` for a document that is not a table config.
 */
export function schemaNameOfTable(tablesJson: string): string | undefined {
  const table = parseJson(tablesJson) as { tableName?: unknown; segmentsConfig?: { schemaName?: unknown } } | undefined;
  if (table === undefined || typeof table !== 'object' || table === null) return undefined;
  const named = table.segmentsConfig?.schemaName;
  if (typeof named === 'string' && named !== '') return named;
  return typeof table.tableName === 'string' && table.tableName !== '' ? table.tableName : undefined;
}

/** Reloads the table's segments when the schema Pinot holds changed since the last reload. */
export async function reloadSegments(options: ReloadOptions): Promise<ReloadResult> {
  const { object, schemaLookup, call, tableName } = options;
  const status = { ...options.status };
  const schemaName = schemaNameOfTable(String(object.spec['tables.json'] ?? '')) ?? tableName;
  const schema = schemaLookup(object.metadata.namespace, String(object.spec.pinotCluster ?? ''), schemaName);
  if (schema === undefined) return { status };
  // The first sighting is the baseline: nothing changed yet.
  if (status.reloadedSchema === undefined) return { status: { ...status, reloadedSchema: schema } };
  if (semanticJsonEqual(status.reloadedSchema, schema)) return { status };
  let response: PinotResponse;
  try {
    response = await call(
      'reload',
      'POST',
      `/segments/${encodeURIComponent(tableName)}/reload${tableTypeQuery(object.spec)}`,
    );
  } catch (err) {
    if (!(err instanceof PinotRequestError)) throw err;
    // No answer (a timeout, a reset): Pinot may have run the reload. POST /reload is not idempotent, so it is
    // recorded as done for this schema and never sent again for it; a Warning says the outcome is unknown.
    const note = `reload of ${tableName} after a change of schema ${schemaName}: ${err.message}; the reload may have run, so it is not sent again for this schema (reload by hand if it did not)`;
    return {
      status: {
        ...status,
        reloadedSchema: schema,
        type: 'PinotTableReloadAllSegmentsUnknown',
        message: 'PinotTableReloadAllSegmentsUnknown',
        status: 'Unknown',
        reason: err.message.slice(0, 1024),
      },
      event: { type: 'Warning', reason: 'PinotTableReloadAllSegmentsUnknown', note },
    };
  }
  if (response.status < 200 || response.status >= 300) {
    const note = `reload of ${tableName} after a change of schema ${schemaName}: HTTP ${response.status}: ${response.body.slice(0, 300)}`;
    return {
      status: {
        ...status,
        type: 'PinotTableReloadAllSegmentsFail',
        message: 'PinotTableReloadAllSegmentsFail',
        status: 'False',
        reason: response.body.slice(0, 1024),
      },
      event: { type: 'Warning', reason: 'PinotTableReloadAllSegmentsFail', note },
      error: new Error(note),
    };
  }
  return {
    status: {
      ...status,
      reloadedSchema: schema,
      reloadStatus: [...(status.reloadStatus ?? []), response.body.slice(0, 1024)].slice(-keptReloads),
    },
    event: {
      type: 'Normal',
      reason: 'PinotTableReloadAllSegments',
      note: `reloaded the segments of ${tableName} after a change of schema ${schemaName}`,
    },
  };
}
