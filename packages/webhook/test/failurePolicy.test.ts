import { createTestNamespace, installWebhooks } from '@dsoi/envtest/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdmissionWebhook, allow, validatingWebhook, webhookConfigurations } from '../src/index.js';
import {
  customObjects,
  installWidgets,
  kubeConfig,
  onlyNamespace,
  type RunningServer,
  refusal,
  runServer,
} from './helpers.js';

// What kube-apiserver does when a webhook cannot answer: failurePolicy Fail refuses the request, Ignore admits it.
// Each webhook sees only the widgets labelled with its case, so the four cases share one namespace and one CRD.
const group = 'failurepolicy.webhook.dsoi.io';
type Case = 'fail-down' | 'ignore-down' | 'fail-slow' | 'ignore-slow';
const calls: Record<Case, string[]> = { 'fail-down': [], 'ignore-down': [], 'fail-slow': [], 'ignore-slow': [] };
/** Calls of the slow handlers that ended because kube-apiserver hung up. */
const abandoned: string[] = [];
let namespace: string;
const servers: RunningServer[] = [];
const uninstalls: (() => Promise<void>)[] = [];

const widget = (name: string, which: Case) => ({
  apiVersion: `${group}/v1`,
  kind: 'Widget',
  metadata: { name, labels: { case: which } },
  spec: { size: 1 },
});
const create = (name: string, which: Case, dryRun?: 'All') =>
  customObjects.createNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    body: widget(name, which),
    ...(dryRun && { dryRun }),
  });

function caseWebhook(which: Case, slow: boolean): AdmissionWebhook {
  return validatingWebhook<{ metadata?: { name?: string } }>({
    name: `${which}.failurepolicy.webhook.dsoi.io`,
    path: `/validate-${which}`,
    rules: [{ apiGroups: [group], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE'] }],
    failurePolicy: which.startsWith('fail') ? 'Fail' : 'Ignore',
    timeoutSeconds: 1,
    namespaceSelector: onlyNamespace(namespace),
    objectSelector: { matchLabels: { case: which } },
    handler: async ({ object }, { signal }) => {
      const name = object?.metadata?.name ?? '';
      calls[which].push(name);
      if (slow && !name.startsWith('probe')) {
        // Hang until kube-apiserver gives up on the call (its timeoutSeconds) and closes the connection.
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        abandoned.push(name);
      }
      return allow();
    },
  });
}

async function register(name: string, cases: readonly Case[], slow: boolean): Promise<void> {
  const webhooks = cases.map((which) => caseWebhook(which, slow));
  const running = await runServer(webhooks);
  servers.push(running);
  const { validating } = webhookConfigurations({
    name,
    webhooks,
    clientConfig: { url: running.url },
    caBundle: running.caCert,
  });
  const installed = await installWebhooks(kubeConfig, {
    configurations: [validating!],
    probe: async () => {
      for (const which of cases) await create(`probe-${which}`, which, 'All');
      return cases.every((which) => calls[which].includes(`probe-${which}`));
    },
  });
  uninstalls.push(installed.uninstall);
}

beforeAll(async () => {
  namespace = await createTestNamespace(kubeConfig, 'failurepolicy');
  await installWidgets(group);
  await register(`down-${namespace}`, ['fail-down', 'ignore-down'], false);
  await register(`slow-${namespace}`, ['fail-slow', 'ignore-slow'], true);
});

afterAll(async () => {
  for (const uninstall of uninstalls) await uninstall();
  for (const server of servers) await server.stop();
});

describe('the webhook is down', () => {
  beforeAll(async () => {
    // Both were called while up (the probe); now nothing listens on their port.
    expect(calls['fail-down']).toContain('probe-fail-down');
    expect(calls['ignore-down']).toContain('probe-ignore-down');
    await servers[0]!.stop();
  });

  it('failurePolicy Fail: kube-apiserver refuses the create and names the webhook it could not call', async () => {
    const before = calls['fail-down'].length;
    const { code, message } = await refusal(create('refused', 'fail-down'));
    expect(calls['fail-down'].length).toBe(before);
    expect(code).toBe(500);
    expect(message).toContain('failed calling webhook "fail-down.failurepolicy.webhook.dsoi.io"');
    expect(message).toMatch(/connection refused/);
  });

  it('failurePolicy Ignore: kube-apiserver admits the create', async () => {
    const stored = (await create('admitted', 'ignore-down')) as { metadata: { uid?: string } };
    expect(stored.metadata.uid).toBeTruthy();
  });
});

describe('the webhook answers after its timeoutSeconds', () => {
  it('failurePolicy Fail: the handler was called, then kube-apiserver gave up and refused the create', async () => {
    const { code, message } = await refusal(create('too-slow', 'fail-slow'));
    expect(calls['fail-slow']).toContain('too-slow');
    await expect.poll(() => abandoned).toContain('too-slow');
    expect(code).toBe(500);
    expect(message).toContain('failed calling webhook "fail-slow.failurepolicy.webhook.dsoi.io"');
    expect(message).toMatch(/deadline exceeded|timeout/i);
  });

  it('failurePolicy Ignore: the handler was called, then kube-apiserver gave up and admitted the create', async () => {
    const stored = (await create('slow-but-admitted', 'ignore-slow')) as { metadata: { uid?: string } };
    expect(calls['ignore-slow']).toContain('slow-but-admitted');
    await expect.poll(() => abandoned).toContain('slow-but-admitted');
    expect(stored.metadata.uid).toBeTruthy();
  });
});
