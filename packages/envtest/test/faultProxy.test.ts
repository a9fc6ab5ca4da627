import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ControlPlane, startControlPlane } from '../src/index.js';
import {
  createFaultProxy,
  createTestNamespace,
  type FaultProxy,
  kubeconfigEnv,
  serviceAccountKubeConfig,
} from '../src/testing.js';

/** expect.poll options: generous, as the 2-core CI machine is shared. */
const slow = { timeout: 15_000, interval: 20 };

let plane: ControlPlane;
let proxy: FaultProxy;
let ns: string;
let token: string;

beforeAll(async () => {
  plane = await startControlPlane();
  proxy = await createFaultProxy({ kubeConfig: plane.kubeConfig });
  ns = await createTestNamespace(plane.kubeConfig, 'proxy');
  token = plane.kubeConfig.getCurrentUser()!.token!;
});
afterEach(() => {
  proxy.clearFaults();
  proxy.refuseConnections(false);
  proxy.dropWatches();
});
afterAll(async () => {
  await proxy?.close();
  await plane?.stop();
});

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** A request under way: its reply, whether it settled, and a way to leave. */
interface Sent {
  readonly reply: Promise<Reply>;
  settled(): boolean;
  abandon(): void;
}

/** Starts one request through the proxy on its own connection; the reply rejects on a connection error. */
function start(
  method: string,
  path: string,
  body?: unknown,
  { contentType = 'application/json', bearer = token, userAgent = 'faultproxy-test' } = {},
): Sent {
  let settled = false;
  let req: ReturnType<typeof request> | undefined;
  const reply = new Promise<Reply>((resolve, reject) => {
    req = request(
      `${proxy.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          Authorization: `Bearer ${bearer}`,
          Accept: 'application/json',
          'User-Agent': userAgent,
          ...(body === undefined ? {} : { 'Content-Type': contentType }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  }).finally(() => {
    settled = true;
  });
  return {
    reply,
    settled: () => settled,
    abandon: () => {
      reply.catch(() => {});
      req?.destroy();
    },
  };
}

/** One request through the proxy on its own connection; rejects on a connection error (code ECONNRESET, ...). */
function send(method: string, path: string, body?: unknown, options: Parameters<typeof start>[3] = {}): Promise<Reply> {
  return start(method, path, body, options).reply;
}

/** An open watch through the proxy: its response, the events so far, and how the stream ended. */
interface OpenWatch {
  readonly res: IncomingMessage;
  readonly events: { type: string; object: { metadata?: { name?: string }; reason?: string; code?: number } }[];
  /** 'complete': the stream ended cleanly (terminating chunk); 'aborted': the connection broke first. */
  readonly ended: Promise<'complete' | 'aborted'>;
}

function openWatch(path: string): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}${path}`, {
      agent: false,
      headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'faultproxy-test' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const events: OpenWatch['events'] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on('error', () => {}); // an aborted stream; 'close' reports it
      const ended = new Promise<'complete' | 'aborted'>((done) =>
        res.on('close', () => done(res.complete ? 'complete' : 'aborted')),
      );
      resolve({ res, events, ended });
    });
    req.end();
  });
}

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** kube-apiserver's own count of open WATCH requests on `resource` (its `apiserver_longrunning_requests` gauge). */
async function serverWatches(resource: string): Promise<number> {
  const reply = await send('GET', '/metrics');
  let total = 0;
  for (const line of reply.text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{')) continue;
    if (line.includes(`resource="${resource}"`) && line.includes('verb="WATCH"'))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

const configMap = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

describe('forwarding', () => {
  it('serves reads and writes of @kubernetes/client-node through the proxy kubeConfig, and logs them', async () => {
    expect(new URL(proxy.url).hostname).toBe('127.0.0.1');
    expect(proxy.kubeConfig.getCurrentCluster()?.server).toBe(proxy.url);
    expect(proxy.kubeConfig.getCurrentUser()?.token).toBe(token);
    const core = proxy.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('fwd', { a: '1' }) });
    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'fwd' });
    expect(read.data).toEqual({ a: '1' });
    const [create, get] = proxy.log.slice(-2);
    expect(create).toMatchObject({
      method: 'POST',
      verb: 'create',
      resource: 'configmaps',
      namespace: ns,
      status: 201,
    });
    expect(get).toMatchObject({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/fwd`,
      verb: 'get',
      group: '',
      resource: 'configmaps',
      namespace: ns,
      name: 'fwd',
      status: 200,
      fault: undefined,
    });
    expect(get!.time).toBeInstanceOf(Date);
  });

  it('forwards the Authorization header as sent, so other identities keep their own RBAC', async () => {
    const sa = await serviceAccountKubeConfig(plane.kubeConfig, { namespace: ns, name: 'nobody' });
    const reply = await send('GET', `/api/v1/namespaces/${ns}/configmaps`, undefined, {
      bearer: sa.getCurrentUser()!.token!,
    });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text).message).toContain(`system:serviceaccount:${ns}:nobody`);
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'list', status: 403, userAgent: 'faultproxy-test' });
  });
});

describe('status faults', () => {
  it('answers a write with 429 and Retry-After without forwarding it, then retires after `times`', async () => {
    proxy.inject({
      match: { writes: true, resource: 'configmaps', namespace: ns },
      fault: { type: 'status', code: 429, retryAfterSeconds: 7 },
      times: 1,
    });
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const limited = await send('POST', path, configMap('limited'));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.headers['content-type']).toBe('application/json');
    expect(JSON.parse(limited.text)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 7 },
    });
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'create', status: 429, fault: 'status' });
    expect((await send('GET', `${path}/limited`)).status).toBe(404); // it never reached the API server
    expect((await send('POST', path, configMap('limited'))).status).toBe(201);
  });

  it('answers every second write with 409 Conflict, and only those are lost', async () => {
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('every2', { n: 'start' }) });
    proxy.inject({
      match: { writes: true, namespace: ns, name: 'every2' },
      fault: { type: 'status', code: 409 },
      every: 2,
    });
    const path = `/api/v1/namespaces/${ns}/configmaps/every2`;
    const replies: Reply[] = [];
    for (const n of ['1', '2', '3', '4', '5']) {
      const reply = await send('PATCH', path, { data: { n } }, { contentType: 'application/merge-patch+json' });
      replies.push(reply);
      // Reads in between are not writes: they neither fail nor advance the count.
      expect((await send('GET', path)).status).toBe(200);
    }
    expect(replies.map((r) => r.status)).toEqual([200, 409, 200, 409, 200]);
    expect(JSON.parse(replies[1]!.text)).toMatchObject({ reason: 'Conflict', code: 409, details: { name: 'every2' } });
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'every2' })).data).toEqual({ n: '5' });
    const writes = proxy.log.filter((r) => r.name === 'every2' && r.verb === 'patch');
    expect(writes.map((r) => r.fault)).toEqual([undefined, 'status', undefined, 'status', undefined]);
  });

  it('lets a client-node write see the injected status as an ApiException', async () => {
    proxy.inject({ match: { verbs: ['create'], namespace: ns }, fault: { type: 'status', code: 503 }, times: 1 });
    const core = proxy.kubeConfig.makeApiClient(CoreV1Api);
    const error = await core.createNamespacedConfigMap({ namespace: ns, body: configMap('unavailable') }).then(
      () => undefined,
      (err: { code?: number; body?: string }) => err,
    );
    expect(error?.code).toBe(503);
    expect(JSON.parse(error!.body!)).toMatchObject({ reason: 'ServiceUnavailable' });
  });
});

describe('watches', () => {
  it('streams watch events as they happen', async () => {
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    expect(watch.res.statusCode).toBe(200);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(1);
    await plane.kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespacedConfigMap({ namespace: ns, body: configMap('streamed') });
    // The stream stays open, so this event can only have arrived unbuffered.
    await expect
      .poll(() => watch.events.some((e) => e.type === 'ADDED' && e.object.metadata?.name === 'streamed'), slow)
      .toBe(true);
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'watch', resource: 'configmaps', status: 200 });
    expect(proxy.dropWatches()).toBe(1);
    expect(await watch.ended).toBe('complete');
  });

  it('answers `gone` on a watch with HTTP 200, one in-stream 410 Expired ERROR event, and the end', async () => {
    proxy.inject({ match: { verbs: ['watch'], namespace: ns }, fault: { type: 'gone' }, times: 1 });
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=1`);
    expect(watch.res.statusCode).toBe(200);
    expect(await watch.ended).toBe('complete');
    expect(watch.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 }),
      },
    ]);
    expect(watch.events[0]!.object).toMatchObject({ message: expect.stringMatching(/^too old resource version: 1 /) });
    expect(proxy.log.at(-1)).toMatchObject({
      verb: 'watch',
      status: 200,
      fault: 'gone',
      watchError: { code: 410, reason: 'Expired' },
    });
    expect(proxy.stats().openWatches).toBe(0);
  });

  it('answers `gone` on a list with a 410 Expired Status', async () => {
    proxy.inject({ match: { verbs: ['list'], namespace: ns }, fault: { type: 'gone' }, times: 1 });
    const reply = await send('GET', `/api/v1/namespaces/${ns}/configmaps?resourceVersion=1&resourceVersionMatch=Exact`);
    expect(reply.status).toBe(410);
    expect(JSON.parse(reply.text)).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('dropWatches ends a client-node watch, and only the matching ones', async () => {
    const done: (Error | null)[] = [];
    const events: string[] = [];
    const watcher = new Watch(proxy.kubeConfig);
    const configMaps = await watcher.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (type, obj: { metadata: { name: string } }) => events.push(`${type} ${obj.metadata.name}`),
      (err: Error | null) => done.push(err),
    );
    const secrets = await openWatch(`/api/v1/namespaces/${ns}/secrets?watch=true`);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(2);
    expect(proxy.dropWatches({ match: { resource: 'secrets' } })).toBe(1);
    expect(await secrets.ended).toBe('complete');
    expect(proxy.stats().openWatches).toBe(1);
    expect(done).toEqual([]);
    expect(proxy.dropWatches()).toBe(1);
    await expect.poll(() => done.length, slow).toBe(1);
    expect(done[0]).toBeNull(); // a clean end: to client-node it looks like the server's own watch timeout
    expect(proxy.stats().openWatches).toBe(0);
    configMaps.abort();
  });

  it('closes the upstream watch when it drops one or the client leaves', async () => {
    const base = await serverWatches('secrets'); // kube-apiserver's own informers watch secrets too
    const dropped = await openWatch(`/api/v1/namespaces/${ns}/secrets?watch=true&labelSelector=drop`);
    const left = await openWatch(`/api/v1/namespaces/${ns}/secrets?watch=true`);
    await expect.poll(() => serverWatches('secrets'), slow).toBe(base + 2);
    expect(proxy.dropWatches({ match: { path: /labelSelector=drop/ } })).toBe(1);
    expect(await dropped.ended).toBe('complete');
    await expect.poll(() => serverWatches('secrets'), slow).toBe(base + 1);
    left.res.destroy();
    await left.ended;
    await expect.poll(() => serverWatches('secrets'), slow).toBe(base);
    expect(proxy.stats().openWatches).toBe(0);
  });

  it('dropWatches with reset breaks the connection', async () => {
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(1);
    expect(proxy.dropWatches({ reset: true })).toBe(1);
    expect(await watch.ended).toBe('aborted');
    expect(proxy.stats().openWatches).toBe(0);
  });
});

describe('connection faults', () => {
  it('stalls a request before forwarding it', async () => {
    proxy.inject({ match: { verbs: ['get'], name: 'fwd' }, fault: { type: 'stall', delayMs: 1_500 }, times: 1 });
    const start = performance.now();
    const reply = await send('GET', `/api/v1/namespaces/${ns}/configmaps/fwd`);
    const elapsed = performance.now() - start;
    expect(reply.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(1_450);
    expect(proxy.log.at(-1)).toMatchObject({ fault: 'stall', status: 200 });
    expect(proxy.log.at(-1)!.durationMs).toBeGreaterThanOrEqual(1_450);
  });

  it('resets the connection without a response', async () => {
    proxy.inject({ match: { verbs: ['get'], name: 'fwd' }, fault: { type: 'reset' }, times: 1 });
    const path = `/api/v1/namespaces/${ns}/configmaps/fwd`;
    await expect(send('GET', path)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'get', fault: 'reset', status: 0 });
    expect((await send('GET', path)).status).toBe(200);
  });

  it('refuses connections while told to, open watches included, and serves again afterwards', async () => {
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(1);
    const requestsBefore = proxy.stats().requests;
    proxy.refuseConnections(true);
    expect(await watch.ended).toBe('aborted');
    await expect(send('GET', `/api/v1/namespaces/${ns}/configmaps`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.stats().requests).toBe(requestsBefore); // refused before any request was read
    proxy.refuseConnections(false);
    expect((await send('GET', `/api/v1/namespaces/${ns}/configmaps`)).status).toBe(200);
  });

  it('counts concurrent non-watch requests in maxInFlight', async () => {
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(1);
    proxy.resetStats();
    expect(proxy.stats()).toEqual({ requests: 0, faultsInjected: 0, openWatches: 1, inFlight: 0, maxInFlight: 0 });
    expect(proxy.log).toEqual([]);
    proxy.inject({ match: { verbs: ['get'], name: 'fwd' }, fault: { type: 'stall', delayMs: 3_000 } });
    const path = `/api/v1/namespaces/${ns}/configmaps/fwd`;
    const replies = Promise.all(Array.from({ length: 5 }, () => send('GET', path)));
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(5);
    expect((await replies).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(0);
    expect(proxy.stats()).toEqual({ requests: 5, faultsInjected: 5, openWatches: 1, inFlight: 0, maxInFlight: 5 });
    // Sequential requests never overlap.
    proxy.clearFaults();
    proxy.resetStats();
    for (let i = 0; i < 3; i += 1) await send('GET', path);
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(0);
    expect(proxy.stats().maxInFlight).toBe(1);
    proxy.dropWatches();
    await watch.ended;
  });

  it('counts a request the client abandons during a stall exactly once', async () => {
    proxy.resetStats();
    proxy.inject({ match: { verbs: ['get'], name: 'fwd' }, fault: { type: 'stall', delayMs: 60_000 }, times: 1 });
    const req = request(`${proxy.url}/api/v1/namespaces/${ns}/configmaps/fwd`, {
      agent: false,
      headers: { Authorization: `Bearer ${token}` },
    });
    req.on('error', () => {});
    req.end();
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(1);
    req.destroy();
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(0);
    expect(proxy.stats().maxInFlight).toBe(1);
    expect((await send('GET', `/api/v1/namespaces/${ns}/configmaps/fwd`)).status).toBe(200);
    expect(proxy.stats().inFlight).toBe(0);
  });
});

describe('faults after the API server acted', () => {
  it('lostResponse: the create is committed on the server while the client sees a reset, so a retry collides', async () => {
    proxy.inject({ match: { verbs: ['create'], namespace: ns }, fault: { type: 'lostResponse' }, times: 1 });
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await expect(send('POST', path, configMap('committed', { n: '1' }))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'create', fault: 'lostResponse', status: 0, upstreamStatus: 201 });
    // Read back from the API server directly, not through the proxy: the write happened.
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'committed' })).data).toEqual({ n: '1' });
    // The blind retry a client makes after a connection error.
    const retry = await send('POST', path, configMap('committed', { n: '1' }));
    expect(retry.status).toBe(409);
    expect(JSON.parse(retry.text)).toMatchObject({ reason: 'AlreadyExists' });
  });

  it('lostResponse on a client-node patch: rejected, yet applied', async () => {
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('lost-patch', { n: '0' }) });
    proxy.inject({ match: { verbs: ['patch'], name: 'lost-patch' }, fault: { type: 'lostResponse' }, times: 1 });
    const path = `/api/v1/namespaces/${ns}/configmaps/lost-patch`;
    const patch = send('PATCH', path, { data: { n: '1' } }, { contentType: 'application/merge-patch+json' });
    await expect(patch).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'patch', fault: 'lostResponse', status: 0, upstreamStatus: 200 });
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'lost-patch' })).data).toEqual({ n: '1' });
  });

  it('delay: the write is visible on the server while the client still waits for its response', async () => {
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('delayed', { n: '0' }) });
    proxy.inject({
      match: { verbs: ['patch'], name: 'delayed' },
      fault: { type: 'delay', delayMs: 120_000 },
      times: 1,
    });
    const path = `/api/v1/namespaces/${ns}/configmaps/delayed`;
    const held = start('PATCH', path, { data: { n: '1' } }, { contentType: 'application/merge-patch+json' });
    const read = async () => (await core.readNamespacedConfigMap({ namespace: ns, name: 'delayed' })).data?.n;
    await expect.poll(read, slow).toBe('1');
    await expect.poll(() => proxy.log.at(-1)?.upstreamStatus, slow).toBe(200);
    expect(held.settled()).toBe(false);
    expect(proxy.log.at(-1)).toMatchObject({ verb: 'patch', fault: 'delay', status: 0, durationMs: undefined });
    expect(proxy.stats().inFlight).toBe(1);
    held.abandon();
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(0);

    // A short delay ends in the API server's own answer.
    proxy.inject({ match: { verbs: ['patch'], name: 'delayed' }, fault: { type: 'delay', delayMs: 200 }, times: 1 });
    const reply = await send('PATCH', path, { data: { n: '2' } }, { contentType: 'application/merge-patch+json' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).data).toEqual({ n: '2' });
    expect(proxy.log.at(-1)).toMatchObject({ fault: 'delay', status: 200, upstreamStatus: 200 });
  });

  it("stalls only one client's Lease requests, matched by user agent", async () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'op' },
      spec: { holderIdentity: 'operator-a', leaseDurationSeconds: 4 },
    };
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    expect((await send('POST', leases, lease)).status).toBe(201);
    proxy.resetStats();
    proxy.inject({
      match: { resource: 'leases', userAgent: 'operator-a' },
      fault: { type: 'stall', delayMs: 120_000 },
    });
    const aLease = start('GET', `${leases}/op`, undefined, { userAgent: 'operator-a' });
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(1);
    // The same client's other requests, and the other client's Lease requests, pass.
    const aOther = await send('GET', `/api/v1/namespaces/${ns}/configmaps`, undefined, { userAgent: 'operator-a' });
    const bLease = await send('GET', `${leases}/op`, undefined, { userAgent: 'operator-b' });
    const bRenew = await send('PUT', `${leases}/op`, { ...lease, metadata: JSON.parse(bLease.text).metadata });
    expect([aOther.status, bLease.status, bRenew.status]).toEqual([200, 200, 200]);
    expect(aLease.settled()).toBe(false);
    expect(proxy.log.map((r) => [r.userAgent, r.resource, r.fault ?? '-'])).toEqual([
      ['operator-a', 'leases', 'stall'],
      ['operator-a', 'configmaps', '-'],
      ['operator-b', 'leases', '-'],
      ['faultproxy-test', 'leases', '-'],
    ]);
    aLease.abandon();
    await expect.poll(() => proxy.stats().inFlight, slow).toBe(0);
  });
});

describe('an API server that goes away', () => {
  it('resets the client connection, breaks open watches, recovers when it is back, and logs its in-stream 410', async () => {
    const watch = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=true`);
    await expect.poll(() => proxy.stats().openWatches, slow).toBe(1);
    await plane.stopApiServer();
    try {
      expect(await watch.ended).toBe('aborted');
      await expect(send('GET', `/api/v1/namespaces/${ns}/configmaps`)).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(proxy.log.at(-1)).toMatchObject({ status: 0, error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await plane.startApiServer();
    }
    expect((await send('GET', `/api/v1/namespaces/${ns}/configmaps`)).status).toBe(200);
    expect(proxy.stats()).toMatchObject({ openWatches: 0, inFlight: 0 });

    // The new server's watch cache starts at the current resourceVersion: an older one gets its own in-stream 410.
    const stale = await openWatch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=1`);
    expect(await stale.ended).toBe('complete');
    expect(stale.events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ code: 410, reason: 'Expired' }) },
    ]);
    const record = proxy.log.findLast((r) => r.verb === 'watch');
    expect(record).toMatchObject({ status: 200, upstreamStatus: 200, fault: undefined });
    expect(record?.watchError).toEqual({ code: 410, reason: 'Expired', message: expect.stringMatching(/^too old/) });
  });
});

describe('close', () => {
  it('stops listening and breaks open connections; also on abort', async () => {
    const controller = new AbortController();
    const own = await createFaultProxy({ kubeConfig: plane.kubeConfig, signal: controller.signal, logLimit: 2 });
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      request(`${own.url}/api/v1/namespaces/${ns}/configmaps?watch=true`, {
        agent: false,
        headers: { Authorization: `Bearer ${token}` },
      })
        .on('response', resolve)
        .on('error', reject)
        .end(),
    );
    res.resume();
    res.on('error', () => {});
    const ended = new Promise<boolean>((resolve) => res.on('close', () => resolve(res.complete)));
    for (const name of ['a', 'b', 'c']) {
      await fetch(`${own.url}/api/v1/namespaces/${ns}/configmaps/${name}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    }
    expect(own.log.map((r) => r.name)).toEqual(['b', 'c']); // logLimit keeps the newest
    controller.abort();
    expect(await ended).toBe(false);
    await expect.poll(() => portOpen(own.url), slow).toBe(false);
    await own.close(); // idempotent
  });

  it('rejects an already aborted signal and a bad logLimit', async () => {
    await expect(
      createFaultProxy({ kubeConfig: plane.kubeConfig, signal: AbortSignal.abort(new Error('stop')) }),
    ).rejects.toThrow('stop');
    await expect(createFaultProxy({ kubeConfig: plane.kubeConfig, logLimit: -1 })).rejects.toThrow(RangeError);
  });

  it('throws ProxyFailed when the port is taken', async () => {
    const port = Number(new URL(proxy.url).port);
    await expect(createFaultProxy({ kubeConfig: plane.kubeConfig, port })).rejects.toMatchObject({
      name: 'EnvtestError',
      reason: 'ProxyFailed',
      message: expect.stringContaining('EADDRINUSE'),
    });
  });
});

describe('README example', () => {
  it('runs examples/faultProxy.ts against the real control plane', async () => {
    process.env[kubeconfigEnv] = plane.kubeconfigPath;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../examples/faultProxy.js');
      expect(log.mock.calls[0]).toEqual([[429, 201, 409], 1]);
    } finally {
      log.mockRestore();
      delete process.env[kubeconfigEnv];
    }
  });
});
