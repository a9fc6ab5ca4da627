import { describe, expect, it } from 'vitest';
import { findDrift, parseQuantity } from './drift.js';

const desired = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 's', labels: { app: 'pinot' }, annotations: { a: '1' } },
  spec: {
    replicas: 3,
    template: {
      spec: { containers: [{ name: 'c', image: 'pinot:1', resources: { requests: { cpu: '1000m', memory: '1Gi' } } }] },
    },
  },
};

describe('findDrift', () => {
  it('accepts a live object that holds every desired field plus server additions', () => {
    const live = structuredClone(desired) as Record<string, any>;
    live.metadata.labels.extra = 'x';
    live.metadata.resourceVersion = '9';
    live.spec.podManagementPolicy = 'OrderedReady';
    live.spec.template.spec.containers[0].terminationMessagePath = '/dev/termination-log';
    live.spec.template.spec.containers[0].resources.requests.cpu = '1'; // canonicalised by the server
    live.status = { replicas: 3 };
    expect(findDrift(desired, live)).toBeUndefined();
  });

  it('names the first hand-edited field', () => {
    const live = structuredClone(desired) as Record<string, any>;
    live.spec.replicas = 5;
    expect(findDrift(desired, live)).toBe('spec.replicas');
    const edited = structuredClone(desired) as Record<string, any>;
    edited.spec.template.spec.containers[0].image = 'pinot:evil';
    expect(findDrift(desired, edited)).toBe('spec.template.spec.containers[0].image');
    const relabelled = structuredClone(desired) as Record<string, any>;
    delete relabelled.metadata.labels.app;
    expect(findDrift(desired, relabelled)).toBe('metadata.labels.app');
  });

  it('treats a different list length as drift, an empty desired list as nothing', () => {
    const live = structuredClone(desired) as Record<string, any>;
    live.spec.template.spec.containers.push({ name: 'sidecar' });
    expect(findDrift(desired, live)).toBe('spec.template.spec.containers');
    expect(findDrift({ spec: { tolerations: [] } }, { spec: {} })).toBeUndefined();
  });

  it('compares quantities by value only under resources', () => {
    expect(findDrift({ data: { size: '1k' } }, { data: { size: '1000' } })).toBe('data.size');
    expect(
      findDrift(
        { spec: { resources: { requests: { storage: '1Gi' } } } },
        { spec: { resources: { requests: { storage: '1024Mi' } } } },
      ),
    ).toBeUndefined();
  });

  it('ignores stringData, which the server stores as data', () => {
    expect(findDrift({ stringData: { password: 'x' } }, { data: { password: 'eA==' } })).toBeUndefined();
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    ['1Gi', 2 ** 30],
    ['1e3', 1000],
    ['2k', 2000],
  ])('%s is %d', (text, value) => expect(parseQuantity(text)).toBe(value));

  it('refuses non-quantities', () => expect(parseQuantity('fast')).toBeUndefined());
});
