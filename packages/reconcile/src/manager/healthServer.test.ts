import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createHealthServer, type HealthServerOptions } from './healthServer.js';

const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

async function serve(options: HealthServerOptions = {}) {
  const server = createHealthServer({ port: 0, logger: createLogger({ level: 'silent' }), ...options });
  const stop = new AbortController();
  stops.push(stop);
  const run = server.start(stop.signal);
  await server.listening();
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${server.url()}${path}`, init);
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  return { server, stop, run, get };
}

describe('createHealthServer', () => {
  it('answers ok when every check passes, on 127.0.0.1 and a free port', async () => {
    const { server, get } = await serve({
      checks: { healthz: { ping: () => true }, readyz: { synced: async () => true } },
    });
    expect(server.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/readyz?verbose')).toMatchObject({ status: 200, body: '[+]synced ok\nreadyz check passed\n' });
    expect(await get('/livez')).toMatchObject({ status: 404 });
    expect(await get('/metrics')).toMatchObject({ status: 404 });
    expect(await get('/healthz', { method: 'POST' })).toMatchObject({ status: 405 });
  });

  it('answers 500 naming the failed checks (false, throw, rejection or timeout); ?verbose lists them all', async () => {
    const { get } = await serve({
      checkTimeoutMs: 50,
      checks: {
        readyz: {
          synced: () => true,
          leader: () => false,
          cache: () => {
            throw new Error('boom');
          },
          store: () => Promise.reject(new Error('boom')),
          slow: () => new Promise<boolean>(() => {}),
        },
      },
    });
    const failed = ['[-]leader failed: reason withheld', '[-]cache failed: reason withheld'];
    failed.push('[-]store failed: reason withheld', '[-]slow failed: reason withheld');
    expect(await get('/readyz')).toEqual({
      status: 500,
      body: `${failed.join('\n')}\nreadyz check failed\n`,
      type: 'text/plain; charset=utf-8',
    });
    expect((await get('/readyz?verbose')).body).toBe(`[+]synced ok\n${failed.join('\n')}\nreadyz check failed\n`);
    expect(await get('/readyz/synced')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/readyz/leader')).toMatchObject({
      status: 500,
      body: '[-]leader failed: reason withheld\nleader check failed\n',
    });
    expect(await get('/readyz/nope')).toMatchObject({ status: 404 });
    const excluded = await get('/readyz?verbose&exclude=leader&exclude=cache&exclude=store&exclude=slow');
    expect(excluded.status).toBe(200);
    expect(excluded.body).toContain('[+]leader excluded: ok\n');
    // With no checks, a `ping` check answers, as in controller-runtime.
    expect(await get('/healthz?verbose')).toMatchObject({ status: 200, body: '[+]ping ok\nhealthz check passed\n' });
  });

  it('serves the registry on /metrics in the Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'demo_total', help: 'A demo counter', registers: [registry] }).inc(3);
    const { get } = await serve({ registry });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe(registry.contentType);
    expect(metrics.body).toContain('demo_total 3');
  });

  it('closes, keep-alive connections included, when the signal aborts', async () => {
    const { server, stop, run, get } = await serve();
    const url = server.url();
    await get('/healthz', { headers: { connection: 'keep-alive' } });
    stop.abort();
    await run;
    expect(() => server.url()).toThrow('not listening');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(server.start(new AbortController().signal)).rejects.toThrow('already called');
  });

  it('rejects start() and listening() when the port is taken', async () => {
    const first = await serve();
    const { port } = await first.server.listening();
    const second = createHealthServer({ port, logger: createLogger({ level: 'silent' }) });
    await expect(second.start(new AbortController().signal)).rejects.toThrow(/EADDRINUSE/);
    await expect(second.listening()).rejects.toThrow(/EADDRINUSE/);
  });
});
