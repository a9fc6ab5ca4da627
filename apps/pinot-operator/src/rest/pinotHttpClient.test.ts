import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPinotHttpClient, PinotRequestError } from './pinotHttpClient.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createPinotHttpClient', () => {
  it('sends JSON with basic auth and returns any status with the body', async () => {
    const seen: Record<string, string | undefined> = {};
    const url = await serve((req, res) => {
      seen.auth = req.headers.authorization;
      seen.type = req.headers['content-type'];
      res.writeHead(409).end('{"code":409}');
    });
    const client = createPinotHttpClient({ baseUrl: `${url}/`, credentials: { username: 'u', password: 'p' } });
    expect(await client.request('DELETE', '/schemas/x')).toEqual({ status: 409, body: '{"code":409}' });
    expect(seen).toEqual({ auth: `Basic ${Buffer.from('u:p').toString('base64')}`, type: 'application/json' });
  });

  it('gives up on a hung controller after timeoutMs with an error that names the call, not the credentials (bug 20)', async () => {
    const url = await serve(() => {});
    const client = createPinotHttpClient({
      baseUrl: url,
      credentials: { username: 'u', password: 'secret' },
      timeoutMs: 200,
    });
    const error = await client.request('GET', '/schemas/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinotRequestError);
    expect(String((error as Error).message)).toBe('GET /schemas/x: no answer from the Pinot controller: timed out');
    expect(String((error as Error).message)).not.toContain('secret');
  });

  it('reports a refused connection as a PinotRequestError', async () => {
    const url = await serve(() => {});
    const closing = servers.pop()!;
    await new Promise((resolve) => closing.close(resolve));
    const client = createPinotHttpClient({ baseUrl: url, timeoutMs: 2_000 });
    await expect(client.request('GET', '/tables/t')).rejects.toThrow(
      /GET \/tables\/t: no answer from the Pinot controller: ECONNREFUSED/,
    );
  });

  it('cuts off a body that never ends at maxResponseBytes and fails with reason ResponseTooLarge', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        for (let more = true; more && !res.destroyed; sent += chunk.length) more = res.write(chunk);
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const client = createPinotHttpClient({ baseUrl: url, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 });
    const error = await client.request('GET', '/tables/t').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PinotRequestError);
    expect(error).toMatchObject({ reason: 'ResponseTooLarge' });
    expect((error as Error).message).toBe('GET /tables/t: response body cut off past 1048576 bytes (the limit)');
    // The fault hit: the server kept sending past the limit; the client stopped reading near it.
    expect(sent).toBeGreaterThan(1024 * 1024);
    // A body at the limit is read whole.
    const exact = await serve((_req, res) => res.end('y'.repeat(1024)));
    expect(await createPinotHttpClient({ baseUrl: exact, maxResponseBytes: 1024 }).request('GET', '/x')).toEqual({
      status: 200,
      body: 'y'.repeat(1024),
    });
  });
});
