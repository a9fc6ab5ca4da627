/** The webhook metrics under controller-runtime's names, so its dashboards and alerts work unchanged. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The metrics a webhook server updates, labelled by the webhook's path as controller-runtime labels them. */
export interface WebhookMetrics {
  /** `controller_runtime_webhook_requests_total{webhook,code}`: requests answered, by HTTP status code. */
  readonly requestsTotal: Counter<'webhook' | 'code'>;
  /** `controller_runtime_webhook_latency_seconds{webhook}`: time to answer a request. */
  readonly latencySeconds: Histogram<'webhook'>;
  /** `controller_runtime_webhook_requests_in_flight{webhook}`: requests being answered now. */
  readonly requestsInFlight: Gauge<'webhook'>;
}

/**
 * Registers the three webhook metrics on `registry`, or returns the ones already there (two servers in one
 * process share them, as controller-runtime's package-level metrics are shared).
 */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const existing = (name: string) => registry.getSingleMetric(name);
  const registers = [registry];
  const requestsTotal =
    (existing('controller_runtime_webhook_requests_total') as Counter<'webhook' | 'code'> | undefined) ??
    new Counter({
      name: 'controller_runtime_webhook_requests_total',
      help: 'Total number of admission requests by HTTP status code.',
      labelNames: ['webhook', 'code'],
      registers,
    });
  const latencySeconds =
    (existing('controller_runtime_webhook_latency_seconds') as Histogram<'webhook'> | undefined) ??
    new Histogram({
      name: 'controller_runtime_webhook_latency_seconds',
      help: 'Histogram of the latency of processing admission requests',
      labelNames: ['webhook'],
      // controller-runtime uses Prometheus' default buckets here.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  const requestsInFlight =
    (existing('controller_runtime_webhook_requests_in_flight') as Gauge<'webhook'> | undefined) ??
    new Gauge({
      name: 'controller_runtime_webhook_requests_in_flight',
      help: 'Current number of admission requests being served.',
      labelNames: ['webhook'],
      registers,
    });
  return { requestsTotal, latencySeconds, requestsInFlight };
}
