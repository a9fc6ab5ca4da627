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
});
