import { describe, expect, it } from 'vitest';
import { allow, deny, mutated, mutatingWebhook, validatingWebhook } from './admissionWebhook.js';
import { WebhookError } from './errors.js';

const rules = [
  { apiGroups: ['example.dsoi.io'], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE' as const] },
];
const context = { signal: new AbortController().signal };
const review = (object: unknown, uid = 'u-1') => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid, operation: 'CREATE', object, kind: { group: 'example.dsoi.io', version: 'v1', kind: 'Widget' } },
});

describe('validatingWebhook', () => {
  const webhook = validatingWebhook<{ spec?: { size?: number } }>({
    name: 'vwidget.example.dsoi.io',
    path: '/validate-widget',
    rules,
    handler: (request) =>
      (request.object?.spec?.size ?? 0) > 3 ? deny('spec.size must be at most 3') : allow({ warnings: ['checked'] }),
  });

  it('allows with the warnings and repeats the uid', async () => {
    const answer = await webhook.review(review({ spec: { size: 1 } }, 'abc'), context);
    expect(answer).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'abc', allowed: true, warnings: ['checked'] },
    });
  });

  it('denies with code 403 and the message', async () => {
    const answer = await webhook.review(review({ spec: { size: 9 } }), context);
    expect(answer.response).toEqual({
      uid: 'u-1',
      allowed: false,
      status: { code: 403, reason: 'Forbidden', message: 'spec.size must be at most 3' },
    });
  });

  it('denies with code 500 naming the webhook when the handler throws', async () => {
    const failing = validatingWebhook({
      name: 'vwidget.example.dsoi.io',
      path: '/v',
      rules,
      handler: () => {
        throw new Error('lookup failed');
      },
    });
    const answer = await failing.review(review({}), context);
    expect(answer.response?.allowed).toBe(false);
    expect(answer.response?.status).toEqual({
      code: 500,
      reason: 'InternalError',
      message: 'webhook vwidget.example.dsoi.io failed: lookup failed',
    });
  });

  it('refuses a body that is no AdmissionReview, naming what is missing', async () => {
    await expect(webhook.review({ apiVersion: 'v1', kind: 'Pod' }, context)).rejects.toThrow(/apiVersion\/kind/);
    await expect(webhook.review({ ...review({}), request: { operation: 'CREATE' } }, context)).rejects.toThrow(
      /request\.uid is missing/,
    );
  });

  it('refuses a bad definition naming the option', () => {
    const define = (overrides: object) => () =>
      validatingWebhook({ name: 'v.example.io', path: '/v', rules, handler: () => allow(), ...overrides });
    expect(define({ name: 'short' })).toThrow(/name must be fully qualified/);
    expect(define({ path: 'v' })).toThrow(/path must start/);
    expect(define({ rules: [] })).toThrow(/rules must list/);
    expect(define({ timeoutSeconds: 31 })).toThrow(WebhookError);
  });
});

describe('mutatingWebhook', () => {
  const webhook = mutatingWebhook<{ metadata?: { labels?: Record<string, string> }; spec?: { size?: number } }>({
    name: 'mwidget.example.dsoi.io',
    path: '/mutate-widget',
    rules,
    handler: ({ object }) =>
      object?.spec?.size === undefined ? mutated({ ...object, spec: { ...object?.spec, size: 1 } }) : allow(),
  });

  it('answers the change as a base64 JSONPatch', async () => {
    const answer = await webhook.review(review({ metadata: { name: 'a' }, spec: {} }), context);
    expect(answer.response?.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(answer.response?.patch ?? '', 'base64').toString('utf8'));
    expect(patch).toEqual([{ op: 'add', path: '/spec/size', value: 1 }]);
  });

  it('answers no patch when nothing changed', async () => {
    const answer = await webhook.review(review({ spec: { size: 2 } }), context);
    expect(answer.response).toEqual({ uid: 'u-1', allowed: true });
  });
});
