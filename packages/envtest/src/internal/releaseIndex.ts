/**
 * The envtest release index controller-tools publishes (`envtest-releases.yaml`, the file setup-envtest reads):
 * parsing, platform names, and version selection.
 */
import { parse } from 'yaml';
import { EnvtestError, NoArchiveForPlatformError, VersionNotFoundError } from '../errors.js';
import type { EnvtestArchive, EnvtestRelease } from '../releasedBinaries.js';

// setup-envtest matches the same shape (versions.ArchiveRE), except that it skips pre-releases; this keeps them, so
// they can be asked for exactly, but `latest` and `1.33` never pick one.
const archiveName = /^envtest-(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)-([a-z0-9]+)-([a-z0-9]+)\.tar\.gz$/;
const sha512Hex = /^[0-9a-f]{128}$/;

/**
 * Parses the index (`releases: { <version>: { <archive name>: { hash, selfLink } } }`) into releases, newest first.
 * Entries whose name is not an envtest archive are skipped, as setup-envtest does.
 *
 * @throws EnvtestError (`InvalidRelease`) when the text is not such an index.
 */
export function parseReleaseIndex(text: string, indexUrl: string): EnvtestRelease[] {
  let doc: unknown;
  try {
    // Every value of the index is a string; the failsafe schema keeps a hash such as 1234e5... from becoming a number.
    doc = parse(text, { schema: 'failsafe' });
  } catch (err) {
    throw new EnvtestError('InvalidRelease', `envtest release index ${indexUrl} is not YAML: ${String(err)}`, {
      cause: err,
    });
  }
  const releases = isRecord(doc) ? doc.releases : undefined;
  if (!isRecord(releases)) {
    throw new EnvtestError('InvalidRelease', `envtest release index ${indexUrl} has no "releases" map`);
  }
  const byVersion = new Map<string, EnvtestArchive[]>();
  for (const [key, entries] of Object.entries(releases)) {
    if (!isRecord(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      const match = archiveName.exec(name);
      if (!match) continue;
      const [, version, os, arch] = match;
      if (!version || !os || !arch) continue;
      const hash = isRecord(entry) && typeof entry.hash === 'string' ? entry.hash.toLowerCase() : '';
      const selfLink = isRecord(entry) && typeof entry.selfLink === 'string' ? entry.selfLink : '';
      if (!sha512Hex.test(hash) || !selfLink) {
        throw new EnvtestError(
          'InvalidRelease',
          `envtest release index ${indexUrl}: ${key}/${name} needs a hex SHA-512 "hash" and a "selfLink"`,
        );
      }
      const url = new URL(selfLink, indexUrl).href;
      const list = byVersion.get(version) ?? [];
      list.push({ name, os, arch, url, sha512: hash });
      byVersion.set(version, list);
    }
  }
  return [...byVersion]
    .map(([version, archives]) => ({ version, archives: archives.sort((a, b) => a.name.localeCompare(b.name)) }))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** Go's `<GOOS>/<GOARCH>` for a Node `process.platform` / `process.arch`. */
export function goPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  // Node says ppc64 for the little-endian ppc64le every Kubernetes release targets.
  const goArch = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' }[arch] ?? arch;
  return `${os}/${goArch}`;
}

/**
 * Picks the release and archive for `requested`: `latest` (the newest release), `1.33` (its newest patch), or
 * `1.33.2` / `v1.33.2` (exactly, pre-releases included). Like setup-envtest, the newest matching release that has
 * an archive for the platform wins; `latest` and `1.33` never pick a pre-release.
 *
 * @throws RangeError for a malformed version; VersionNotFoundError when no release matches;
 *   NoArchiveForPlatformError when releases match but none has an archive for `platform`.
 */
export function selectRelease(
  releases: readonly EnvtestRelease[],
  requested: string,
  platform: string,
): { release: EnvtestRelease; archive: EnvtestArchive } {
  const matches = releases.filter(versionMatcher(requested));
  if (matches.length === 0) {
    const available = releases.map((r) => r.version);
    throw new VersionNotFoundError(
      requested,
      available,
      `no envtest release matches version "${requested}"; the index has ${available.join(', ') || 'no releases'}`,
    );
  }
  for (const release of matches) {
    const archive = release.archives.find((a) => `${a.os}/${a.arch}` === platform);
    if (archive) return { release, archive };
  }
  const newest = matches[0]!;
  const available = newest.archives.map((a) => `${a.os}/${a.arch}`);
  throw new NoArchiveForPlatformError(
    newest.version,
    platform,
    available,
    `no envtest archive for ${platform} in ${matches.length === 1 ? newest.version : `any release matching "${requested}"`}` +
      `; ${newest.version} has ${available.join(', ')}`,
  );
}

function versionMatcher(requested: string): (release: EnvtestRelease) => boolean {
  if (requested === 'latest') return (r) => isStable(r.version);
  const minor = /^v?(\d+)\.(\d+)(?:\.[x*])?$/.exec(requested);
  if (minor) {
    const prefix = `v${Number(minor[1])}.${Number(minor[2])}.`;
    return (r) => isStable(r.version) && r.version.startsWith(prefix);
  }
  if (/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/.test(requested)) {
    const exact = requested.startsWith('v') ? requested : `v${requested}`;
    return (r) => r.version === exact;
  }
  throw new RangeError(`version "${requested}" is not "latest", X.Y or X.Y.Z (for example 1.33 or 1.33.2)`);
}

function isStable(version: string): boolean {
  return !version.includes('-');
}

/** Semantic-version order of `v1.33.2`-style strings; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = splitVersion(a);
  const [coreB, preB] = splitVersion(b);
  for (let i = 0; i < 3; i++) {
    const diff = (coreA[i] ?? 0) - (coreB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === '') return 1;
  if (preB === '') return -1;
  return preA.localeCompare(preB, 'en', { numeric: true });
}

function splitVersion(version: string): [number[], string] {
  const [core = '', ...pre] = version.replace(/^v/, '').split('-');
  return [core.split('.').map(Number), pre.join('-')];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
