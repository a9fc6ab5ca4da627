import { createTestNamespace, installWebhooks } from '@dsoi/envtest/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allow, deny, mutated, mutatingWebhook, validatingWebhook, webhookConfigurations } from '../src/index.js';
import {
  customObjects,
  installWidgets,
  kubeConfig,
  onlyNamespace,
  type RunningServer,
  refusal,
  runServer,
} from './helpers.js';

// kube-apiserver itself calls the handlers: a validating webhook refuses large widgets, a mutating one paints them.
const group = 'admission.webhook.dsoi.io';
type Widget = {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { size?: number; color?: string };
};
const calls = { validate: [] as string[], mutate: [] as string[] };
let namespace: string;
let running: RunningServer;
let uninstall: () => Promise<void>;

const widget = (name: string, spec: Widget['spec']) => ({
  apiVersion: `${group}/v1`,
  kind: 'Widget',
  metadata: { name },
  spec,
});
const create = (body: object, dryRun?: 'All') =>
  customObjects.createNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    body,
    ...(dryRun && { dryRun }),
  });

beforeAll(async () => {
  namespace = await createTestNamespace(kubeConfig, 'admission');
  await installWidgets(group);
  const rules = [
    {
      apiGroups: [group],
      apiVersions: ['v1'],
      resources: ['widgets'],
      operations: ['CREATE' as const, 'UPDATE' as const],
    },
  ];
  const webhooks = [
    validatingWebhook<Widget>({
      name: 'vwidget.admission.webhook.dsoi.io',
      path: '/validate-widget',
      rules,
      namespaceSelector: onlyNamespace(namespace),
      handler: ({ object }) => {
        calls.validate.push(object?.metadata?.name ?? '');
        return (object?.spec?.size ?? 0) > 3 ? deny(`spec.size: ${object?.spec?.size} is more than 3`) : allow();
      },
    }),
    mutatingWebhook<Widget>({
      name: 'mwidget.admission.webhook.dsoi.io',
      path: '/mutate-widget',
      rules,
      namespaceSelector: onlyNamespace(namespace),
      handler: ({ object }) => {
        calls.mutate.push(object?.metadata?.name ?? '');
        if (!object || object.spec?.color) return allow();
        const labels = { ...object.metadata?.labels, 'example.dsoi.io/painted': 'true' };
        return mutated({
          ...object,
          metadata: { ...object.metadata, labels },
          spec: { ...object.spec, color: 'blue' },
        });
      },
    }),
  ];
  running = await runServer(webhooks);
  const { validating, mutating } = webhookConfigurations({
    name: `admission-${namespace}`,
    webhooks,
    clientConfig: { url: running.url },
    caBundle: running.caCert,
  });
  // Wait until kube-apiserver calls both: a dry-run create of a probe object reaches them, nothing is stored.
  const installed = await installWebhooks(kubeConfig, {
    configurations: [validating!, mutating!],
    probe: async () => {
      await create(widget('probe', { size: 1 }), 'All');
      return calls.validate.includes('probe') && calls.mutate.includes('probe');
    },
  });
  uninstall = installed.uninstall;
});

afterAll(async () => {
  await uninstall?.();
  await running?.stop();
});

it('refuses a create the validating webhook denies, with the handler message', async () => {
  const before = calls.validate.length;
  const { code, message } = await refusal(create(widget('too-big', { size: 4 })));
  expect(calls.validate.slice(before)).toContain('too-big');
  expect(code).toBe(403);
  expect(message).toBe(
    'admission webhook "vwidget.admission.webhook.dsoi.io" denied the request: spec.size: 4 is more than 3',
  );
});

it('stores the object the mutating webhook answered with, and validates it after the mutation', async () => {
  const before = { validate: calls.validate.length, mutate: calls.mutate.length };
  const stored = (await create(widget('plain', { size: 2 }))) as Widget;
  expect(calls.mutate.slice(before.mutate)).toEqual(['plain']);
  expect(calls.validate.slice(before.validate)).toEqual(['plain']);
  expect(stored.spec).toEqual({ size: 2, color: 'blue' });
  expect(stored.metadata?.labels).toEqual({ 'example.dsoi.io/painted': 'true' });
  const read = (await customObjects.getNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    name: 'plain',
  })) as Widget;
  expect(read.spec?.color).toBe('blue');
});

it('checks an update too: raising the size past the limit is refused and the stored object is unchanged', async () => {
  await create(widget('grows', { size: 1, color: 'red' }));
  const before = calls.validate.length;
  const live = (await customObjects.getNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    name: 'grows',
  })) as Widget;
  const body = { ...live, spec: { ...live.spec, size: 9 } };
  const { message } = await refusal(
    customObjects.replaceNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural: 'widgets',
      name: 'grows',
      body,
    }),
  );
  expect(calls.validate.slice(before)).toContain('grows');
  expect(message).toContain('spec.size: 9 is more than 3');
  const read = (await customObjects.getNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    name: 'grows',
  })) as Widget;
  expect(read.spec).toEqual({ size: 1, color: 'red' });
});
