import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortAfter } from '../internal/signals.js';
import { createLogger } from '../logger.js';
import { shutdownSignal, shutdownSignalDefaults } from './shutdownSignal.js';

const silent = createLogger({ level: 'silent' });
const watched = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const before = new Map(watched.map((name) => [name, process.listeners(name)]));

afterEach(() => {
  // Each call adds listeners for the life of the process: remove the ones this test added.
  for (const name of watched) {
    for (const listener of process.listeners(name)) {
      if (!before.get(name)?.includes(listener)) process.off(name, listener);
    }
  }
});

describe('shutdownSignal', () => {
  it('aborts on the first SIGTERM and calls onSecondSignal on every later one', () => {
    const onSecondSignal = vi.fn();
    const signal = shutdownSignal({ onSecondSignal, logger: silent });
    expect(signal.aborted).toBe(false);
    process.emit('SIGTERM', 'SIGTERM');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ name: 'AbortError', message: 'received SIGTERM' });
    expect(onSecondSignal).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    expect(onSecondSignal.mock.calls).toEqual([['SIGINT'], ['SIGTERM']]);
  });

  it('listens only to the signals it is given; calls do not share state', () => {
    const hup = shutdownSignal({ signals: ['SIGHUP'], onSecondSignal: () => {}, logger: silent });
    const term = shutdownSignal({ onSecondSignal: () => {}, logger: silent });
    process.emit('SIGHUP', 'SIGHUP');
    expect(hup.aborted).toBe(true);
    expect(term.aborted).toBe(false);
    expect(shutdownSignalDefaults.signals).toEqual(['SIGTERM', 'SIGINT']);
  });

  it('in a real process: the first SIGTERM starts the stop, the second exits with code 1', async () => {
    const hook = fileURLToPath(new URL('../../test/fixtures/tsResolve.mjs', import.meta.url));
    const module = fileURLToPath(new URL('./shutdownSignal.ts', import.meta.url));
    const script = [
      `import { shutdownSignal } from ${JSON.stringify(module)};`,
      `const signal = shutdownSignal();`,
      `signal.addEventListener('abort', () => console.log('aborted: ' + signal.reason.message));`,
      // A drain that never ends: only the second signal can end this process.
      `setInterval(() => {}, 1000);`,
      `console.log('ready');`,
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', hook, '--input-type=module', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => output.includes(text) && resolve();
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        check();
      });
    await seen('ready');
    child.kill('SIGTERM');
    await seen('aborted: received SIGTERM');
    expect(child.exitCode).toBeNull();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(1);
  });

  it('abortAfter: a drain deadline that starts only when the stop is requested', () => {
    vi.useFakeTimers();
    try {
      const stop = new AbortController();
      const deadline = abortAfter(stop.signal, 1_000);
      vi.advanceTimersByTime(5_000);
      expect(deadline.aborted).toBe(false);
      stop.abort();
      vi.advanceTimersByTime(999);
      expect(deadline.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(deadline.reason).toMatchObject({ name: 'TimeoutError' });
      expect(abortAfter(AbortSignal.abort(), 0).aborted).toBe(false); // armed at once, fires on the next timer turn
    } finally {
      vi.useRealTimers();
    }
  });
});
