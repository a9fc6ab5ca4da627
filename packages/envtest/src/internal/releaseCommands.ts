/** The `dsoi-envtest use` and `dsoi-envtest list` commands: released envtest binaries from the shell. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../binaries.js';
import { listReleasedBinaries, useReleasedBinaries } from '../releasedBinaries.js';
import { goPlatform } from './releaseIndex.js';

/** Flags shared by `use` and `list`. */
export interface ReleaseCommandFlags {
  readonly indexUrl: string | undefined;
  readonly platform: string | undefined;
  readonly force: boolean;
}

/**
 * Downloads (or finds in the cache) the release for `version` and prints its directory on stdout, so
 * `export DSOI_ENVTEST_ASSETS=$(dsoi-envtest use 1.33)` works; what happened goes to stderr.
 */
export async function useCommand(version: string, flags: ReleaseCommandFlags): Promise<number> {
  const started = Date.now();
  const used = await useReleasedBinaries({
    version,
    force: flags.force,
    ...(flags.indexUrl === undefined ? {} : { indexUrl: flags.indexUrl }),
    ...(flags.platform === undefined ? {} : { platform: flags.platform }),
  });
  const how = used.downloaded
    ? `downloaded ${used.archive.url} (SHA-512 checked) in ${Date.now() - started} ms`
    : 'already in the cache';
  console.error(`dsoi-envtest: envtest ${used.version} ${used.platform}: ${how}`);
  if (!used.kubeControllerManager) {
    console.error(
      'dsoi-envtest: no kube-controller-manager in released archives: control planes run without garbage collection ' +
        '(ownerReferences do not cascade, deleted namespaces stay Terminating); `dsoi-envtest build` builds it with Go',
    );
  }
  console.log(used.dir);
  return 0;
}

/** Prints the index's releases, newest first, and which of them the cache already has for this platform. */
export async function listCommand(flags: ReleaseCommandFlags): Promise<number> {
  const platform = flags.platform ?? goPlatform();
  const releases = await listReleasedBinaries(flags.indexUrl === undefined ? {} : { indexUrl: flags.indexUrl });
  const root = cacheRoot();
  const width = Math.max(0, ...releases.map((r) => r.version.length));
  for (const release of releases) {
    const archive = release.archives.find((a) => `${a.os}/${a.arch}` === platform);
    const dir = archive && join(root, archive.name.replace(/\.tar\.gz$/, ''));
    const state = !archive
      ? `no ${platform} archive (has ${release.archives.map((a) => `${a.os}/${a.arch}`).join(', ')})`
      : existsSync(join(dir!, '.complete'))
        ? `installed  ${dir}`
        : 'available';
    console.log(`${release.version.padEnd(width)}  ${state}`);
  }
  return 0;
}
