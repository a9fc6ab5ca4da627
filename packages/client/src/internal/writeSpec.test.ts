import { describe, expect, it } from 'vitest';
import { deleteSpec, objectWriteSpec, patchSpec } from './writeSpec.js';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'b' };
const object = { ...ref, metadata: { name: 'b', namespace: 'a' } };
const asOperator = { fieldManager: 'op' };

describe('objectWriteSpec', () => {
  it('applies with PATCH, retried, forcing only when asked', () => {
    const spec = objectWriteSpec({ verb: 'apply', operation: 'apply', subresource: undefined }, ref, {
      object,
      ...asOperator,
      options: { force: true },
    });
    expect(spec).toMatchObject({ verb: 'patch', method: 'PATCH', idempotent: true, collection: false });
    expect(spec.query).toEqual({ fieldManager: 'op', fieldValidation: undefined, dryRun: undefined, force: true });
  });

  it('creates with POST to the collection, never resent, never forced', () => {
    const spec = objectWriteSpec({ verb: 'create', operation: 'create', subresource: undefined }, ref, {
      object,
      ...asOperator,
      options: { force: true, dryRun: true } as never,
    });
    expect(spec).toMatchObject({ verb: 'create', method: 'POST', idempotent: false, collection: true });
    expect(spec.query).toMatchObject({ dryRun: 'All', force: undefined });
  });

  it('replaces with PUT, resent only with a resourceVersion (a stale replay then conflicts)', () => {
    const replace = { verb: 'update', operation: 'replaceStatus', subresource: 'status' } as const;
    const blind = objectWriteSpec(replace, ref, { object, ...asOperator, options: {} });
    const guarded = objectWriteSpec(replace, ref, {
      object: { ...object, metadata: { ...object.metadata, resourceVersion: '3' } },
      ...asOperator,
      options: { fieldManager: 'other' },
    });
    expect([blind.method, blind.subresource, blind.idempotent, guarded.idempotent]).toEqual([
      'PUT',
      'status',
      false,
      true,
    ]);
    expect(guarded.query?.fieldManager).toBe('other');
  });
});

describe('patchSpec', () => {
  const patchOf = (type: 'merge' | 'strategic' | 'json') =>
    patchSpec({ operation: 'patch', subresource: undefined }, ref, {
      patch: { type, body: {} } as never,
      ...asOperator,
      options: {},
    });

  it('sends the content type of the patch type, resending all but a JSON patch', () => {
    expect([patchOf('merge'), patchOf('strategic'), patchOf('json')].map((s) => [s.contentType, s.idempotent])).toEqual(
      [
        ['application/merge-patch+json', true],
        ['application/strategic-merge-patch+json', true],
        ['application/json-patch+json', false],
      ],
    );
  });

  it('refuses an unknown patch type with a TypeError', () => {
    expect(() => patchOf('yaml' as never)).toThrow(TypeError);
  });
});

describe('deleteSpec', () => {
  it('sends the options as a DeleteOptions body', () => {
    const spec = deleteSpec(ref, { propagationPolicy: 'Foreground', dryRun: true });
    expect(spec).toMatchObject({ method: 'DELETE', idempotent: true, name: 'b' });
    expect(spec.body).toMatchObject({ kind: 'DeleteOptions', propagationPolicy: 'Foreground', dryRun: ['All'] });
  });
});
