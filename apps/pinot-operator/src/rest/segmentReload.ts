/**
 * Segment reload of a PinotTable when its schema changed, done in the table's reconcile (the Go operator did it in
 * a watch predicate, with a 2 s sleep, a possibly stale status and a loop that stopped at the first table without
 * reload). The table remembers the schema it reloaded for (`status.reloadedSchema`); a schema change that Pinot
 * accepted since then triggers `POST /segments/{table}/reload`, once: `status.reloadingSchema` is stored first.
 */
import { randomUUID } from 'node:crypto';
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
  /**
   * Stores `status` (holding `reloadingSchema`) on the server before the reload is sent; must reject when it cannot
   * tell that the write landed, or when the object changed since it was read.
   */
  readonly recordIntent: (status: PinotRestStatus) => Promise<void>;
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

/** The status fields of a reload in flight, cleared: no mark, no request id. */
const noReloadInFlight = { reloadingSchema: null, reloadRequestId: null } as const;

/**
 * Reloads the table's segments when the schema Pinot holds changed since the last reload, at most once per schema.
 *
 * Guarantees: `POST /reload` (not idempotent) is sent only after `recordIntent` stored `reloadingSchema` on the
 * server, guarded by the object's resourceVersion (a stale pass or a deposed leader gets a Conflict and sends
 * nothing). A pass that finds that mark for the current schema (the answer was lost, the status write after it was
 * lost, or the leader died in between) reports the outcome as unknown and does not send the reload again.
 * Caveat: at most once, not exactly once: a mark whose reload never left is reported unknown too.
 */
export async function reloadSegments(options: ReloadOptions): Promise<ReloadResult> {
  const { object, schemaLookup, call, tableName, recordIntent } = options;
  const status = { ...options.status };
  const schemaName = schemaNameOfTable(String(object.spec['tables.json'] ?? '')) ?? tableName;
  const schema = schemaLookup(object.metadata.namespace, String(object.spec.pinotCluster ?? ''), schemaName);
  if (schema === undefined) return { status };
  // The first sighting is the baseline: nothing changed yet.
  if (status.reloadedSchema === undefined) return { status: { ...status, reloadedSchema: schema } };
  if (semanticJsonEqual(status.reloadedSchema, schema)) return { status: { ...status, ...noReloadInFlight } };
  const what = `reload of ${tableName} after a change of schema ${schemaName}`;
  if (typeof status.reloadingSchema === 'string' && semanticJsonEqual(status.reloadingSchema, schema)) {
    return unknownOutcome(status, schema, what, 'requested before and its outcome was never recorded');
  }
  await recordIntent({ ...status, reloadingSchema: schema, reloadRequestId: randomUUID() });
  let response: PinotResponse;
  try {
    response = await call(
      'reload',
      'POST',
      `/segments/${encodeURIComponent(tableName)}/reload${tableTypeQuery(object.spec)}`,
    );
  } catch (err) {
    if (!(err instanceof PinotRequestError)) throw err;
    return unknownOutcome(status, schema, what, err.message);
  }
  if (response.status < 200 || response.status >= 300) {
    // Pinot refused it: nothing ran, so the mark goes and the reload is tried again.
    const note = `${what}: HTTP ${response.status}: ${response.body.slice(0, 300)}`;
    return {
      status: {
        ...status,
        ...noReloadInFlight,
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
      ...noReloadInFlight,
      reloadStatus: [...(status.reloadStatus ?? []), response.body.slice(0, 1024)].slice(-keptReloads),
    },
    event: {
      type: 'Normal',
      reason: 'PinotTableReloadAllSegments',
      note: `reloaded the segments of ${tableName} after a change of schema ${schemaName}`,
    },
  };
}

/**
 * No answer (a timeout, a reset), or a mark left by an earlier pass: Pinot may have run the reload. POST /reload is
 * not idempotent, so it is recorded as done for this schema and never sent again for it; a Warning says so.
 */
function unknownOutcome(status: PinotRestStatus, schema: string, what: string, reason: string): ReloadResult {
  const note = `${what}: ${reason}; the reload may have run, so it is not sent again for this schema (reload by hand if it did not)`;
  return {
    status: {
      ...status,
      reloadedSchema: schema,
      ...noReloadInFlight,
      type: 'PinotTableReloadAllSegmentsUnknown',
      message: 'PinotTableReloadAllSegmentsUnknown',
      status: 'Unknown',
      reason: reason.slice(0, 1024),
    },
    event: { type: 'Warning', reason: 'PinotTableReloadAllSegmentsUnknown', note },
  };
}
