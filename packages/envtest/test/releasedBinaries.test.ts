import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BinariesNotFoundError,
  ChecksumMismatchError,
  DownloadFailedError,
  findBinaries,
  listReleasedBinaries,
  NoArchiveForPlatformError,
  startControlPlane,
  useReleasedBinaries,
  VersionNotFoundError,
} from '../src/index.js';
import { goPlatform } from '../src/internal/releaseIndex.js';

// An envtest release index and archive in exactly controller-tools' format (envtest-releases.yaml; a tar.gz of
// controller-tools/envtest/, as hack/envtest/linux/Dockerfile packs it), made from the binaries built here and served
// from 127.0.0.1. The real archives also hold kubectl, which is not built here and which envtest does not run.
const version = 'v1.36.3'; // what the built kube-apiserver reports
const platform = goPlatform();
const archiveName = `envtest-${version}-${platform.replace('/', '-')}.tar.gz`;
const otherPlatforms = ['darwin/arm64', 'linux/s390x', 'windows/amd64'].filter((p) => p !== platform);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);

let work: string;
let server: Server;
let base: string;
const requests: string[] = [];
/** The cache the first test downloads into; the CLI tests read it. */
let installedCache: string;

function indexYaml(releases: Record<string, Record<string, { hash: string; selfLink: string }>>): string {
  const lines = ['releases:'];
  for (const [release, archives] of Object.entries(releases)) {
    lines.push(`  ${release}:`);
    for (const [name, { hash, selfLink }] of Object.entries(archives)) {
      lines.push(`    ${name}:`, `      hash: ${hash}`, `      selfLink: ${selfLink}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Serves `<work>/srv/<index name>/envtest-releases.yaml` and the archives under `/releases/download/`. */
function serve(name: string, releases: Parameters<typeof indexYaml>[0]): string {
  mkdirSync(join(work, 'srv', name), { recursive: true });
  writeFileSync(join(work, 'srv', name, 'envtest-releases.yaml'), indexYaml(releases));
  return `${base}/${name}/envtest-releases.yaml`;
}

function archivesFor(release: string, hash: string, platforms: readonly string[]) {
  return Object.fromEntries(
    platforms.map((p) => {
      const name = `envtest-${release}-${p.replace('/', '-')}.tar.gz`;
      return [name, { hash, selfLink: `${base}/releases/download/envtest-${release}/${name}` }];
    }),
  );
}

beforeAll(async () => {
  const built = await findBinaries({ build: false });
  work = mkdtempSync(join(tmpdir(), 'dsoi-envtest-releases-'));
  const stage = join(work, 'stage', 'controller-tools', 'envtest');
  mkdirSync(stage, { recursive: true });
  for (const [file, from] of [
    ['etcd', built.etcd],
    ['kube-apiserver', built.kubeApiServer],
  ] as const) {
    try {
      linkSync(from, join(stage, file));
    } catch {
      copyFileSync(from, join(stage, file));
    }
  }
  const download = join(work, 'srv', 'releases', 'download', `envtest-${version}`);
  mkdirSync(download, { recursive: true });
  // Level 1: the format of the real archives at a fraction of the CPU on a shared 2-core machine.
  await create({ gzip: { level: 1 }, file: join(download, archiveName), cwd: join(work, 'stage'), portable: true }, [
    'controller-tools/envtest',
  ]);
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = join(work, 'srv', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(join(work, 'srv')) || !existsSync(file) || !file.match(/\.(ya?ml|tar\.gz)$/)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

function sha512Of(file: string): string {
  return createHash('sha512').update(readFileSync(file)).digest('hex');
}

function archivePath(): string {
  return join(work, 'srv', 'releases', 'download', `envtest-${version}`, archiveName);
}

function goodIndex(): string {
  return serve('good', {
    'v1.35.0': archivesFor('v1.35.0', 'a'.repeat(128), otherPlatforms),
    [version]: {
      ...archivesFor(version, sha512Of(archivePath()), [platform]),
      ...archivesFor(version, 'b'.repeat(128), otherPlatforms),
    },
  });
}

describe('useReleasedBinaries', () => {
  it('downloads, verifies and unpacks a release that startControlPlane then runs without kube-controller-manager', async () => {
    const cacheDir = mkdtempSync(join(work, 'cache-'));
    installedCache = cacheDir;
    const indexUrl = goodIndex();
    const used = await useReleasedBinaries({ version: '1.36', indexUrl, cacheDir });
    expect(used).toMatchObject({
      version,
      platform,
      downloaded: true,
      dir: join(cacheDir, archiveName.replace('.tar.gz', '')),
      kubeControllerManager: undefined,
    });
    expect(readdirSync(cacheDir)).toEqual([archiveName.replace('.tar.gz', '')]);
    expect(readdirSync(used.dir).sort()).toEqual(['.complete', 'etcd', 'kube-apiserver', 'release.json']);
    expect(JSON.parse(readFileSync(join(used.dir, 'release.json'), 'utf8')).archive.sha512).toBe(
      sha512Of(archivePath()),
    );

    // The cache lookup finds it where `dsoi-envtest build` would have put a build.
    const found = await findBinaries({ build: false, env: { DSOI_TESTBIN_DIR: cacheDir } });
    expect(found.dir).toBe(used.dir);

    await expect(startControlPlane({ binaryDir: found.dir, garbageCollector: true })).rejects.toThrow(
      new BinariesNotFoundError(
        `garbageCollector needs kube-controller-manager, but ${used.dir} has no kube-controller-manager (released ` +
          'envtest archives, as `dsoi-envtest use` downloads, ship only etcd, kube-apiserver and kubectl). Build all ' +
          'three with `npx dsoi-envtest build` (Go), point DSOI_ENVTEST_ASSETS at binaries that include it, or pass ' +
          "garbageCollector: 'ifAvailable' or false.",
      ),
    );
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const plane = await startControlPlane({ binaryDir: found.dir, garbageCollector: 'ifAvailable' }).finally(() =>
      process.off('warning', onWarning),
    );
    try {
      expect(plane.garbageCollector).toBe(false);
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual(['DSOI_ENVTEST_NO_GC']);
      expect(warnings[0]!.message).toContain(`garbage collection is off: ${used.dir} has no kube-controller-manager`);
      expect((await plane.kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion).toBe(version);
      const core = plane.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'released' }, data: { a: 'b' } },
      });
      expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'released' })).data).toEqual({ a: 'b' });
    } finally {
      await plane.stop();
    }

    // A second use finds it in the cache and downloads nothing.
    const before = requests.filter((r) => r.endsWith('.tar.gz')).length;
    const again = await useReleasedBinaries({ version: 'latest', indexUrl, cacheDir });
    expect([again.downloaded, again.dir]).toEqual([false, used.dir]);
    expect(requests.filter((r) => r.endsWith('.tar.gz')).length).toBe(before);
  });

  it('refuses an archive whose SHA-512 differs from the index and leaves nothing in the cache', async () => {
    const cacheDir = mkdtempSync(join(work, 'cache-'));
    const wrong = createHash('sha512').update('not the archive').digest('hex');
    const indexUrl = serve('bad-hash', { [version]: archivesFor(version, wrong, [platform]) });
    const error = await useReleasedBinaries({ version: version.slice(1), indexUrl, cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error).toMatchObject({ reason: 'ChecksumMismatch', expected: wrong, actual: sha512Of(archivePath()) });
    expect((error as Error).message).toBe(
      `checksum mismatch for ${archiveName} from ${base}/releases/download/envtest-${version}/${archiveName}: its ` +
        `SHA-512 is ${sha512Of(archivePath())}, the index says ${wrong}; nothing was unpacked`,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
    await expect(findBinaries({ build: false, env: { DSOI_TESTBIN_DIR: cacheDir } })).rejects.toThrow(
      BinariesNotFoundError,
    );
  });

  it('names the platforms a release has when this machine has no archive', async () => {
    const cacheDir = mkdtempSync(join(work, 'cache-'));
    const indexUrl = serve('no-platform', { [version]: archivesFor(version, 'c'.repeat(128), otherPlatforms) });
    const error = await useReleasedBinaries({ indexUrl, cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoArchiveForPlatformError);
    expect(error).toMatchObject({ version, platform, available: otherPlatforms });
    expect((error as Error).message).toBe(
      `no envtest archive for ${platform} in ${version}; ${version} has ${otherPlatforms.join(', ')}`,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('names the versions the index has when the requested one is unknown', async () => {
    const indexUrl = goodIndex();
    const error = await useReleasedBinaries({ version: '1.99', indexUrl, cacheDir: join(work, 'unused') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VersionNotFoundError);
    expect((error as Error).message).toBe(
      `no envtest release matches version "1.99"; the index has ${version}, v1.35.0`,
    );
    expect(existsSync(join(work, 'unused'))).toBe(false);
    expect((await listReleasedBinaries({ indexUrl })).map((r) => r.version)).toEqual([version, 'v1.35.0']);
  });

  it('says which archive failed to download and leaves nothing in the cache', async () => {
    const cacheDir = mkdtempSync(join(work, 'cache-'));
    const other = otherPlatforms[0]!; // listed in the index, but the server has no such file
    const name = `envtest-${version}-${other.replace('/', '-')}.tar.gz`;
    const url = `${base}/releases/download/envtest-${version}/${name}`;
    const error = await useReleasedBinaries({ indexUrl: goodIndex(), cacheDir, platform: other }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect(error).toMatchObject({ url, statusCode: 404 });
    expect((error as Error).message).toBe(`fetching envtest archive ${name} from ${url} answered HTTP 404`);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('says which URL failed when the index is not there', async () => {
    await expect(listReleasedBinaries({ indexUrl: `${base}/nowhere/envtest-releases.yaml` })).rejects.toThrow(
      `fetching the envtest release index ${base}/nowhere/envtest-releases.yaml answered HTTP 404`,
    );
  });
});

describe('dsoi-envtest use / list', () => {
  // The download itself is useReleasedBinaries' (tested above); a second download here would only cost time.
  it('prints the directory of a release in the cache, says GC is off, and lists it as installed', async () => {
    const env = { ...process.env, DSOI_TESTBIN_DIR: installedCache, DSOI_ENVTEST_INDEX_URL: goodIndex() };
    const dir = join(installedCache, archiveName.replace('.tar.gz', ''));
    const used = await run(process.execPath, [cli, 'use', '1.36.3'], { env });
    expect(used.stdout).toBe(`${dir}\n`);
    expect(used.stderr).toBe(
      `dsoi-envtest: envtest ${version} ${platform}: already in the cache\n` +
        'dsoi-envtest: no kube-controller-manager in released archives: control planes run without garbage ' +
        'collection (ownerReferences do not cascade, deleted namespaces stay Terminating); `dsoi-envtest build` ' +
        'builds it with Go\n',
    );
    const listed = await run(process.execPath, [cli, 'list'], { env });
    expect(listed.stdout).toBe(
      `${version}  installed  ${dir}\nv1.35.0  no ${platform} archive (has ${otherPlatforms.join(', ')})\n`,
    );
  });

  it('exits 1 with one line naming what is missing', async () => {
    const indexUrl = goodIndex();
    const failed = await run(process.execPath, [cli, 'use', '1.20', '--index-url', indexUrl], {
      env: { ...process.env, DSOI_TESTBIN_DIR: join(work, 'unused') },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({
      code: 1,
      stderr: `dsoi-envtest: no envtest release matches version "1.20"; the index has ${version}, v1.35.0\n`,
    });
  });
});
