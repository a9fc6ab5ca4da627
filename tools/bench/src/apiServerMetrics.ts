/**
 * Counting an operator's API requests from kube-apiserver's own `/metrics` (`apiserver_request_total`), with the
 * requests that are not the operator's taken out.
 *
 * `apiserver_request_total` has no client label (its `component` label is always `apiserver`), so a difference of two
 * scrapes counts every client. Three kinds of request are taken out, each exactly:
 * - the benchmark's own: it sends every request through one `@dsoi/client` whose `onRequest` observer counts them by
 *   the same verb names ({@link createRequestTally}), and it scrapes only while none of its requests is in flight;
 * - kube-apiserver's own, sent to itself through its loopback client: it renews its identity Lease every 10 s,
 *   allocates each Service's ClusterIP as an IPAddress object, its admission plugins list LimitRanges and
 *   ResourceQuotas on writes, and it reads `/openapi/*`. Requests on those resources ({@link controlPlaneResources})
 *   and on its own non-resource paths (`/readyz`, `/livez`, `/healthz`, `/metrics`, `/openapi/*`) are left out. The
 *   operators' ClusterRoles grant none of these resources (Leases only for leader election, which is off here), so
 *   nothing of theirs is lost;
 * - watches are counted by kube-apiserver when they end, so totals that include them are taken after the operator
 *   exited.
 */
import { request } from 'node:https';
import type { RequestInfo } from '@dsoi/client';
import type { KubeConfig } from '@kubernetes/client-node';

/** Request counts by `apiserver_request_total` verb (`GET`, `LIST`, `WATCH`, `POST`, `PUT`, `PATCH`, `APPLY`, `DELETE`). */
export type RequestsByVerb = Readonly<Record<string, number>>;

/** The verbs in table order. */
export const metricVerbs = ['GET', 'LIST', 'WATCH', 'POST', 'PUT', 'PATCH', 'APPLY', 'DELETE'] as const;

/** `group/resource` of what only kube-apiserver itself reads and writes in these runs. */
export const controlPlaneResources: ReadonlySet<string> = new Set([
  'coordination.k8s.io/leases',
  'networking.k8s.io/ipaddresses',
  'networking.k8s.io/servicecidrs',
  '/limitranges',
  '/resourcequotas',
  'flowcontrol.apiserver.k8s.io/flowschemas',
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations',
]);

/** Non-resource paths kube-apiserver serves to itself, probes and scrapers, never to an operator's informers. */
const ownPaths = /^\/?(readyz|livez|healthz|metrics|openapi)/;

/** Reads `/metrics` of kube-apiserver with the admin credentials and sums `apiserver_request_total` by verb. */
export async function scrapeApiServerRequests(kubeConfig: KubeConfig): Promise<RequestsByVerb> {
  const options: Record<string, unknown> = {};
  await kubeConfig.applyToHTTPSOptions(options as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
  const server = kubeConfig.getCurrentCluster()!.server;
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(new URL('/metrics', server), options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`GET /metrics: HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (controlPlaneResources.has(`${labels.group}/${labels.resource}`)) continue;
    if (labels.resource === '' && ownPaths.test(labels.subresource ?? '')) continue;
    const verb = labels.verb ?? '?';
    counts[verb] = (counts[verb] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

/** `after − before`, verb by verb (verbs with zero left out). */
export function subtractRequests(after: RequestsByVerb, before: RequestsByVerb): RequestsByVerb {
  const result: Record<string, number> = {};
  for (const verb of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const n = (after[verb] ?? 0) - (before[verb] ?? 0);
    if (n !== 0) result[verb] = n;
  }
  return result;
}

/** The sum over every verb. */
export function totalRequests(counts: RequestsByVerb): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** `LIST 4, WATCH 4, APPLY 1,200`: the verbs in table order, zeros left out. */
export function describeRequests(counts: RequestsByVerb): string {
  const verbs = [...metricVerbs, ...Object.keys(counts).filter((v) => !(metricVerbs as readonly string[]).includes(v))];
  const parts = verbs.filter((v) => (counts[v] ?? 0) !== 0).map((v) => `${v} ${counts[v]!.toLocaleString('en-US')}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** A counter of one client's requests under the verbs kube-apiserver's metrics use. */
export interface RequestTally {
  /** The `onRequest` observer to give `createClient`. */
  readonly onRequest: (info: RequestInfo) => void;
  /** The counts so far (a copy). */
  snapshot(): RequestsByVerb;
}

/** Counts a client's requests as kube-apiserver does: by verb, server-side apply as `APPLY`, discovery as `GET`. */
export function createRequestTally(): RequestTally {
  const counts: Record<string, number> = {};
  const byClientVerb: Record<RequestInfo['verb'], string> = {
    get: 'GET',
    list: 'LIST',
    watch: 'WATCH',
    create: 'POST',
    update: 'PUT',
    patch: 'PATCH',
    delete: 'DELETE',
  };
  return {
    onRequest: (info) => {
      if (info.code === 0) return; // no response: the server may never have counted it
      const verb = info.operation.startsWith('apply') ? 'APPLY' : byClientVerb[info.verb];
      counts[verb] = (counts[verb] ?? 0) + 1;
    },
    snapshot: () => ({ ...counts }),
  };
}
