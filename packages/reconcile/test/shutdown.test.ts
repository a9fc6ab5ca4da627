import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import { expect, it } from 'vitest';
import { widget, widgetCrd } from './fixtures/widget.js';

it('drains in-flight reconciles on SIGTERM before exiting', async () => {
  const kubeConfig = testKubeConfig();
  await installCrds(kubeConfig, [widgetCrd]);
  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  const ns = await createTestNamespace(kubeConfig, 'drain');
  const script = fileURLToPath(new URL('./fixtures/drainOperator.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, TEST_NAMESPACE: ns },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await admin.create(widget(ns, 'slow', {}));
  await expect.poll(() => out, { timeout: 20_000 }).toContain('started slow');
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(out).toMatch(/started slow\nfinished slow\nstopped cleanly/);
  const doneMarker = await admin.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'slow-done' });
  expect(doneMarker.metadata?.name).toBe('slow-done');
});
