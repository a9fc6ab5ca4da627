import { describe, expect, it } from 'vitest';
import { allow, conversionWebhook, mutatingWebhook, validatingWebhook } from './index.js';
import { webhookConfigurations } from './webhookConfigurations.js';

const rules = [
  { apiGroups: ['example.dsoi.io'], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE' as const] },
];
const validating = validatingWebhook({
  name: 'vwidget.example.dsoi.io',
  path: '/validate',
  rules,
  handler: () => allow(),
  timeoutSeconds: 5,
});
const mutating = mutatingWebhook({
  name: 'mwidget.example.dsoi.io',
  path: '/mutate',
  rules,
  handler: () => allow(),
  failurePolicy: 'Ignore',
});
const conversion = conversionWebhook({
  group: 'example.dsoi.io',
  kind: 'Widget',
  hub: 'v2',
  spokes: { v1: { toHub: (o) => o, fromHub: (o) => o } },
});

describe('webhookConfigurations', () => {
  it('writes each admission webhook with its own settings and a Service reference, and the CRD conversion', () => {
    const made = webhookConfigurations({
      name: 'widget-operator',
      webhooks: [validating, mutating, conversion],
      clientConfig: { service: { namespace: 'ops', name: 'widget-webhook' } },
    });
    expect(made.validating).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'widget-operator' },
      webhooks: [
        {
          name: 'vwidget.example.dsoi.io',
          admissionReviewVersions: ['v1'],
          clientConfig: { service: { namespace: 'ops', name: 'widget-webhook', port: 443, path: '/validate' } },
          rules: [{ ...rules[0], scope: '*' }],
          failurePolicy: 'Fail',
          sideEffects: 'None',
          timeoutSeconds: 5,
          matchPolicy: 'Equivalent',
        },
      ],
    });
    expect(made.mutating?.kind).toBe('MutatingWebhookConfiguration');
    expect(made.mutating?.webhooks[0]).toMatchObject({
      name: 'mwidget.example.dsoi.io',
      failurePolicy: 'Ignore',
      timeoutSeconds: 10,
    });
    expect(made.conversions).toEqual([
      {
        group: 'example.dsoi.io',
        kind: 'Widget',
        conversion: {
          strategy: 'Webhook',
          webhook: {
            clientConfig: {
              service: { namespace: 'ops', name: 'widget-webhook', port: 443, path: '/convert-example-dsoi-io-widget' },
            },
            conversionReviewVersions: ['v1'],
          },
        },
      },
    ]);
  });

  it('joins a URL and each path, and base64-encodes the CA bundle', () => {
    const made = webhookConfigurations({
      name: 'test',
      webhooks: [validating],
      clientConfig: { url: 'https://127.0.0.1:9443/' },
      caBundle: 'PEM',
    });
    expect(made.validating?.webhooks[0]?.clientConfig).toEqual({
      url: 'https://127.0.0.1:9443/validate',
      caBundle: 'UEVN',
    });
    expect(made.mutating).toBeUndefined();
    expect(made.conversions).toEqual([]);
  });

  it('refuses a URL that is not https or has a path, and a name used twice', () => {
    const make =
      (url: string, webhooks = [validating]) =>
      () =>
        webhookConfigurations({ name: 'x', webhooks, clientConfig: { url } });
    expect(make('http://127.0.0.1:9443')).toThrow(/clientConfig\.url must be https/);
    expect(make('https://127.0.0.1:9443/webhooks')).toThrow(/without a path/);
    expect(make('https://127.0.0.1:9443', [validating, validating])).toThrow(
      /"vwidget\.example\.dsoi\.io" is used twice/,
    );
  });
});
