/**
 * Released control-plane binaries: reads the envtest release index controller-tools publishes (the one
 * setup-envtest reads), downloads the archive for this platform, checks its SHA-512 and unpacks it into the cache.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { binariesIn, type ControlPlaneBinaries, cacheRoot } from './binaries.js';
import { ChecksumMismatchError, DownloadFailedError, EnvtestError } from './errors.js';
import { goPlatform, parseReleaseIndex, selectRelease } from './internal/releaseIndex.js';

/** One Kubernetes version of the envtest release index, with its archives. */
export interface EnvtestRelease {
  /** `v1.33.2`, or a pre-release such as `v1.35.0-alpha.3`. */
  readonly version: string;
  /** Its archives, one per platform, sorted by name. */
  readonly archives: readonly EnvtestArchive[];
}

/** One archive of the envtest release index: `envtest-v<version>-<os>-<arch>.tar.gz`. */
export interface EnvtestArchive {
  /** The archive's file name, as the index names it. */
  readonly name: string;
  /** Go's GOOS: `linux`, `darwin`, `windows`. */
  readonly os: string;
  /** Go's GOARCH: `amd64`, `arm64`, `ppc64le`, `s390x`. */
  readonly arch: string;
  /** Where it is downloaded from (the index's `selfLink`, resolved against the index URL). */
  readonly url: string;
  /** Its SHA-512 in hex (the index's `hash`). */
  readonly sha512: string;
}

/** Options of {@link listReleasedBinaries}. */
export interface ListReleasedBinariesOptions {
  /**
   * The envtest release index (`envtest-releases.yaml`). @default `$DSOI_ENVTEST_INDEX_URL`, else
   * `releasedBinariesDefaults.indexUrl` (controller-tools' index, as setup-envtest uses)
   */
  readonly indexUrl?: string;
  /** Aborts the download. */
  readonly signal?: AbortSignal;
  /** The `fetch` to use, for a proxy or a custom agent. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The environment to read `DSOI_ENVTEST_INDEX_URL` and `DSOI_TESTBIN_DIR` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Options of {@link useReleasedBinaries}. */
export interface UseReleasedBinariesOptions extends ListReleasedBinariesOptions {
  /**
   * Which Kubernetes version: `latest` (the newest release), `1.33` (its newest patch release) or `1.33.2` (exactly;
   * a pre-release such as `1.35.0-alpha.3` only this way). @default 'latest'
   */
  readonly version?: string;
  /** The cache to unpack into. @default `cacheRoot(env)`, where `startControlPlane` looks */
  readonly cacheDir?: string;
  /** `<os>/<arch>` in Go's names. @default this machine's, e.g. `linux/amd64` */
  readonly platform?: string;
  /** Download and unpack again even when the cache already has that release. @default false */
  readonly force?: boolean;
}

/** Defaults of {@link UseReleasedBinariesOptions}. */
export const releasedBinariesDefaults = Object.freeze({
  version: 'latest',
  /** setup-envtest's default index (its `remote.DefaultIndexURL`). */
  indexUrl: 'https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml',
  /** The environment variable that overrides `indexUrl`. */
  indexUrlEnv: 'DSOI_ENVTEST_INDEX_URL',
  force: false,
});

/** What {@link useReleasedBinaries} installed (or found installed). */
export interface ReleasedBinaries extends ControlPlaneBinaries {
  /** The Kubernetes version, e.g. `v1.33.2`. */
  readonly version: string;
  /** `<os>/<arch>`. */
  readonly platform: string;
  /** The archive it came from. */
  readonly archive: EnvtestArchive;
  /** False when the cache already had it and nothing was downloaded. */
  readonly downloaded: boolean;
}

/**
 * Lists the releases of the envtest release index, newest first.
 *
 * @throws DownloadFailedError when the index cannot be fetched; EnvtestError (`InvalidRelease`) when it is not an
 *   envtest release index.
 */
export async function listReleasedBinaries(options: ListReleasedBinariesOptions = {}): Promise<EnvtestRelease[]> {
  const { env = process.env, signal, fetch: fetchFn = globalThis.fetch } = options;
  const indexUrl = options.indexUrl ?? (env[releasedBinariesDefaults.indexUrlEnv] || releasedBinariesDefaults.indexUrl);
  const response = await get(fetchFn, indexUrl, 'the envtest release index', signal);
  return parseReleaseIndex(await response.text(), indexUrl);
}

/**
 * Makes a released envtest archive (etcd, kube-apiserver, kubectl) available to `startControlPlane`: reads the
 * index, picks the release and the archive for this platform, downloads it, checks its SHA-512 against the index and
 * unpacks it into `<cacheDir>/envtest-<version>-<os>-<arch>`, where `findBinaries` looks. A release already in the
 * cache is not downloaded again (unless `force`), and becomes the one the cache lookup prefers among releases.
 *
 * Guarantees: the archive is downloaded and unpacked in a temporary directory inside `cacheDir` and renamed into
 * place only once complete and verified, so a failed or mismatched download leaves nothing behind.
 *
 * Caveat: released archives have no kube-controller-manager, so a control plane started from them has no garbage
 * collector (ownerReferences do not cascade, deleted namespaces stay Terminating). `dsoi-envtest build` builds all
 * three with Go.
 *
 * @throws RangeError for a malformed `version`; VersionNotFoundError, NoArchiveForPlatformError,
 *   ChecksumMismatchError, DownloadFailedError, or EnvtestError (`InvalidRelease`) for an index or archive in
 *   another format.
 */
export async function useReleasedBinaries(options: UseReleasedBinariesOptions = {}): Promise<ReleasedBinaries> {
  const {
    version = releasedBinariesDefaults.version,
    env = process.env,
    cacheDir = cacheRoot(env),
    platform = goPlatform(),
    force = releasedBinariesDefaults.force,
    signal,
    fetch: fetchFn = globalThis.fetch,
  } = options;
  const releases = await listReleasedBinaries(options);
  const { release, archive } = selectRelease(releases, version, platform);
  const target = join(cacheDir, archive.name.replace(/\.tar\.gz$/, ''));
  const result = (binaries: ControlPlaneBinaries, downloaded: boolean): ReleasedBinaries => ({
    ...binaries,
    version: release.version,
    platform,
    archive,
    downloaded,
  });
  const installed = existsSync(join(target, '.complete')) ? binariesIn(target) : undefined;
  if (installed && !force) {
    await markUsed(target);
    return result(installed, false);
  }
  mkdirSync(cacheDir, { recursive: true });
  // A dot name the cache lookup never picks, on the cache's own file system so that the final rename is atomic.
  const staging = mkdtempSync(join(cacheDir, '.download-'));
  try {
    const file = join(staging, archive.name);
    await download(fetchFn, archive, file, signal);
    const unpacked = await unpack(file, join(staging, 'unpacked'), archive);
    await writeFile(
      join(unpacked, 'release.json'),
      `${JSON.stringify({ version: release.version, archive }, null, 2)}\n`,
    );
    await writeFile(join(unpacked, '.complete'), '');
    if (existsSync(target)) renameSync(target, join(staging, 'replaced'));
    try {
      renameSync(unpacked, target);
    } catch (err) {
      // Another `use` of the same release won the race; its copy is as good as ours.
      if (!existsSync(join(target, '.complete'))) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return result(binariesIn(target)!, true);
}

async function get(fetchFn: typeof fetch, url: string, what: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new DownloadFailedError(url, `cannot fetch ${what} ${url}: ${describe(err)}`, undefined, { cause: err });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadFailedError(url, `fetching ${what} ${url} answered HTTP ${response.status}`, response.status);
  }
  return response;
}

/** Streams the archive to `file`, hashing as it goes, and compares the SHA-512 with the index's. */
async function download(fetchFn: typeof fetch, archive: EnvtestArchive, file: string, signal?: AbortSignal) {
  const response = await get(fetchFn, archive.url, `envtest archive ${archive.name} from`, signal);
  const hash = createHash('sha512');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body!), hashing, createWriteStream(file), signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new DownloadFailedError(archive.url, `downloading ${archive.url} failed: ${describe(err)}`, undefined, {
      cause: err,
    });
  }
  const actual = hash.digest('hex');
  if (actual !== archive.sha512) {
    throw new ChecksumMismatchError(
      archive.url,
      archive.sha512,
      actual,
      `checksum mismatch for ${archive.name} from ${archive.url}: its SHA-512 is ${actual}, the index says ` +
        `${archive.sha512}; nothing was unpacked`,
    );
  }
}

/**
 * Unpacks regular files and directories only (as setup-envtest does; tar itself refuses paths that leave `into`),
 * and returns the directory holding etcd and kube-apiserver: `controller-tools/envtest` in controller-tools' archives.
 */
async function unpack(file: string, into: string, archive: EnvtestArchive): Promise<string> {
  mkdirSync(into);
  const entries: string[] = [];
  try {
    await extract({
      file,
      cwd: into,
      strict: true,
      filter: (path, entry) => {
        entries.push(path);
        return 'type' in entry && (entry.type === 'File' || entry.type === 'Directory');
      },
    });
  } catch (err) {
    throw new EnvtestError('InvalidRelease', `cannot unpack ${archive.name} from ${archive.url}: ${describe(err)}`, {
      cause: err,
    });
  }
  const found = findBinaryDir(into, 3);
  if (found) return found;
  throw new EnvtestError(
    'InvalidRelease',
    `${archive.name} from ${archive.url} has no directory holding both etcd and kube-apiserver; it holds ` +
      (entries.slice(0, 10).join(', ') || 'nothing'),
  );
}

function findBinaryDir(dir: string, depth: number): string | undefined {
  if (binariesIn(dir)) return dir;
  if (depth === 0) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const found = entry.isDirectory() ? findBinaryDir(join(dir, entry.name), depth - 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** The cache lookup prefers, among releases, the one whose `.complete` is newest: the last one `use`d. */
async function markUsed(dir: string): Promise<void> {
  const now = new Date();
  await utimes(join(dir, '.complete'), now, now);
}

function describe(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err instanceof Error ? err.message : String(err)}${cause}`;
}
