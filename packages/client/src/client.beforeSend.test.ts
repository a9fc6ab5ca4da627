// RequestOptions.beforeSend against an HTTP server on 127.0.0.1 that counts every request whose headers reached it.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import type { RequestInfo } from './clientStats.js';
import { ServerError } from './kubeApiError.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A server answering `answer(n)` to its n-th request (from 1); `received` counts requests as their headers arrive. */
async function countingServer(answer: (n: number, res: ServerResponse) => void) {
  const received = { count: 0, methods: [] as string[] };
  const server = createServer((req, res) => {
    received.count++;
    received.methods.push(req.method ?? '');
    req.resume();
    req.on('end', () => answer(received.count, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close() && server.closeAllConnections());
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'tester', token: 'token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  const seen: RequestInfo[] = [];
  const client = createClient({
    kubeConfig,
    fieldManager: 'op',
    kinds: [
      { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true },
    ],
    retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
    maxConcurrentRequests: 1,
    onRequest: (info) => seen.push(info),
  });
  return { client, received, seen };
}

function reply(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'cm' };
const configMap = { ...ref, metadata: { name: 'cm', namespace: 'ns' } };
const unavailable = { kind: 'Status', apiVersion: 'v1', code: 503, reason: 'ServiceUnavailable', message: 'busy' };

class Refusal extends Error {}

describe('beforeSend', () => {
  it('sends nothing when it throws: the call rejects with its error, unretried, and the slot is free again', async () => {
    const { client, received, seen } = await countingServer((_n, res) => reply(res, 200, configMap));
    const refusal = new Refusal('not now');
    let calls = 0;
    const refused = client.apply(configMap, {
      beforeSend: () => {
        calls++;
        throw refusal;
      },
    });
    await expect(refused).rejects.toBe(refusal);
    expect(calls).toBe(1);
    expect(received.count).toBe(0);
    expect(seen).toEqual([]);
    expect(client.stats()).toEqual({ requests: 0, retries: 0, failures: 0, byVerb: {}, inFlight: 0, waiting: 0 });
    // The one request slot (maxConcurrentRequests: 1) was released: the next call goes through.
    await client.apply(configMap, { beforeSend: () => {} });
    expect(received).toEqual({ count: 1, methods: ['PATCH'] });
  });

  it('runs before every attempt, holding the request slot, and a throw stops the retries', async () => {
    const { client, received } = await countingServer((_n, res) => reply(res, 503, unavailable));
    const inFlightAtHook: number[] = [];
    const received503 = await client
      .get(ref, { beforeSend: () => void inFlightAtHook.push(client.stats().inFlight) })
      .catch((e: unknown) => e);
    expect(received503).toBeInstanceOf(ServerError);
    expect(received.count).toBe(3);
    expect(inFlightAtHook).toEqual([1, 1, 1]);

    const refusal = new Refusal('lost it');
    let attempts = 0;
    const refused = client.get(ref, {
      beforeSend: () => {
        if (++attempts === 2) throw refusal;
      },
    });
    await expect(refused).rejects.toBe(refusal);
    // The first attempt reached the server (503); the retry was refused before a byte of it left.
    expect(received.count).toBe(4);
    expect(attempts).toBe(2);
  });

  it('guards the Event sink too', async () => {
    const { client, received } = await countingServer((_n, res) => reply(res, 201, {}));
    const sink = client.eventSink();
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e.1', namespace: 'ns' },
    } as Parameters<typeof sink.create>[0];
    const refusal = new Refusal('no');
    const signal = new AbortController().signal;
    const throwing = {
      signal,
      beforeSend: () => {
        throw refusal;
      },
    };
    await expect(sink.create(event, throwing)).rejects.toBe(refusal);
    await expect(sink.patch('ns', 'e.1', { series: { count: 2, lastObservedTime: 'x' } }, throwing)).rejects.toBe(
      refusal,
    );
    expect(received.count).toBe(0);
    await sink.create(event, { signal });
    expect(received).toEqual({ count: 1, methods: ['POST'] });
  });
});
