import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { allow, deny, validatingWebhook } from './admissionWebhook.js';
import { CertificateError } from './errors.js';
import { createTestCertificates, type TestCertificates, writeCertificateFiles } from './testing.js';
import { createWebhookServer } from './webhookServer.js';

const webhook = validatingWebhook<{ spec?: { ok?: boolean } }>({
  name: 'vwidget.example.dsoi.io',
  path: '/validate',
  rules: [{ apiGroups: ['example.dsoi.io'], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE'] }],
  handler: ({ object }) => (object?.spec?.ok ? allow() : deny('spec.ok must be true')),
});
const reviewOf = (ok: boolean) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', object: { spec: { ok } } },
  });

function post(url: string, ca: string, path: string, body: string, contentType = 'application/json') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', ca, headers: { 'Content-Type': contentType } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let first: TestCertificates;
let second: TestCertificates;
beforeAll(async () => {
  [first, second] = await Promise.all([createTestCertificates(), createTestCertificates()]);
});
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function serve(registry?: Registry, logger = { warn: vi.fn(), error: vi.fn() }) {
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-webhook-'));
  const files = writeCertificateFiles(dir, first);
  const server = createWebhookServer({
    webhooks: [webhook],
    ...files,
    port: 0,
    certPollIntervalMs: 100,
    logger,
    ...(registry && { registry }),
  });
  const stop = new AbortController();
  const run = server.start(stop.signal);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return {
    server,
    dir,
    files,
    stop: () => {
      stop.abort();
      return run;
    },
  };
}

describe('createWebhookServer', () => {
  it('answers reviews over HTTPS with the test CA, counts them, and is ready only while serving', async () => {
    const registry = new Registry();
    const { server, stop } = serve(registry);
    expect(server.ready()).toBe(false);
    await server.listening();
    expect(server.ready()).toBe(true);
    const denied = await post(server.url(), first.caCert, '/validate', reviewOf(false));
    expect(denied.status).toBe(200);
    expect(JSON.parse(denied.body).response).toMatchObject({
      allowed: false,
      status: { message: 'spec.ok must be true' },
    });
    const allowed = await post(server.url(), first.caCert, '/validate', reviewOf(true));
    expect(JSON.parse(allowed.body).response).toEqual({ uid: 'u', allowed: true });
    const text = await registry.metrics();
    expect(text).toContain('controller_runtime_webhook_requests_total{webhook="/validate",code="200"} 2');
    expect(text).toContain('controller_runtime_webhook_latency_seconds_count{webhook="/validate"} 2');
    expect(text).toContain('controller_runtime_webhook_requests_in_flight{webhook="/validate"} 0');
    await stop();
    expect(server.ready()).toBe(false);
  });

  it('refuses an unknown path (404), another content type and a body that is no review (400)', async () => {
    const { server, stop } = serve();
    await server.listening();
    expect((await post(server.url(), first.caCert, '/nope', reviewOf(true))).status).toBe(404);
    const text = await post(server.url(), first.caCert, '/validate', reviewOf(true), 'text/plain');
    expect(text).toEqual({ status: 400, body: 'contentType=text/plain, expected application/json\n' });
    const notReview = await post(server.url(), first.caCert, '/validate', '{"kind":"Pod"}');
    expect(notReview.status).toBe(400);
    expect(notReview.body).toMatch(/invalid AdmissionReview: apiVersion\/kind/);
    await stop();
  });

  it('serves the new certificate once its files are replaced, without a restart', async () => {
    const { server, dir, stop } = serve();
    await server.listening();
    await expect(post(server.url(), second.caCert, '/validate', reviewOf(true))).rejects.toThrow(/certificate/);
    writeCertificateFiles(dir, second);
    await vi.waitFor(() => post(server.url(), second.caCert, '/validate', reviewOf(true)), {
      timeout: 10_000,
      interval: 100,
    });
    await expect(post(server.url(), first.caCert, '/validate', reviewOf(true))).rejects.toThrow(/certificate/);
    await stop();
  });

  it('keeps the certificate in use when the new key does not match it', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const { server, files, stop } = serve(undefined, logger);
    await server.listening();
    writeFileSync(files.keyFile, second.key); // first's certificate, second's key: a half-done rotation
    // The fault hit: the watcher read the mismatched pair and refused it.
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalled(), { timeout: 10_000, interval: 50 });
    const [fields, message] = logger.warn.mock.calls[0] as [{ err: Error }, string];
    expect(message).toBe('new serving certificate not used');
    expect(fields.err).toBeInstanceOf(CertificateError);
    expect(fields.err.message).toMatch(/does not belong to the certificate/);
    expect(fields.err.message).not.toContain('PRIVATE KEY');
    const answer = await post(server.url(), first.caCert, '/validate', reviewOf(true));
    expect(answer.status).toBe(200);
    await stop();
  });

  it('rejects start with a CertificateError naming the file when the key is missing', async () => {
    const server = createWebhookServer({
      webhooks: [webhook],
      certFile: '/nonexistent/tls.crt',
      keyFile: '/nonexistent/tls.key',
      port: 0,
    });
    const run = server.start(new AbortController().signal);
    await expect(run).rejects.toThrow(CertificateError);
    await expect(run).rejects.toThrow(/certificate file \/nonexistent\/tls\.crt/);
    await expect(server.listening()).rejects.toThrow(CertificateError);
  });
});
