import { describe, expect, it } from 'vitest';
import { buildPersistentVolumeClaim } from './persistentVolumeClaim.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'ssd' };

describe('buildPersistentVolumeClaim', () => {
  it('builds a v1 PersistentVolumeClaim', () => {
    const claim = buildPersistentVolumeClaim({ name: 'parseable-data', namespace: 'parseable', spec });
    expect(claim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'parseable-data', namespace: 'parseable' },
      spec,
    });
    expect(claim.spec).not.toBe(spec);
  });

  it('refuses a spec without access modes or storage request, and a bad name', () => {
    const build = (s: object) => () => buildPersistentVolumeClaim({ name: 'c', namespace: 'n', spec: s as never });
    expect(build({ accessModes: [], resources: spec.resources })).toThrow(
      error('PersistentVolumeClaim spec.accessModes', 'required'),
    );
    expect(build({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '' } } })).toThrow(
      error('PersistentVolumeClaim spec.resources.requests.storage', 'required'),
    );
    expect(build({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 1073741824 } } })).not.toThrow();
    expect(() => buildPersistentVolumeClaim({ name: 'c', namespace: 'n', spec: undefined as never })).toThrow(
      error('PersistentVolumeClaim spec', 'required'),
    );
    expect(() => buildPersistentVolumeClaim({ name: 'C', namespace: 'n', spec })).toThrow(
      error('PersistentVolumeClaim name', 'dns1123Subdomain'),
    );
  });
});
