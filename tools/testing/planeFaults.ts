/**
 * Faults of the control plane itself, for fault suites that start a control plane of their own (stopping or
 * compacting the shared one would break the other test files): etcd compacted while the operator was cut off, so its
 * informers meet kube-apiserver's own 410 Expired.
 */
import type { ControlPlane } from '@dsoi/envtest';
import type { FaultProxy, ProxyRequestRecord } from '@dsoi/envtest/testing';
import { waitUntil } from './faultScenario.ts';

/** Compacts etcd's history up to now (kube-apiserver does it every 5 minutes), through etcd's JSON gateway. */
export async function compactEtcd(etcdUrl: string): Promise<void> {
  const call = async <T>(path: string, body: object): Promise<T> => {
    const response = await fetch(`${etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`etcd ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const key = Buffer.from('/dsoi-test/compaction-marker').toString('base64');
  for (const value of ['1', '2']) await call('/v3/kv/put', { key, value: Buffer.from(value).toString('base64') });
  const { header } = await call<{ header: { revision: string } }>('/v3/kv/range', { key });
  await call('/v3/kv/compaction', { revision: header.revision, physical: true });
}

/**
 * Cuts the operator behind `proxy` off (connections refused, watches dropped), runs `behindItsBack` (changes it must
 * learn of later), stops kube-apiserver, compacts etcd, starts kube-apiserver again and lets the operator back in: its
 * restarted server's watch cache starts past every resourceVersion the operator has seen. Then waits (the
 * precondition of the scenario) until a watch of the operator ended with kube-apiserver's own in-stream 410 Expired,
 * as the proxy logged it. Returns when the operator was let back in (ms), for the checks that follow.
 */
export async function compactWhileCutOff(
  plane: ControlPlane,
  proxy: FaultProxy,
  behindItsBack: () => Promise<void>,
  timeoutMs = 60_000,
): Promise<number> {
  proxy.refuseConnections(true);
  proxy.dropWatches();
  await behindItsBack();
  await plane.stopApiServer();
  await compactEtcd(plane.etcdUrl);
  await plane.startApiServer();
  const reconnectedAt = Date.now();
  proxy.refuseConnections(false);
  await waitUntil(
    'a watch of the operator ended with a 410 Expired ERROR event',
    () => proxy.log.some((r) => r.verb === 'watch' && r.watchError?.code === 410 && r.time.getTime() >= reconnectedAt),
    timeoutMs,
  );
  return reconnectedAt;
}

/** The lists of `resource` (plural name: `pinots`) in a proxy log from `since` (ms) on: the relists after a 410. */
export function listsSince(log: readonly ProxyRequestRecord[], resource: string, since: number): ProxyRequestRecord[] {
  return log.filter((r) => r.verb === 'list' && r.resource === resource && r.time.getTime() >= since);
}
