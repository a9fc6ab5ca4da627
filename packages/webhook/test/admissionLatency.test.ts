import { type RequestOptions, request } from 'node:https';
import { createTestNamespace, installWebhooks } from '@dsoi/envtest/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allow, validatingWebhook, webhookConfigurations } from '../src/index.js';
import { customObjects, installWidgets, kubeConfig, onlyNamespace, type RunningServer, runServer } from './helpers.js';

// The latency a webhook adds to a request, as kube-apiserver measures it: after N admission requests, the p50 and
// p99 of apiserver_admission_webhook_admission_duration_seconds (estimated from the histogram's buckets) are printed.
// Nothing here asserts a duration: the figure goes to the README; the assertions check that all N were measured.
const group = 'latency.webhook.dsoi.io';
const webhookName = 'vlatency.latency.webhook.dsoi.io';
const requests = 200;
let calls = 0;
let namespace: string;
let running: RunningServer;
let uninstall: () => Promise<void>;

const dryRunCreate = (name: string) =>
  customObjects.createNamespacedCustomObject({
    group,
    version: 'v1',
    namespace,
    plural: 'widgets',
    body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec: { size: 1 } },
    dryRun: 'All',
  });

beforeAll(async () => {
  namespace = await createTestNamespace(kubeConfig, 'latency');
  await installWidgets(group);
  const webhooks = [
    validatingWebhook({
      name: webhookName,
      path: '/validate-latency',
      rules: [{ apiGroups: [group], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE'] }],
      namespaceSelector: onlyNamespace(namespace),
      handler: () => {
        calls++;
        return allow();
      },
    }),
  ];
  running = await runServer(webhooks);
  const { validating } = webhookConfigurations({
    name: 'latency-test',
    webhooks,
    clientConfig: { url: running.url },
    caBundle: running.caCert,
  });
  const installed = await installWebhooks(kubeConfig, {
    configurations: [validating!],
    probe: async () => {
      const before = calls;
      await dryRunCreate('probe');
      return calls > before;
    },
  });
  uninstall = installed.uninstall;
});

afterAll(async () => {
  await uninstall?.();
  await running?.stop();
});

interface Histogram {
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly count: number;
}

/** The webhook's CREATE admission histogram from kube-apiserver's /metrics (cumulative buckets). */
async function admissionHistogram(): Promise<Histogram> {
  const options: RequestOptions = { method: 'GET' };
  await kubeConfig.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${kubeConfig.getCurrentCluster()!.server}/metrics`, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject).end();
  });
  const series = text
    .split('\n')
    .filter((line) => line.startsWith('apiserver_admission_webhook_admission_duration_seconds_'))
    .filter((line) => line.includes(`name="${webhookName}"`) && line.includes('operation="CREATE"'));
  const buckets = series
    .filter((line) => line.includes('_bucket{'))
    .map((line) => ({ le: Number(/le="([^"]+)"/.exec(line)![1]), count: Number(line.split(' ').at(-1)) }));
  const countLine = series.find((line) => line.includes('_count{'));
  return { buckets, count: countLine ? Number(countLine.split(' ').at(-1)) : 0 };
}

/** The q-quantile of the observations between two histograms, interpolated linearly within a bucket. */
function quantile(before: Histogram, after: Histogram, q: number): number {
  const at = (h: Histogram, le: number) => h.buckets.find((b) => b.le === le)?.count ?? 0;
  const total = after.count - before.count;
  let previousLe = 0;
  let previousCount = 0;
  for (const { le, count } of after.buckets) {
    const cumulative = count - at(before, le);
    if (cumulative >= q * total) {
      if (!Number.isFinite(le)) return previousLe;
      const share = cumulative === previousCount ? 0 : (q * total - previousCount) / (cumulative - previousCount);
      return previousLe + share * (le - previousLe);
    }
    previousLe = le;
    previousCount = cumulative;
  }
  return previousLe;
}

it(`reads the admission latency kube-apiserver measured over ${requests} webhook calls`, async () => {
  const before = await admissionHistogram();
  const callsBefore = calls;
  for (let i = 0; i < requests; i++) await dryRunCreate(`measured-${i}`);
  const after = await admissionHistogram();
  expect(calls - callsBefore).toBe(requests);
  expect(after.count - before.count).toBe(requests);
  const ms = (q: number) => (quantile(before, after, q) * 1000).toFixed(1);
  console.log(
    `webhook admission latency over ${requests} requests (kube-apiserver's histogram): p50 ${ms(0.5)} ms, p99 ${ms(0.99)} ms`,
  );
});
