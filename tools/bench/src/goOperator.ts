/**
 * The Go operator a reference operator replaces, built by `@dsoi/peers` from its unmodified upstream source tree
 * (`DSOI_PEERS_DIR`) into the commit-keyed cache — or the exact reason it cannot be (no Go, no sources, a failed
 * build). Nothing is vendored or imitated: without the real binary there is no Go column.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildPeer, type OperatorCommand, type PeerName } from '@dsoi/peers';

/** A built Go operator with the CRDs it ships, or why there is none. */
export type GoOperator =
  | {
      readonly available: true;
      /** `<upstream>@<commit>`. */
      readonly version: string;
      readonly command: OperatorCommand;
      /** Its own CRDs (`config/crd/bases` of its source tree), installed for its run instead of ours. */
      readonly crdDir: string;
    }
  | { readonly available: false; readonly reason: string };

/** Builds (or finds in the cache) the peer's binary; never throws. */
export async function prepareGoOperator(peer: PeerName): Promise<GoOperator> {
  const build = await buildPeer(peer);
  if (!build.available) return { available: false, reason: build.reason };
  const crdDir = join(build.sourceDir, 'config', 'crd', 'bases');
  if (!existsSync(crdDir)) return { available: false, reason: `no CRDs at ${crdDir}` };
  return { available: true, version: build.version, command: { file: build.binary, args: [] }, crdDir };
}
