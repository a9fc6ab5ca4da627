import { describe, expect, it } from 'vitest';
import { controllerRef } from './controllerRef.js';

const owner = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', metadata: { name: 'pinot-simple', uid: 'b3c5-…' } };
const error = (field: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule: 'required' });

describe('controllerRef', () => {
  it('returns a controller reference that blocks owner deletion', () => {
    expect(controllerRef(owner)).toEqual({
      apiVersion: 'datainfra.io/v1beta1',
      kind: 'Pinot',
      name: 'pinot-simple',
      uid: 'b3c5-…',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it.each([
    ['owner.apiVersion', { ...owner, apiVersion: undefined }],
    ['owner.kind', { ...owner, kind: '' }],
    ['owner.metadata.name', { ...owner, metadata: { uid: 'u' } }],
    ['owner.metadata.uid', { ...owner, metadata: { name: 'n' } }],
    ['owner.apiVersion', {}],
  ])('refuses an owner without %s', (field, bad) => {
    expect(() => controllerRef(bad)).toThrow(error(field));
  });

  it('explains where a uid comes from', () => {
    expect(() => controllerRef({ ...owner, metadata: { name: 'n' } })).toThrow('assigned by the API server');
  });
});
