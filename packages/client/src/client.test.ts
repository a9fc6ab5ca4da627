// The client against a scripted HTTP server on 127.0.0.1: headers, bodies, retries, timeouts, abort, bus, counters.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ClientOperationEvent } from '@dsoi/events';
import type { KubeObject } from '@dsoi/object';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientBus, ClientEvents } from './bus.js';
import { type ClientOptions, clientDefaults, createClient } from './client.js';
import type { RequestInfo } from './clientStats.js';
import {
  AlreadyExistsError,
  ConnectionError,
  GoneError,
  KubeApiError,
  NotFoundError,
  ServerError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnknownKindError,
} from './kubeApiError.js';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Handler = (request: Recorded, response: ServerResponse) => void;

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function fakeApiServer(handler: Handler) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => server.close() && server.closeAllConnections() });
  return { port: (server.address() as AddressInfo).port, requests };
}

function kubeConfigFor(port: number): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'secret-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  return kubeConfig;
}

const kinds = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
];

async function setup(handler: Handler, options: Partial<ClientOptions> = {}) {
  const { port, requests } = await fakeApiServer(handler);
  const seen: RequestInfo[] = [];
  const client = createClient({
    kubeConfig: kubeConfigFor(port),
    fieldManager: 'pinot-operator',
    kinds,
    onRequest: (info) => seen.push(info),
    retry: { initialDelayMs: 1, maxDelayMs: 50 },
    ...options,
  });
  return { client, requests, seen, port };
}

function json(response: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function status(code: number, reason: string, message = reason) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'pinot', name: 'broker' };
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'broker', namespace: 'pinot' },
  data: { a: '1' },
};
const live = { ...configMap, metadata: { ...configMap.metadata, uid: 'u-1', resourceVersion: '42' } };

describe('requests', () => {
  it('gets an object with the credentials, Accept and User-Agent of the client', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 200, live));
    expect(await client.get(ref)).toEqual(live);
    const [request] = requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/api/v1/namespaces/pinot/configmaps/broker');
    expect(request?.headers.authorization).toBe('Bearer secret-token');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['user-agent']).toBe(clientDefaults.userAgent);
  });

  it('server-side applies with the apply content type, the field manager and force', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 200, live));
    await client.apply(configMap, { force: true });
    await client.applyStatus({ ...configMap, status: { phase: 'Ready' } }, { fieldManager: 'other', dryRun: true });
    const [apply, applyStatus] = requests;
    expect(apply?.method).toBe('PATCH');
    expect(apply?.url).toBe('/api/v1/namespaces/pinot/configmaps/broker?fieldManager=pinot-operator&force=true');
    expect(apply?.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(JSON.parse(apply?.body ?? '')).toEqual(configMap);
    expect(applyStatus?.url).toBe('/api/v1/namespaces/pinot/configmaps/broker/status?fieldManager=other&dryRun=All');
  });

  it('sends each patch type with its content type', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 200, live));
    await client.patch(ref, { type: 'merge', body: { data: { a: '2' } } });
    await client.patch(live, { type: 'strategic', body: { data: { a: '3' } } });
    await client.patchStatus(ref, { type: 'json', body: [{ op: 'replace', path: '/data/a', value: '4' }] });
    expect(requests.map((r) => r.headers['content-type'])).toEqual([
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
    ]);
    expect(requests[2]?.url).toBe('/api/v1/namespaces/pinot/configmaps/broker/status?fieldManager=pinot-operator');
    expect(JSON.parse(requests[2]?.body ?? '')).toEqual([{ op: 'replace', path: '/data/a', value: '4' }]);
  });

  it('creates on the collection, replaces and deletes with DeleteOptions', async () => {
    const { client, requests } = await setup((req, res) =>
      req.method === 'DELETE' ? json(res, 200, { kind: 'Status', status: 'Success' }) : json(res, 201, live),
    );
    await client.create(configMap);
    await client.replace(live);
    await client.delete(ref, { propagationPolicy: 'Foreground', preconditions: { uid: 'u-1' }, gracePeriodSeconds: 0 });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/v1/namespaces/pinot/configmaps?fieldManager=pinot-operator',
      'PUT /api/v1/namespaces/pinot/configmaps/broker?fieldManager=pinot-operator',
      'DELETE /api/v1/namespaces/pinot/configmaps/broker',
    ]);
    expect(JSON.parse(requests[2]?.body ?? '')).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u-1' },
    });
  });

  it('lists with the query options and fills in apiVersion and kind of the items', async () => {
    const { client, requests } = await setup((_req, res) =>
      json(res, 200, {
        apiVersion: 'v1',
        kind: 'ConfigMapList',
        metadata: { resourceVersion: '7', continue: 'next' },
        items: [{ metadata: { name: 'a' } }],
      }),
    );
    const page = await client.list(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: 'pinot', labelSelector: 'app=x', limit: 1 },
    );
    expect(page.items).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }]);
    expect(page.metadata).toEqual({ resourceVersion: '7', continue: 'next' });
    expect(requests[0]?.url).toBe('/api/v1/namespaces/pinot/configmaps?labelSelector=app%3Dx&limit=1');
    await client.list({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(requests[1]?.url).toBe('/api/v1/configmaps');
  });

  it('reads every page with listAll and iterate', async () => {
    const pages: Record<string, { items: unknown[]; metadata: Record<string, string> }> = {
      '': {
        items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
        metadata: { resourceVersion: '9', continue: 'p2' },
      },
      p2: { items: [{ metadata: { name: 'c' } }], metadata: { resourceVersion: '9' } },
    };
    const { client, requests } = await setup((req, res) => {
      const token = new URL(req.url, 'http://x').searchParams.get('continue') ?? '';
      json(res, 200, { apiVersion: 'v1', kind: 'ConfigMapList', ...pages[token] });
    });
    const type = { apiVersion: 'v1', kind: 'ConfigMap' };
    const all = await client.listAll(type, { namespace: 'pinot', limit: 2 });
    expect(all.items.map((item) => item.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(all.metadata.resourceVersion).toBe('9');
    expect(requests.map((r) => r.url)).toEqual([
      '/api/v1/namespaces/pinot/configmaps?limit=2',
      '/api/v1/namespaces/pinot/configmaps?limit=2&continue=p2',
    ]);
    const names: string[] = [];
    for await (const item of client.iterate(type, { namespace: 'pinot', limit: 2 }))
      names.push(item.metadata?.name ?? '');
    expect(names).toEqual(['a', 'b', 'c']);
  });

  it('decodes a gzipped response and reports Warning headers', async () => {
    const onWarning = vi.fn();
    const { client, requests } = await setup(
      (_req, res) => {
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
          Warning: '299 - "v1 ComponentStatus is deprecated in v1.19+"',
        });
        res.end(gzipSync(JSON.stringify(live)));
      },
      { onWarning },
    );
    expect(await client.get(ref)).toEqual(live);
    expect(requests[0]?.headers['accept-encoding']).toBe('gzip');
    expect(onWarning).toHaveBeenCalledWith(
      'v1 ComponentStatus is deprecated in v1.19+',
      expect.objectContaining({ code: 200 }),
    );
  });
});

describe('discovery', () => {
  it('maps kinds through discovery once per group-version and reports unknown kinds', async () => {
    const { port, requests } = await fakeApiServer((req, res) => {
      if (req.url === '/apis/apps/v1') {
        json(res, 200, {
          kind: 'APIResourceList',
          resources: [{ name: 'statefulsets', kind: 'StatefulSet', namespaced: true }],
        });
      } else if (req.url.startsWith('/apis/datainfra.io/')) {
        json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      } else {
        json(res, 200, { kind: 'StatefulSet', apiVersion: 'apps/v1', metadata: { name: 'x' } });
      }
    });
    const client = createClient({ kubeConfig: kubeConfigFor(port), fieldManager: 'op' });
    const type = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
    await client.get({ ...type, namespace: 'pinot', name: 'x' });
    await client.get({ ...type, namespace: 'pinot', name: 'y' });
    expect(await client.resourceMapping(type)).toMatchObject({ plural: 'statefulsets', namespaced: true });
    expect(requests.map((r) => r.url)).toEqual([
      '/apis/apps/v1',
      '/apis/apps/v1/namespaces/pinot/statefulsets/x',
      '/apis/apps/v1/namespaces/pinot/statefulsets/y',
    ]);
    const err = await client
      .get({ apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', name: 'p' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownKindError);
    expect(client.stats().byVerb.get).toBe(4);
  });
});

describe('retries', () => {
  it('retries a 429 after its Retry-After and counts each attempt', async () => {
    let calls = 0;
    const { client, seen } = await setup((_req, res) =>
      ++calls === 1 ? json(res, 429, status(429, 'TooManyRequests'), { 'Retry-After': '0' }) : json(res, 200, live),
    );
    expect(await client.get(ref)).toEqual(live);
    expect(seen.map((info) => [info.code, info.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ]);
    expect(client.stats()).toEqual({
      requests: 2,
      retries: 1,
      failures: 1,
      byVerb: { get: 2 },
      inFlight: 0,
      waiting: 0,
    });
  });

  it('retries a 429 even for a create, which is never processed when rejected', async () => {
    let calls = 0;
    const { client } = await setup((_req, res) =>
      ++calls === 1 ? json(res, 429, status(429, 'TooManyRequests'), { 'Retry-After': '0' }) : json(res, 201, live),
    );
    await client.create(configMap);
    expect(calls).toBe(2);
  });

  it('retries 5xx on idempotent requests up to maxAttempts, and not on a create', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 503, status(503, 'ServiceUnavailable')), {
      retry: { maxAttempts: 3, initialDelayMs: 1 },
    });
    await expect(client.get(ref)).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(3);
    await expect(client.create(configMap)).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(4);
    await expect(client.get(ref, { retry: { maxAttempts: 1 } })).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(5);
  });

  it('does not wait longer than maxDelayMs for a Retry-After: the error goes to the caller', async () => {
    const { client, requests } = await setup((_req, res) =>
      json(res, 429, status(429, 'TooManyRequests'), { 'Retry-After': '120' }),
    );
    const err = await client.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect((err as TooManyRequestsError).retryAfterMs).toBe(120_000);
    expect(requests).toHaveLength(1);
  });

  it('does not retry what retrying cannot fix', async () => {
    const { client, requests } = await setup((req, res) =>
      req.method === 'POST'
        ? json(res, 409, status(409, 'AlreadyExists', 'configmaps "broker" already exists'))
        : json(res, 404, status(404, 'NotFound', 'configmaps "broker" not found')),
    );
    const notFound = await client.get(ref).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect((notFound as Error).message).toBe('get v1 ConfigMap pinot/broker: NotFound: configmaps "broker" not found');
    const exists = await client.create(configMap).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(AlreadyExistsError);
    expect((exists as Error).message).toBe(
      'create v1 ConfigMap pinot/broker: AlreadyExists: configmaps "broker" already exists',
    );
    expect(requests).toHaveLength(2);
  });

  it('wraps a refused connection in a ConnectionError after retrying it, even for a create', async () => {
    const { port } = await fakeApiServer(() => {});
    for (const server of servers.splice(0)) server.close();
    const seen: RequestInfo[] = [];
    const client = createClient({
      kubeConfig: kubeConfigFor(port),
      fieldManager: 'op',
      kinds,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      onRequest: (info) => seen.push(info),
    });
    const err = await client.create(configMap).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).errno).toBe('ECONNREFUSED');
    expect((err as ConnectionError).notSent).toBe(true);
    expect((err as Error).message).toMatch(/^create v1 ConfigMap pinot\/broker: ConnectionError: .*ECONNREFUSED/);
    expect(seen.map((info) => info.code)).toEqual([0, 0]);
  });
});

describe('timeouts and abort', () => {
  it('fails an attempt after timeoutMs with a client-side TimeoutError', async () => {
    const { client } = await setup(() => {}, { timeoutMs: 50, retry: { maxAttempts: 1 } });
    const err = await client.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe(0);
    expect((err as Error).message).toBe('get v1 ConfigMap pinot/broker: Timeout: no response within 50 ms (timeoutMs)');
  });

  it('rejects with the signal reason on abort, without retrying', async () => {
    const { client, requests } = await setup(() => {});
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = client.get(ref, { signal: controller.signal });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(requests).toHaveLength(1);
    await expect(client.get(ref, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe('bus', () => {
  function recordingBus() {
    const events: Array<[keyof ClientEvents, ClientOperationEvent]> = [];
    const bus: ClientBus = { emit: (type, payload) => events.push([type, payload]) };
    return { bus, events };
  }

  it('announces each write with the live reference, and failures with the error', async () => {
    const { bus, events } = recordingBus();
    const { client } = await setup(
      (req, res) => (req.method === 'POST' ? json(res, 409, status(409, 'AlreadyExists')) : json(res, 200, live)),
      { bus },
    );
    await client.apply(configMap);
    await client.patchStatus(ref, { type: 'merge', body: { status: {} } });
    await client.replace(live);
    await client.delete(ref);
    await client.apply(configMap, { dryRun: true });
    const failure = await client.create(configMap).catch((e: unknown) => e);
    await client.get(ref);
    expect(events.map(([type, payload]) => [type, payload.verb, payload.subresource])).toEqual([
      ['applied', 'apply', undefined],
      ['patched', 'patch', 'status'],
      ['updated', 'update', undefined],
      ['deleted', 'delete', undefined],
      ['failed', 'create', undefined],
    ]);
    expect(events[0]?.[1].ref).toEqual({ ...ref, uid: 'u-1', resourceVersion: '42' });
    expect(events[0]?.[1].durationMs).toBeGreaterThan(0);
    expect(events[4]?.[1].error).toBe(failure);
  });

  it('keeps a write successful when the bus throws', async () => {
    const bus: ClientBus = {
      emit: () => {
        throw new Error('bad handler');
      },
    };
    const { client } = await setup((_req, res) => json(res, 200, live), { bus });
    await expect(client.apply(configMap)).resolves.toEqual(live);
  });
});

describe('event sink', () => {
  it('creates and merge-patches events.k8s.io/v1 Events without announcing them', async () => {
    const { bus, events } = (() => {
      const list: unknown[] = [];
      return { bus: { emit: (...args: unknown[]) => list.push(args) } as ClientBus, events: list };
    })();
    const { client, requests } = await setup((_req, res) => json(res, 201, {}), {
      bus,
      kinds: [{ apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true }],
    });
    const sink = client.eventSink();
    const signal = new AbortController().signal;
    const event = {
      apiVersion: 'events.k8s.io/v1' as const,
      kind: 'Event' as const,
      metadata: { name: 'broker.1', namespace: 'pinot' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'dsoi.io/test',
      reportingInstance: 'test',
      action: 'Scale',
      reason: 'ScaledUp',
      regarding: ref,
      note: 'scaled',
      type: 'Normal' as const,
    };
    await sink.create(event, { signal });
    await sink.patch('pinot', 'broker.1', { series: { count: 2, lastObservedTime: event.eventTime } }, { signal });
    expect(requests.map((r) => `${r.method} ${r.url} ${r.headers['content-type']}`)).toEqual([
      'POST /apis/events.k8s.io/v1/namespaces/pinot/events?fieldManager=pinot-operator application/json',
      'PATCH /apis/events.k8s.io/v1/namespaces/pinot/events/broker.1?fieldManager=pinot-operator application/merge-patch+json',
    ]);
    expect(events).toEqual([]);
  });
});

describe('watch', () => {
  it('streams events from one request with bookmarks on by default', async () => {
    const { client, requests } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: live })}\n{"type":"BOOKM`);
      setTimeout(() => {
        res.write('ARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"50"}}}\n');
        res.end();
      }, 20);
    });
    const events = [];
    for await (const event of client.watch(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: 'pinot', resourceVersion: '41' },
    )) {
      events.push(event);
    }
    expect(events.map((e) => [e.type, e.object.metadata?.resourceVersion])).toEqual([
      ['ADDED', '42'],
      ['BOOKMARK', '50'],
    ]);
    expect(requests[0]?.url).toBe(
      '/api/v1/namespaces/pinot/configmaps?watch=1&resourceVersion=41&allowWatchBookmarks=true',
    );
  });

  it('throws a GoneError when the server answers 410 at once', async () => {
    const { client } = await setup((_req, res) => json(res, 410, status(410, 'Gone', 'too old resource version')));
    const run = async () => {
      for await (const _event of client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { resourceVersion: '1' })) {
        // no events expected
      }
    };
    await expect(run()).rejects.toBeInstanceOf(GoneError);
  });

  it('ends without error when aborted while waiting for events', async () => {
    const { client, requests } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: live })}\n`);
    });
    const controller = new AbortController();
    const types: string[] = [];
    for await (const event of client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { signal: controller.signal })) {
      types.push(event.type);
      setTimeout(() => controller.abort(), 10);
    }
    expect(types).toEqual(['ADDED']);
    expect(requests).toHaveLength(1);
  });
});

describe('odd responses and credentials', () => {
  it('reports a 2xx body that is not JSON as a KubeApiError', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    const err = await client.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).reason).toBe('Unknown');
    expect((err as Error).message).toBe(
      'get v1 ConfigMap pinot/broker: Unknown: the response is not JSON: <html>proxy login</html>',
    );
  });

  it('fails with UnauthorizedError, sending nothing, when the kubeconfig cannot produce credentials', async () => {
    const { port, requests } = await fakeApiServer((_req, res) => json(res, 200, live));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [
        {
          name: 'exec',
          exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/nonexistent/credential-plugin' },
        },
      ],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'exec' }],
      currentContext: 'fake',
    });
    const client = createClient({ kubeConfig, fieldManager: 'op', kinds });
    const err = await client.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).code).toBe(0);
    expect((err as Error).message).toMatch(
      /^get v1 ConfigMap pinot\/broker: Unauthorized: cannot get credentials from the kubeconfig: /,
    );
    expect(requests).toHaveLength(0);
  });
});

describe('input checks', () => {
  it('explains a missing namespace, name or kind', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 200, live));
    await expect(client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' })).rejects.toThrow(
      'get v1 ConfigMap x: a namespace is required for a namespaced kind',
    );
    await expect(client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).rejects.toThrow(
      'apply v1 ConfigMap: the object needs metadata.name',
    );
    await expect(client.get({ apiVersion: 'v1', name: 'x' } as never)).rejects.toThrow(
      'get: the reference needs apiVersion, kind and name',
    );
    expect(() => createClient({ kubeConfig: new KubeConfig(), fieldManager: '' })).toThrow(TypeError);
    expect(requests).toHaveLength(0);
    await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'pinot', namespace: 'ignored' });
    expect(requests[0]?.url).toBe('/api/v1/namespaces/pinot');
  });

  it('creates from generateName', async () => {
    const { client, requests } = await setup((_req, res) => json(res, 201, live));
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'broker-', namespace: 'pinot' },
    });
    expect(requests[0]?.url).toBe('/api/v1/namespaces/pinot/configmaps?fieldManager=pinot-operator');
  });
});

describe('client-side limits', () => {
  it('keeps at most maxConcurrentRequests requests at the server; the rest wait their turn', async () => {
    let atServer = 0;
    let peak = 0;
    const held: ServerResponse[] = [];
    const { client } = await setup(
      (_req, res) => {
        atServer++;
        peak = Math.max(peak, atServer);
        held.push(res);
        res.on('finish', () => atServer--);
      },
      { maxConcurrentRequests: 3 },
    );
    const gets = Array.from({ length: 10 }, () => client.get(ref));
    await vi.waitFor(() => expect(held).toHaveLength(3));
    expect(client.stats()).toMatchObject({ inFlight: 3, waiting: 7 });
    // Answer one request at a time: each answer lets exactly one waiting request through.
    for (let answered = 0; answered < 10; answered++) {
      await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
      json(held.shift()!, 200, live);
    }
    await expect(Promise.all(gets)).resolves.toHaveLength(10);
    expect(peak).toBe(3);
    expect(client.stats()).toMatchObject({ requests: 10, inFlight: 0, waiting: 0 });
  });

  it('an open watch does not hold a slot once its headers arrived', async () => {
    const { client } = await setup(
      (req, res) => {
        if (req.url.includes('watch=true')) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('');
          return;
        }
        json(res, 200, live);
      },
      { maxConcurrentRequests: 1 },
    );
    const abort = new AbortController();
    const events = client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'pinot', signal: abort.signal });
    const iterator = events[Symbol.asyncIterator]();
    const first = iterator.next().catch(() => undefined);
    await vi.waitFor(() => expect(client.stats().byVerb.watch).toBe(1));
    await expect(client.get(ref)).resolves.toEqual(live);
    abort.abort();
    await first;
  });
});

describe('review kinds', () => {
  it('creates a SelfSubjectAccessReview, which takes no metadata at all', async () => {
    const { client, requests } = await setup((_req, res) =>
      json(res, 201, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        status: { allowed: true },
      }),
    );
    client.registerKind({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      plural: 'selfsubjectaccessreviews',
      namespaced: false,
    });
    const review = await client.create<KubeObject<unknown, { allowed: boolean }>>({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
    });
    expect(review.status?.allowed).toBe(true);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(/^\/apis\/authorization\.k8s\.io\/v1\/selfsubjectaccessreviews/),
    });
    expect(JSON.parse(requests[0]!.body)).not.toHaveProperty('metadata');
    // Any other kind still needs a name or a generateName.
    await expect(client.create({ apiVersion: 'v1', kind: 'ConfigMap', data: {} } as KubeObject)).rejects.toThrow(
      /needs metadata.name/,
    );
  });
});
