import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '@dsoi/client';
import { createTestNamespace, installCrds, testKubeConfig } from '@dsoi/envtest/testing';
import type { KubeObject } from '@dsoi/object';
import { expect, it } from 'vitest';
import { widgetCrd } from './fixtures/widget.js';

it('runs the README example as an operator process until SIGINT', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/readme.ts', import.meta.url), 'utf8');
  // The README shows the example without its two leading comment lines.
  expect(readme).toContain(example.split('\n').slice(2).join('\n').trim());

  const kubeConfig = testKubeConfig();
  await installCrds(kubeConfig, [widgetCrd]);
  const ns = await createTestNamespace(kubeConfig, 'readme');
  const script = fileURLToPath(new URL('../examples/readme.ts', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, KUBECONFIG: process.env.DSOI_ENVTEST_KUBECONFIG, WATCH_NAMESPACE: ns, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
  await admin.create({
    apiVersion: 'example.dsoi.io/v1',
    kind: 'Widget',
    metadata: { name: 'demo', namespace: ns },
    spec: { files: { 'a.conf': 'x=1' } },
  });
  await expect
    .poll(
      () =>
        admin
          .get<KubeObject & { data: Record<string, string> }>({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            namespace: ns,
            name: 'demo-a.conf',
          })
          .then(
            (c) => c.data,
            () => undefined,
          ),
      { timeout: 20_000 },
    )
    .toEqual({ 'a.conf': 'x=1' });
  child.kill('SIGINT');
  expect(await exited).toBe(0);
});
