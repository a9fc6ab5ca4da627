import { describe, expect, it } from 'vitest';
import { defaultHashAnnotation, objectHash, readHash, stampHash } from './objectHash.js';

const desired = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'pinot-config', namespace: 'data', labels: { app: 'pinot' } },
  data: { 'pinot-broker.conf': 'pinot.broker.timeoutMs=60000' },
};

describe('objectHash', () => {
  it('ignores status, server-owned metadata and the hash annotation', () => {
    const live = {
      ...stampHash(desired),
      metadata: {
        ...stampHash(desired).metadata,
        resourceVersion: '42',
        uid: 'b9c1',
        generation: 3,
        creationTimestamp: new Date(),
        managedFields: [{ manager: 'kubectl' }],
        selfLink: '/api/v1/x',
      },
      status: { phase: 'Active' },
    };
    expect(objectHash(live)).toBe(objectHash(desired));
  });

  it('changes with labels, data and other annotations', () => {
    const base = objectHash(desired);
    expect(objectHash({ ...desired, data: { 'pinot-broker.conf': 'x' } })).not.toBe(base);
    expect(objectHash({ ...desired, metadata: { ...desired.metadata, labels: { app: 'druid' } } })).not.toBe(base);
    expect(objectHash({ ...desired, metadata: { ...desired.metadata, annotations: { team: 'a' } } })).not.toBe(base);
  });

  it('uses a configurable annotation key', () => {
    const stamped = stampHash(desired, { annotationKey: 'example.com/hash' });
    expect(readHash(stamped, { annotationKey: 'example.com/hash' })).toBe(objectHash(desired));
    expect(readHash(stamped)).toBeUndefined();
    expect(objectHash(stamped, { annotationKey: 'example.com/hash' })).toBe(objectHash(desired));
  });

  it('rejects an invalid annotation key with the rule it breaks', () => {
    expect(() => objectHash(desired, { annotationKey: 'Bad Key/with space' })).toThrow(/not a valid annotation key/);
    expect(() => stampHash(desired, { annotationKey: `x/${'a'.repeat(64)}` })).toThrow(TypeError);
  });
});

describe('stampHash', () => {
  it('stamps the default annotation without changing the input', () => {
    const stamped = stampHash(desired);
    expect(stamped.metadata.annotations?.[defaultHashAnnotation]).toBe(objectHash(desired));
    expect(Object.keys(desired.metadata)).not.toContain('annotations');
  });

  it('keeps existing annotations', () => {
    const stamped = stampHash({ ...desired, metadata: { ...desired.metadata, annotations: { team: 'a' } } });
    expect(stamped.metadata.annotations).toEqual({ team: 'a', [defaultHashAnnotation]: expect.any(String) });
  });
});

describe('typing', () => {
  it('accepts @kubernetes/client-node model objects without a cast', () => {
    // A model class instance has no index signature; the model's KubeObject must still accept it.
    class V1ConfigMapLike {
      apiVersion?: string = 'v1';
      kind?: string = 'ConfigMap';
      metadata?: { name?: string; annotations?: { [key: string]: string } } = { name: 'm' };
      data?: { [key: string]: string } = { a: '1' };
    }
    const model = new V1ConfigMapLike();
    expect(readHash(stampHash(model))).toBe(objectHash(model));
  });
});
