/** A fake Pinot controller: a local HTTP server that records every request and answers like Pinot's REST API. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Failure {
  method: string;
  pattern: RegExp;
  status: number;
  body: string;
  times: number;
}

export interface FakePinot {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly schemas: Map<string, string>;
  /** Table configs by name with type, as Pinot keys them: `<tableName>_OFFLINE`, `<tableName>_REALTIME`. */
  readonly tables: Map<string, string>;
  readonly tenants: Map<string, string>;
  /** Answers the next `times` matching requests with `status` (default: for ever). */
  fail(method: string, pattern: RegExp, status: number, options?: { times?: number; body?: string }): void;
  /** Answers matching requests with 200 and a body that never ends (64 KiB chunks until the client leaves). */
  endless(method: string, pattern: RegExp): void;
  /** Bytes of endless bodies sent so far. */
  endlessBytes(): number;
  /** Never answers matching requests (to test timeouts). */
  hang(method: string, pattern: RegExp): void;
  clearFailures(): void;
  /** Calls `listener` with every request, before it is answered; returns the function removing it. */
  onRequest(listener: (request: RecordedRequest) => void): () => void;
  /** `METHOD path` of every request, in order. */
  calls(): string[];
  close(): Promise<void>;
}

/**
 * Starts a fake Pinot on 127.0.0.1 (a free port); with `credentials`, requests without them get 401; with `tls`, it
 * answers https with that key and certificate.
 */
export async function startFakePinot(
  credentials?: { username: string; password: string },
  tls?: { readonly key: string; readonly cert: string },
): Promise<FakePinot> {
  const requests: RecordedRequest[] = [];
  const schemas = new Map<string, string>();
  const tables = new Map<string, string>();
  const tenants = new Map<string, string>();
  let failures: Failure[] = [];
  const hanging: { method: string; pattern: RegExp }[] = [];
  const listeners = new Set<(request: RecordedRequest) => void>();
  const endless: { method: string; pattern: RegExp }[] = [];
  let endlessBytes = 0;
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const sendForever = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"padding":"');
    const pump = () => {
      for (let more = true; more && !res.destroyed; endlessBytes += chunk.length) more = res.write(chunk);
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    : undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const nameOf = (body: string, key: string) => {
    try {
      return (JSON.parse(body) as Record<string, string>)[key];
    } catch {
      return undefined;
    }
  };

  /**
   * Tables as Pinot models them: one name holds up to two tables, OFFLINE and REALTIME (a hybrid table). GET with
   * `?type=` answers `{"<TYPE>": config}` or `{}`; without it, every type of that name. POST creates the type its
   * config names (409 if that one exists); PUT updates the type its body names (404 if that one is missing); DELETE
   * with `?type=` removes that type, without it both.
   */
  function answerTable(
    method: string,
    name: string | undefined,
    type: string | null,
    body: string,
    res: ServerResponse,
  ) {
    const typesOf = (requested: string | null) =>
      requested === null ? ['OFFLINE', 'REALTIME'] : [requested.toUpperCase()];
    const config = () => {
      try {
        return JSON.parse(body) as { tableName?: string; tableType?: string };
      } catch {
        return undefined;
      }
    };
    if (method === 'GET' && name) {
      const found: Record<string, unknown> = {};
      for (const t of typesOf(type)) {
        const stored = tables.get(`${name}_${t}`);
        if (stored) found[t] = JSON.parse(stored);
      }
      return send(res, 200, found);
    }
    if (method === 'POST' && !name) {
      const table = config();
      const tableType = table?.tableType?.toUpperCase();
      if (!table?.tableName || (tableType !== 'OFFLINE' && tableType !== 'REALTIME')) {
        return send(res, 400, { code: 400, error: 'invalid table config' });
      }
      const key = `${table.tableName}_${tableType}`;
      if (tables.has(key)) return send(res, 409, { code: 409, error: `Table ${key} already exists` });
      tables.set(key, body);
      return send(res, 200, { status: `Table ${key} succesfully added` });
    }
    if (method === 'PUT' && name) {
      const tableType = config()?.tableType?.toUpperCase();
      const key = `${name}_${tableType}`;
      if (!tables.has(key)) return send(res, 404, { code: 404, error: `Table ${key} does not exist` });
      tables.set(key, body);
      return send(res, 200, { status: `Table config updated for ${key}` });
    }
    if (method === 'DELETE' && name) {
      const deleted = typesOf(type).filter((t) => tables.delete(`${name}_${t}`));
      if (deleted.length === 0) return send(res, 404, { code: 404, error: `Table ${name} not found` });
      return send(res, 200, { status: `Tables: [${deleted.map((t) => `${name}_${t}`).join(', ')}] deleted` });
    }
    return send(res, 405, { code: 405, error: `${method} /tables` });
  }

  function answer(method: string, path: string, body: string, res: ServerResponse) {
    const url = new URL(path, 'http://pinot');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const [collection, name, action] = parts;
    if (collection === 'tables') return answerTable(method, name, url.searchParams.get('type'), body, res);
    const store = collection === 'schemas' ? schemas : collection === 'tenants' ? tenants : undefined;
    if (collection === 'segments' && action === 'reload' && method === 'POST') {
      return send(res, 200, { status: `Request to reload all segments of table ${name} submitted` });
    }
    if (!store) return send(res, 404, { code: 404, error: `no route ${path}` });
    const key = collection === 'schemas' ? 'schemaName' : 'tenantName';
    if (method === 'GET' && name) {
      const found = store.get(name);
      return found ? send(res, 200, found) : send(res, 404, { code: 404, error: `${name} not found` });
    }
    if (method === 'POST' && !name) {
      const created = nameOf(body, key);
      if (!created) return send(res, 400, { code: 400, error: 'invalid JSON' });
      if (store.has(created)) return send(res, 409, { code: 409, error: `${created} already exists` });
      store.set(created, body);
      return send(res, 200, { status: `${created} successfully added` });
    }
    if (method === 'PUT') {
      const updated = name ?? nameOf(body, key);
      if (!updated || !store.has(updated)) return send(res, 404, { code: 404, error: `${updated} not found` });
      store.set(updated, body);
      return send(res, 200, { status: `${updated} successfully updated` });
    }
    if (method === 'DELETE' && name) {
      if (!store.delete(name)) return send(res, 404, { code: 404, error: `${name} not found` });
      return send(res, 200, { status: `${name} successfully deleted` });
    }
    return send(res, 405, { code: 405, error: `${method} ${path}` });
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const request = { method, path, headers: req.headers, body };
      requests.push(request);
      for (const listener of listeners) listener(request);
      if (hanging.some((h) => h.method === method && h.pattern.test(path))) return;
      if (endless.some((h) => h.method === method && h.pattern.test(path))) return sendForever(res);
      if (expected && req.headers.authorization !== expected)
        return send(res, 401, { code: 401, error: 'HTTP 401 Unauthorized' });
      const failure = failures.find((f) => f.method === method && f.pattern.test(path) && f.times > 0);
      if (failure) {
        failure.times--;
        return send(res, failure.status, failure.body);
      }
      answer(method, path, body, res);
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    schemas,
    tables,
    tenants,
    fail(method, pattern, status, options = {}) {
      failures.push({
        method,
        pattern,
        status,
        times: options.times ?? Number.POSITIVE_INFINITY,
        body: options.body ?? JSON.stringify({ code: status, error: 'injected failure' }),
      });
    },
    endless(method, pattern) {
      endless.push({ method, pattern });
    },
    endlessBytes: () => endlessBytes,
    hang(method, pattern) {
      hanging.push({ method, pattern });
    },
    clearFailures() {
      failures = [];
      hanging.length = 0;
      endless.length = 0;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    calls: () => requests.map((r) => `${r.method} ${r.path}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
