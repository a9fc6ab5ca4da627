/**
 * Which PinotSchema, PinotTable or PinotTenant manages an object in Pinot. Pinot has no owners, so the operator keeps
 * them: a CR owns what it created (or adopted with {@link adoptAnnotation}) and records it in `status.ownedInPinot`;
 * of several CRs naming the same object of the same cluster, the owner (else the oldest) manages it and the others
 * are refused. Only the owner ever updates or deletes the object, so one team's CR cannot overwrite or delete
 * another team's schema, table or tenant.
 */

import { isPathSafeName } from './pinotDocument.ts';
import { type RestKind, tableTypeOf } from './restKinds.ts';
import type { RestObject } from './restPass.ts';
import { parseJson } from './semanticJson.ts';

/** `"true"` on a CR lets it take over an object that already exists in Pinot and that no CR created. */
export const adoptAnnotation = 'dsoi.io/adopt';

/** The name a document gives the object in Pinot (`schemaName`, ...), if it is valid JSON with one. */
export function documentName(kind: RestKind, document: unknown): string | undefined {
  const parsed = parseJson(typeof document === 'string' ? document : undefined);
  if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const name = (parsed as Record<string, unknown>)[kind.nameKey];
  return typeof name === 'string' && name !== '' && isPathSafeName(name) ? name : undefined;
}

/**
 * What two CRs must not share: the name in Pinot, and for a table its type (the OFFLINE and REALTIME halves of a
 * hybrid table are two objects), for a tenant its role.
 */
export function pinotIdentity(kind: RestKind, name: string, spec: Record<string, unknown>): string {
  if (kind.type.kind === 'PinotTable') return `${name}_${tableTypeOf(spec) ?? 'ANY'}`;
  if (kind.type.kind === 'PinotTenant') return `${name}_${String(spec.pinotTenantType ?? '').toUpperCase()}`;
  return name;
}

/**
 * The name in Pinot this CR owns: `status.ownedInPinot`, else the name of the document it last pushed (a status
 * written by the Go operator or an earlier version, which created or took over that object).
 */
export function ownedName(kind: RestKind, object: RestObject): string | undefined {
  const owned = object.status?.ownedInPinot;
  if (typeof owned === 'string' && owned !== '') return owned;
  return documentName(kind, object.status?.[kind.currentField]);
}

/** Whether the CR carries {@link adoptAnnotation} `"true"`. */
export function mayAdopt(object: RestObject): boolean {
  return object.metadata.annotations?.[adoptAnnotation] === 'true';
}

const rank = (kind: RestKind, object: RestObject, name: string) =>
  [
    ownedName(kind, object) === name ? 0 : 1,
    (object.metadata as { creationTimestamp?: string }).creationTimestamp ?? '',
    object.metadata.name,
  ] as const;

function before(a: readonly [number, string, string], b: readonly [number, string, string]): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2];
}

/**
 * The CR that manages `name` of the cluster instead of `object`, or `undefined` when `object` does. Candidates are
 * the cached CRs of the same kind and namespace; those of another cluster, another identity or being deleted do not
 * count.
 */
export function managerOf(
  kind: RestKind,
  object: RestObject,
  name: string,
  candidates: readonly RestObject[],
): RestObject | undefined {
  const cluster = object.spec.pinotCluster;
  const identity = pinotIdentity(kind, name, object.spec);
  let best: RestObject = object;
  let bestRank = rank(kind, object, name);
  for (const other of candidates) {
    if (other.metadata.uid === object.metadata.uid || other.metadata.deletionTimestamp) continue;
    if (other.metadata.namespace !== object.metadata.namespace || other.spec.pinotCluster !== cluster) continue;
    const otherName = documentName(kind, other.spec[kind.documentField]);
    if (otherName === undefined || pinotIdentity(kind, otherName, other.spec) !== identity) continue;
    const otherRank = rank(kind, other, name);
    if (before(otherRank, bestRank)) {
      best = other;
      bestRank = otherRank;
    }
  }
  return best === object ? undefined : best;
}
