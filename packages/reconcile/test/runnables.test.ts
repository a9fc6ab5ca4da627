import { testKubeConfig } from '@dsoi/envtest/testing';
import { expect, it } from 'vitest';
import { createManager, type ManagerRunnable } from '../src/index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

it('runs a runnable beside the controllers: its readiness joins /readyz, and it stops with the manager', async () => {
  let serving = false;
  let stopped = false;
  const runnable: ManagerRunnable = {
    name: 'test-server',
    async start(signal) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      stopped = true;
    },
    ready: () => serving,
  };
  const manager = createManager({
    name: 'runnables-test',
    kubeConfig: testKubeConfig(),
    probes: { port: 0 },
    metrics: false,
    checkPermissions: false,
    logger: quiet,
    runnables: [runnable],
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  await expect.poll(() => manager.probeUrl(), { timeout: 15_000 }).toBeDefined();
  const notReady = await fetch(`${manager.probeUrl()}/readyz?verbose`);
  expect(notReady.status).toBe(500);
  expect(await notReady.text()).toContain('[-]test-server failed');
  serving = true;
  await expect.poll(async () => (await fetch(`${manager.probeUrl()}/readyz`)).status, { timeout: 15_000 }).toBe(200);
  expect(stopped).toBe(false);
  stop.abort();
  await running;
  expect(stopped).toBe(true);
});

it('stops and rejects with the error of a runnable that fails', async () => {
  const failure = new Error('listen EADDRINUSE 127.0.0.1:9443');
  let failedAt: string | undefined;
  const manager = createManager({
    name: 'runnables-fail-test',
    kubeConfig: testKubeConfig(),
    probes: { port: 0 },
    metrics: false,
    checkPermissions: false,
    logger: quiet,
    runnables: [
      {
        name: 'failing-server',
        start: async () => {
          failedAt = 'start';
          throw failure;
        },
      },
    ],
  });
  const stop = new AbortController();
  const outcome = await manager.start(stop.signal).then(
    () => 'resolved',
    (err: unknown) => err,
  );
  expect(failedAt).toBe('start'); // the fault hit: the runnable's start ran and threw
  expect(stop.signal.aborted).toBe(false);
  expect(outcome).toBe(failure);
});
