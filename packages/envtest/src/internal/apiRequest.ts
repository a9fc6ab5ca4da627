/** A minimal HTTPS client for the few calls envtest makes itself (readiness, CRDs, namespaces, tokens). */
import { request } from 'node:https';
import { EnvtestRequestError } from '../errors.js';

export interface ApiTarget {
  readonly server: string;
  readonly token: string;
  readonly ca: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

export function apiRequest(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<ApiResponse> {
  const url = new URL(path, target.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: target.ca,
        timeout: 10_000,
        headers: {
          Authorization: `Bearer ${target.token}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': contentType }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like {@link apiRequest} but throws unless the status is one of `ok` (default any 2xx); parses the JSON body. */
export async function apiCall<T = unknown>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; ok?: readonly number[] } = {},
): Promise<T> {
  const res = await apiRequest(target, method, path, body, options.contentType);
  const ok = options.ok ? options.ok.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) {
    let message = res.body;
    try {
      message = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
    } catch {
      // Not a Status object; keep the raw text.
    }
    throw new EnvtestRequestError(res.status, `${method} ${path}: HTTP ${res.status}: ${message}`);
  }
  return (res.body ? JSON.parse(res.body) : undefined) as T;
}
