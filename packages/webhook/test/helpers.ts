/** Shared by the real-server tests: a webhook server on 127.0.0.1 with a throw-away CA, and a test CRD. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds, testCrd, testKubeConfig } from '@dsoi/envtest/testing';
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import {
  type AdmissionWebhook,
  type ConversionWebhook,
  createWebhookServer,
  type WebhookServer,
} from '../src/index.js';
import { createTestCertificates, writeCertificateFiles } from '../src/testing.js';

/** A running server: its base URL, the CA kube-apiserver must trust, and `stop()` (idempotent). */
export interface RunningServer {
  readonly server: WebhookServer;
  readonly url: string;
  readonly caCert: string;
  readonly registry: Registry;
  stop(): Promise<void>;
}

export async function runServer(webhooks: readonly (AdmissionWebhook | ConversionWebhook)[]): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-webhook-test-'));
  const certs = await createTestCertificates();
  const files = writeCertificateFiles(dir, certs);
  const registry = new Registry();
  const server = createWebhookServer({ webhooks, ...files, port: 0, registry });
  const abort = new AbortController();
  const running = server.start(abort.signal);
  await server.listening();
  const url = server.url();
  return {
    server,
    url,
    caCert: certs.caCert,
    registry,
    async stop() {
      abort.abort();
      await running;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `widgets.<group>`: namespaced, `spec.size` (v1, integer) and `spec.sizeGi` (v2, string, the storage version). */
export function widgetCrd(group: string, versions: readonly ('v1' | 'v2')[] = ['v1']) {
  const schemas = {
    v1: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
    v2: { type: 'object', properties: { sizeGi: { type: 'string' }, color: { type: 'string' } } },
  };
  return testCrd({
    group,
    kind: 'Widget',
    statusSubresource: false,
    versions: versions.map((name) => ({ name, schema: { type: 'object', properties: { spec: schemas[name] } } })),
  });
}

export const kubeConfig = testKubeConfig();
export const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);

export async function installWidgets(group: string, versions?: readonly ('v1' | 'v2')[]): Promise<void> {
  await installCrds(kubeConfig, [widgetCrd(group, versions)]);
}

/** Selects the test's namespace only, so webhooks of parallel tests never see each other's objects. */
export function onlyNamespace(namespace: string) {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

/** The error kube-apiserver answered with: its HTTP code and Status message. */
export function apiErrorOf(err: unknown): { code: number; message: string } {
  if (!(err instanceof ApiException)) throw err;
  const body = typeof err.body === 'string' ? (JSON.parse(err.body) as { message?: string }) : err.body;
  return { code: err.code, message: String((body as { message?: string })?.message ?? err.body) };
}

/** Resolves with the error the promise rejected with; fails when it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    return apiErrorOf(err);
  }
  throw new Error('expected kube-apiserver to refuse the request, it accepted it');
}
