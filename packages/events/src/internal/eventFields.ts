/** Validation and formatting of Event fields, following the API server's `events.k8s.io/v1` validation. */
import { randomBytes } from 'node:crypto';
import type { ObjectRef } from '@dsoi/object';
import { InvalidEventError, type InvalidEventField } from '../errors.js';
import type { EventRecord } from '../standardEvents.js';

// Limits of k8s.io/kubernetes pkg/apis/core/validation/events.go (Go len(), so bytes for the note).
const reasonMaxLength = 128;
const actionMaxLength = 128;
const reportingInstanceMaxLength = 128;
const noteMaxBytes = 1024;
const nameMaxLength = 253;

const upperCamelCase = /^[A-Z][A-Za-z0-9]*$/;
const qualifiedNamePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Throws {@link InvalidEventError} unless `record` would pass the API server's validation and our conventions. */
export function validateEventRecord(record: EventRecord): void {
  validateReference('regarding', record.regarding);
  if (record.related !== undefined) validateReference('related', record.related);
  if (record.type !== 'Normal' && record.type !== 'Warning') {
    throw new InvalidEventError('type', `event type ${JSON.stringify(record.type)} must be "Normal" or "Warning"`);
  }
  if (
    typeof record.reason !== 'string' ||
    !upperCamelCase.test(record.reason) ||
    record.reason.length > reasonMaxLength
  ) {
    throw new InvalidEventError(
      'reason',
      `event reason ${JSON.stringify(record.reason)} must be a short UpperCamelCase code such as "ScaledUp" ` +
        `(letters and digits, at most ${reasonMaxLength}); put human-readable text in note`,
    );
  }
  if (!isNonEmptyString(record.action) || record.action.length > actionMaxLength) {
    throw new InvalidEventError(
      'action',
      `event action ${JSON.stringify(record.action)} must be 1 to ${actionMaxLength} characters, such as "Scale"`,
    );
  }
}

function validateReference(field: InvalidEventField, ref: ObjectRef | undefined): void {
  const ok =
    typeof ref === 'object' &&
    ref !== null &&
    isNonEmptyString(ref.apiVersion) &&
    isNonEmptyString(ref.kind) &&
    isNonEmptyString(ref.name) &&
    (ref.namespace === undefined || typeof ref.namespace === 'string');
  if (!ok) {
    throw new InvalidEventError(
      field,
      `event ${field} ${JSON.stringify(ref)} must be an object reference with apiVersion, kind and name`,
    );
  }
}

/** Throws unless `value` is a Kubernetes qualified name (`[prefix/]name`), as `reportingController` must be. */
export function validateReportingController(value: string): void {
  const slash = typeof value === 'string' ? value.lastIndexOf('/') : -1;
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = typeof value === 'string' ? value.slice(slash + 1) : '';
  const ok =
    name.length <= 63 &&
    qualifiedNamePart.test(name) &&
    (prefix === undefined || (prefix.length <= nameMaxLength && dnsSubdomain.test(prefix)));
  if (!ok) {
    throw new InvalidEventError(
      'reportingController',
      `reportingController ${JSON.stringify(value)} must be a qualified name such as "dsoi.io/pinot-operator"`,
    );
  }
}

/** Throws unless `value` is 1 to 128 characters, as `reportingInstance` must be. */
export function validateReportingInstance(value: string): void {
  if (!isNonEmptyString(value) || value.length > reportingInstanceMaxLength) {
    throw new InvalidEventError(
      'reportingInstance',
      `reportingInstance ${JSON.stringify(value)} must be 1 to ${reportingInstanceMaxLength} characters (the Pod name)`,
    );
  }
}

const utf8 = new TextEncoder();

/** `note` cut to at most 1024 UTF-8 bytes, ending with `…` when cut, never inside a character. */
export function truncateNote(note: string): string {
  const text = typeof note === 'string' ? note : String(note ?? '');
  if (utf8.encode(text).length <= noteMaxBytes) return text;
  const budget = noteMaxBytes - utf8.encode('…').length;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8.encode(char).length;
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
}

/** A Kubernetes MicroTime: RFC 3339 in UTC with six fraction digits, such as `2024-05-01T10:00:00.123000Z`. */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * `<regarding name>.<suffix>` (16 random hex digits by default) as a DNS subdomain of at most 253 characters: the
 * regarding name is lower-cased, characters a subdomain cannot hold become `-`, and it is shortened to leave room.
 */
export function eventName(regardingName: string, suffix = randomBytes(8).toString('hex')): string {
  const maxPrefix = nameMaxLength - suffix.length - 1;
  const labels = regardingName
    .toLowerCase()
    .split('.')
    .map((label) => label.replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, ''))
    .filter((label) => label.length > 0);
  const prefix = labels
    .join('.')
    .slice(0, maxPrefix)
    .replace(/[-.]+$/, '');
  return prefix.length > 0 ? `${prefix}.${suffix}` : suffix;
}

/** The identity of an object: its UID when known, else group, kind, namespace and name. */
export function objectKey(ref: ObjectRef): string {
  if (ref.uid) return `uid:${ref.uid}`;
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Copies the fields of an ObjectRef, so the caller's object (or extra fields on it) never reaches the sink. */
function copyReference(ref: ObjectRef): ObjectRef {
  const { apiVersion, kind, namespace, name, uid, resourceVersion, fieldPath } = ref;
  return Object.freeze({
    apiVersion,
    kind,
    ...(namespace ? { namespace } : {}),
    name,
    ...(uid ? { uid } : {}),
    ...(resourceVersion ? { resourceVersion } : {}),
    ...(fieldPath ? { fieldPath } : {}),
  });
}

/** A frozen copy of a validated record, with its note truncated. */
export function normalizeEventRecord(event: EventRecord): EventRecord {
  return Object.freeze({
    regarding: copyReference(event.regarding),
    ...(event.related ? { related: copyReference(event.related) } : {}),
    type: event.type,
    reason: event.reason,
    note: truncateNote(event.note),
    action: event.action,
  });
}

/**
 * client-go's isomorphic key: occurrences with the same type, reason, action, regarding and related object fold
 * into one series (the reporter is fixed per recorder; the note is not part of the key).
 */
export function seriesKey(event: EventRecord): string {
  const ref = (r: ObjectRef | undefined) => (r ? `${objectKey(r)}#${r.fieldPath ?? ''}` : '');
  return [event.type, event.reason, event.action, ref(event.regarding), ref(event.related)].join('\u0000');
}
