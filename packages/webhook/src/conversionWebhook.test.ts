import { describe, expect, it } from 'vitest';
import type { WebhookObject } from './admissionReview.js';
import { conversionWebhook } from './conversionWebhook.js';
import { ConversionError } from './errors.js';

// v1 has spec.size as a string "3"; v2 (the hub) as a number; v1beta1 calls it spec.replicas.
const webhook = conversionWebhook({
  group: 'example.dsoi.io',
  kind: 'Widget',
  hub: 'v2',
  spokes: {
    v1: {
      toHub: (o) => ({ ...o, spec: { size: Number((o.spec as { size: string }).size) } }),
      fromHub: (o) => ({ ...o, spec: { size: String((o.spec as { size: number }).size) } }),
    },
    v1beta1: {
      toHub: (o) => ({ ...o, spec: { size: (o.spec as { replicas: number }).replicas } }),
      fromHub: (o) => ({ ...o, spec: { replicas: (o.spec as { size: number }).size } }),
    },
  },
});
const v1 = {
  apiVersion: 'example.dsoi.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns' },
  spec: { size: '3' },
};

describe('conversionWebhook', () => {
  it('converts spoke to spoke through the hub, keeping kind and metadata', () => {
    expect(webhook.convert(v1, 'example.dsoi.io/v1beta1')).toEqual({
      apiVersion: 'example.dsoi.io/v1beta1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'ns' },
      spec: { replicas: 3 },
    });
    expect(webhook.convert(v1, 'example.dsoi.io/v2').spec).toEqual({ size: 3 });
    expect(webhook.convert(v1, 'example.dsoi.io/v1')).toBe(v1);
  });

  it('answers a ConversionReview with every object converted', () => {
    const answer = webhook.review({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'c-1', desiredAPIVersion: 'example.dsoi.io/v2', objects: [v1, v1] },
    });
    expect(answer.response?.uid).toBe('c-1');
    expect(answer.response?.result).toEqual({ status: 'Success' });
    expect(answer.response?.convertedObjects.map((o) => o.spec)).toEqual([{ size: 3 }, { size: 3 }]);
  });

  it('answers Failure naming the object and versions for a version it does not serve', () => {
    expect(() => webhook.convert(v1, 'example.dsoi.io/v9')).toThrow(ConversionError);
    const answer = webhook.review({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'c-2', desiredAPIVersion: 'example.dsoi.io/v9', objects: [v1] },
    });
    expect(answer.response?.result).toEqual({
      status: 'Failure',
      message: 'convert Widget ns/w from example.dsoi.io/v1 to example.dsoi.io/v9: version not served here',
    });
    expect(answer.response?.convertedObjects).toEqual([]);
  });

  it('refuses a definition whose hub is also a spoke, and derives the path', () => {
    expect(webhook.path).toBe('/convert-example-dsoi-io-widget');
    expect(webhook.versions).toEqual(['v2', 'v1', 'v1beta1']);
    const same = { toHub: (o: WebhookObject) => o, fromHub: (o: WebhookObject) => o };
    expect(() => conversionWebhook({ group: 'g.io', kind: 'K', hub: 'v1', spokes: { v1: same } })).toThrow(
      /spokes\.v1 is the hub/,
    );
  });
});
