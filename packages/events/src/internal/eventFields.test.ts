import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventName, microTime, objectKey, truncateNote } from './eventFields.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('truncateNote', () => {
  it('keeps a note of up to 1024 bytes as it is', () => {
    expect(truncateNote('x'.repeat(1024))).toBe('x'.repeat(1024));
  });

  it('cuts longer notes to at most 1024 UTF-8 bytes ending with an ellipsis, never inside a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 300, maxLength: 1500 }), (note) => {
        const cut = truncateNote(note);
        expect(bytes(cut)).toBeLessThanOrEqual(1024);
        if (bytes(note) <= 1024) expect(cut).toBe(note);
        else {
          expect(cut.endsWith('…')).toBe(true);
          expect(note.startsWith(cut.slice(0, -1))).toBe(true);
          expect(cut).not.toMatch(/[\uD800-\uDBFF]…$/);
        }
      }),
    );
  });
});

describe('microTime', () => {
  it('prints RFC 3339 in UTC with six fraction digits', () => {
    expect(microTime(Date.parse('2024-05-01T10:00:00.123Z'))).toBe('2024-05-01T10:00:00.123000Z');
  });
});

describe('eventName', () => {
  it('is always a DNS subdomain of at most 253 characters ending with the suffix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        const result = eventName(name, '0123456789abcdef');
        expect(result.length).toBeLessThanOrEqual(253);
        expect(result).toMatch(dnsSubdomain);
        expect(result.endsWith('0123456789abcdef')).toBe(true);
      }),
    );
  });

  it('keeps a valid name as it is', () => {
    expect(eventName('pinot-broker-0', 'ab')).toBe('pinot-broker-0.ab');
    expect(eventName('--', 'ab')).toBe('ab');
  });
});

describe('objectKey', () => {
  it('prefers the UID and otherwise uses group, kind, namespace and name', () => {
    expect(objectKey({ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' })).toBe('uid:u');
    expect(objectKey({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'n', name: 's' })).toBe(
      'apps/StatefulSet/n/s',
    );
    expect(objectKey({ apiVersion: 'v1', kind: 'Node', name: 'n1' })).toBe('/Node//n1');
  });
});
