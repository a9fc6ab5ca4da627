/**
 * Field ownership on adoption: server-side apply removes only fields the applier owns, so fields another writer set
 * with a plain update (the operator this one replaces, `kubectl edit`) would stay in a child for ever, and look like
 * drift on every pass. Before writing such a child, their ownership moves to this operator's field manager (as
 * kubectl's client-side-apply upgrade does), so the one apply that follows removes the fields no longer desired.
 */

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly apiVersion?: string;
  readonly time?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: Record<string, unknown>;
  readonly subresource?: string;
}

type Fields = Record<string, unknown>;

function isEmpty(fields: Fields | undefined): boolean {
  return fields === undefined || Object.keys(fields).every((key) => key === '.');
}

function merge(a: Fields, b: Fields): Fields {
  const out: Fields = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] =
      mine !== null && typeof mine === 'object' && value !== null && typeof value === 'object'
        ? merge(mine as Fields, value as Fields)
        : value;
  }
  return out;
}

/** Options of {@link takeOverFields}. */
export interface TakeOverFieldsOptions {
  /** This operator's field manager (its client's). */
  readonly fieldManager: string;
  /** The child's apiVersion, recorded in a new Apply entry (field sets are per version). */
  readonly apiVersion: string;
  /** The time of a new entry. @default now */
  readonly now?: Date;
}

/**
 * The managed fields of `live` with every field that other managers set by update (not through a subresource), outside
 * `metadata` and `status`, moved to `fieldManager` as an Apply entry; `undefined` when there is nothing to move.
 * Metadata is left with its writers on purpose: controllers annotate objects they do not own (a Deployment's
 * `deployment.kubernetes.io/revision`), and status belongs to the workload controllers.
 */
export function takeOverFields(live: object, options: TakeOverFieldsOptions): ManagedFieldsEntry[] | undefined {
  const { fieldManager, apiVersion, now = new Date() } = options;
  const metadata = (live as { metadata?: { managedFields?: ManagedFieldsEntry[] } }).metadata;
  const entries = metadata?.managedFields ?? [];
  let taken: Fields = {};
  const kept: ManagedFieldsEntry[] = [];
  for (const entry of entries) {
    const foreign = entry.manager !== fieldManager && entry.operation === 'Update' && !entry.subresource;
    if (!foreign || !entry.fieldsV1) {
      kept.push(entry);
      continue;
    }
    const { 'f:metadata': metadata, 'f:status': status, ...rest } = entry.fieldsV1;
    if (isEmpty(rest)) {
      kept.push(entry);
      continue;
    }
    taken = merge(taken, rest);
    const left = { ...(metadata ? { 'f:metadata': metadata } : {}), ...(status ? { 'f:status': status } : {}) };
    if (!isEmpty(left)) kept.push({ ...entry, fieldsV1: left });
  }
  if (isEmpty(taken)) return undefined;
  const ours = kept.findIndex((e) => e.manager === fieldManager && e.operation === 'Apply' && !e.subresource);
  if (ours >= 0) {
    const entry = kept[ours]!;
    kept[ours] = { ...entry, fieldsV1: merge(entry.fieldsV1 ?? {}, taken) };
  } else {
    kept.push({
      manager: fieldManager,
      operation: 'Apply',
      apiVersion,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      fieldsType: 'FieldsV1',
      fieldsV1: taken,
    });
  }
  return kept;
}
