/**
 * The informer-scope check both reference operators run in a fault scenario: unrelated objects in the watched
 * namespace, then what the operator listed and watched, read from the fault proxy's log.
 */
import type { Client } from '@dsoi/client';
import type { ProxyRequestRecord } from '@dsoi/envtest/testing';

/** Creates `count` ConfigMaps of 20 KiB each labelled `app=other` in `namespace`: objects no operator owns. */
export async function createUnrelatedConfigMaps(
  admin: Pick<Client, 'create'>,
  namespace: string,
  count = 20,
): Promise<void> {
  const filler = 'x'.repeat(20 * 1024);
  for (let i = 0; i < count; i++) {
    await admin.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `unrelated-${i}`, namespace, labels: { app: 'other' } },
      data: { filler },
    });
  }
}

/** What {@link informerReads} found. */
export interface InformerReads {
  /** Each `list <resource>` and `watch <resource>` of the resources asked about that the log does not have. */
  readonly missing: string[];
  /** Each list or watch of those resources that did not ask for exactly the label selector, with its query. */
  readonly unscoped: string[];
}

/**
 * The lists and watches of `resources` (plural names: `configmaps`, ...) in a proxy log: which never happened (the
 * precondition: the operator read each of them), and which did not ask for `labelSelector` (the outcome: with none,
 * no unrelated object of those kinds reached its cache).
 */
export function informerReads(
  log: readonly ProxyRequestRecord[],
  resources: readonly string[],
  labelSelector: string,
): InformerReads {
  const reads = log.filter((r) => (r.verb === 'list' || r.verb === 'watch') && resources.includes(r.resource));
  const missing = resources.flatMap((resource) =>
    ['list', 'watch']
      .filter((verb) => !reads.some((r) => r.resource === resource && r.verb === verb))
      .map((verb) => `${verb} ${resource}`),
  );
  const unscoped = reads
    .filter((r) => new URLSearchParams(r.query).get('labelSelector') !== labelSelector)
    .map((r) => `${r.verb} ${r.resource}?${r.query}`);
  return { missing, unscoped };
}
