/** `rest_client_*` metrics (client-go's names) fed by `@dsoi/client`'s `onRequest` observer. */
import type { RequestInfo } from '@dsoi/client';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Registers `rest_client_requests_total{code,method,host}` and `rest_client_request_duration_seconds{verb,host}` on
 * `registry` and returns the `onRequest` observer to pass to `createClient`.
 */
export function createRestClientMetrics(registry: Registry): (info: RequestInfo) => void {
  const requests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by verb, and host.',
    labelNames: ['verb', 'host'],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [registry],
  });
  return (info) => {
    // client-go reports a failed connection as code "<error>".
    requests.inc({ code: info.code === 0 ? '<error>' : String(info.code), method: info.method, host: info.host });
    duration.observe({ verb: info.method, host: info.host }, info.durationMs / 1000);
  };
}
