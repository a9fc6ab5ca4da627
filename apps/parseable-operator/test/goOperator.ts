/**
 * The Go Parseable operator (`parseablehq/operator`, unmodified, AGPL: run only as its own process) on the test
 * control plane, for the oracle and migration suites.
 *
 * It watches ParseableTenants in every namespace and has no WATCH_NAMESPACE, while the other test files of this run
 * share the control plane: it would rewrite their children, delete their ConfigMaps (its prune lists by labels) and
 * crash on their `spec.external` (a nil-pointer panic). So it talks to the API server through a small proxy that adds
 * a label selector to its list and watch of ParseableTenants: it sees only the tenants a test labelled for it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPeer, type OperatorProcess, type PeerBuild, startOperator } from '@dsoi/peers';
import type { KubeConfig } from '@kubernetes/client-node';

/** The label that shows a tenant to the Go operator; its value names the Go operator process that may see it. */
export const goOperatorLabel = 'oracle.dsoi.io/go-operator';

/** The Go operator, built once per machine (cached like the control-plane binaries), or why it is not available. */
export const goPeer: PeerBuild = await buildPeer('parseable-operator');

/** A list or watch of ParseableTenants, cluster-wide or in one namespace (not a single object). */
const tenantCollection = /^\/apis\/parseable\.io\/v1beta1\/(namespaces\/[^/]+\/)?parseabletenants$/;

/** Forwards everything to the API server; a list or watch of tenants gets `labelSelector=<label>=<value>` added. */
async function startTenantFilterProxy(kubeConfig: KubeConfig, value: string): Promise<{ url: string; server: Server }> {
  const cluster = kubeConfig.getCurrentCluster()!;
  const user = kubeConfig.getCurrentUser();
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : cluster.caFile && readFileSync(cluster.caFile);
  const agent = new Agent({ keepAlive: true, ...(ca && { ca }) });
  const upstream = new URL(cluster.server);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (req.method === 'GET' && tenantCollection.test(url.pathname)) {
      const own = url.searchParams.get('labelSelector');
      url.searchParams.set('labelSelector', `${own ? `${own},` : ''}${goOperatorLabel}=${value}`);
    }
    const { host: _host, connection: _connection, ...headers } = req.headers;
    const upstreamReq = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, ...(user?.token && { authorization: `Bearer ${user.token}` }) },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    res.on('close', () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A running Go operator. */
export interface GoOperator {
  /** Its log (controller-runtime's development logger: panics, errors, reconciles). */
  log(): string;
  /** Rejects when the process exits on its own (a panic), with the end of its log. */
  readonly crashed: Promise<never>;
  /** SIGTERM, then waits for the exit; closes the proxy and removes the kubeconfig and log. */
  stop(): Promise<void>;
}

/**
 * Starts the Go operator (the peer must be available) seeing only the tenants labelled `goOperatorLabel=<value>`.
 * `RECONCILE_WAIT` is left unset: the Go operator requeues every 5 s whatever it says.
 */
export async function startGoOperator(kubeConfig: KubeConfig, value: string): Promise<GoOperator> {
  if (!goPeer.available) throw new Error(`the Go operator is not available: ${goPeer.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-go-parseable-'));
  const proxy = await startTenantFilterProxy(kubeConfig, value);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'proxy', cluster: { server: proxy.url } }],
      users: [{ name: 'proxy', user: {} }],
      contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } }],
      'current-context': 'proxy',
    }),
  );
  const logFile = join(dir, 'operator.log');
  const child: OperatorProcess = await startOperator({ file: goPeer.binary, args: [] }, { kubeconfig, logFile });
  return {
    log: () => readFileSync(logFile, 'utf8'),
    crashed: child.crashed,
    async stop() {
      await child.stop();
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
