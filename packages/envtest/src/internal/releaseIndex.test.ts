import { describe, expect, it } from 'vitest';
import { EnvtestError, NoArchiveForPlatformError, VersionNotFoundError } from '../errors.js';
import { compareVersions, goPlatform, parseReleaseIndex, selectRelease } from './releaseIndex.js';

const hash = (digit: string) => digit.repeat(128);
const link = (name: string) =>
  `https://github.com/kubernetes-sigs/controller-tools/releases/download/${name.split('-').slice(0, 2).join('-')}/${name}`;

// The shape of controller-tools' envtest-releases.yaml (keys in its own, unsorted order).
const index = `releases:
  v1.33.0:
    envtest-v1.33.0-darwin-arm64.tar.gz:
      hash: ${hash('a')}
      selfLink: ${link('envtest-v1.33.0-darwin-arm64.tar.gz')}
    envtest-v1.33.0-linux-amd64.tar.gz:
      hash: ${hash('b')}
      selfLink: ${link('envtest-v1.33.0-linux-amd64.tar.gz')}
  v1.32.0:
    envtest-v1.32.0-linux-amd64.tar.gz:
      hash: ${hash('c')}
      selfLink: ${link('envtest-v1.32.0-linux-amd64.tar.gz')}
  v1.34.0-beta.0:
    envtest-v1.34.0-beta.0-linux-amd64.tar.gz:
      hash: ${hash('d')}
      selfLink: ${link('envtest-v1.34.0-beta.0-linux-amd64.tar.gz')}
  v1.33.2:
    envtest-v1.33.2-darwin-arm64.tar.gz:
      hash: ${hash('E')}
      selfLink: ${link('envtest-v1.33.2-darwin-arm64.tar.gz')}
    not-an-envtest-archive.zip:
      hash: ${hash('f')}
      selfLink: https://example.invalid/x.zip
`;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const releases = parseReleaseIndex(index, 'https://raw.githubusercontent.com/x/envtest-releases.yaml');
const pick = (version: string, platform: string) => {
  const { release, archive } = selectRelease(releases, version, platform);
  return `${release.version} ${archive.name}`;
};

describe('parseReleaseIndex', () => {
  it('reads versions newest first with their archives, hashes lower-cased, other files skipped', () => {
    expect(releases.map((r) => r.version)).toEqual(['v1.34.0-beta.0', 'v1.33.2', 'v1.33.0', 'v1.32.0']);
    expect(releases[1]!.archives).toEqual([
      {
        name: 'envtest-v1.33.2-darwin-arm64.tar.gz',
        os: 'darwin',
        arch: 'arm64',
        url: link('envtest-v1.33.2-darwin-arm64.tar.gz'),
        sha512: hash('e'),
      },
    ]);
  });

  it('resolves a relative selfLink against the index URL', () => {
    const [release] = parseReleaseIndex(
      `releases:\n  v1.30.0:\n    envtest-v1.30.0-linux-arm64.tar.gz: { hash: ${hash('1')}, selfLink: a/b.tar.gz }\n`,
      'http://127.0.0.1:8080/idx/envtest-releases.yaml',
    );
    expect(release!.archives[0]!.url).toBe('http://127.0.0.1:8080/idx/a/b.tar.gz');
  });

  it('rejects a document that is not an envtest index, naming the URL and the bad entry', () => {
    expect(() => parseReleaseIndex('<html>', 'http://h/i')).toThrow(/http:\/\/h\/i has no "releases" map/);
    const error = caught(() =>
      parseReleaseIndex('releases:\n  v1.30.0:\n    envtest-v1.30.0-linux-amd64.tar.gz: { hash: abc }\n', 'http://h/i'),
    ) as EnvtestError;
    expect(error).toBeInstanceOf(EnvtestError);
    expect(error.reason).toBe('InvalidRelease');
    expect(error.message).toBe(
      'envtest release index http://h/i: v1.30.0/envtest-v1.30.0-linux-amd64.tar.gz needs a hex SHA-512 "hash" and a "selfLink"',
    );
  });
});

describe('selectRelease', () => {
  it('latest is the newest stable release that has the platform', () => {
    expect(pick('latest', 'linux/amd64')).toBe('v1.33.0 envtest-v1.33.0-linux-amd64.tar.gz');
    expect(pick('latest', 'darwin/arm64')).toBe('v1.33.2 envtest-v1.33.2-darwin-arm64.tar.gz');
  });

  it('X.Y picks the newest patch (X.Y.x and X.Y.* too), X.Y.Z exactly, with or without v', () => {
    expect(pick('1.33', 'darwin/arm64')).toBe('v1.33.2 envtest-v1.33.2-darwin-arm64.tar.gz');
    expect(pick('1.33.x', 'linux/amd64')).toBe('v1.33.0 envtest-v1.33.0-linux-amd64.tar.gz');
    expect(pick('v1.32.*', 'linux/amd64')).toBe('v1.32.0 envtest-v1.32.0-linux-amd64.tar.gz');
    expect(pick('1.33.0', 'darwin/arm64')).toBe('v1.33.0 envtest-v1.33.0-darwin-arm64.tar.gz');
    expect(pick('1.34.0-beta.0', 'linux/amd64')).toBe('v1.34.0-beta.0 envtest-v1.34.0-beta.0-linux-amd64.tar.gz');
  });

  it('names the versions the index has when none matches', () => {
    const error = caught(() => selectRelease(releases, '1.29', 'linux/amd64'));
    expect(error).toBeInstanceOf(VersionNotFoundError);
    expect((error as VersionNotFoundError).available).toEqual(['v1.34.0-beta.0', 'v1.33.2', 'v1.33.0', 'v1.32.0']);
    expect(String(error)).toContain(
      'no envtest release matches version "1.29"; the index has v1.34.0-beta.0, v1.33.2, v1.33.0, v1.32.0',
    );
    // A pre-release is only ever picked when asked for exactly.
    expect(() => selectRelease(releases, '1.34', 'linux/amd64')).toThrow(VersionNotFoundError);
  });

  it('names the platforms the release has when this one is missing', () => {
    expect(() => selectRelease(releases, '1.33.2', 'linux/amd64')).toThrow(
      'no envtest archive for linux/amd64 in v1.33.2; v1.33.2 has darwin/arm64',
    );
    const error = caught(() => selectRelease(releases, '1.33', 'windows/amd64')) as NoArchiveForPlatformError;
    expect(error).toBeInstanceOf(NoArchiveForPlatformError);
    expect([error.version, error.platform, error.available]).toEqual(['v1.33.2', 'windows/amd64', ['darwin/arm64']]);
    expect(error.message).toBe(
      'no envtest archive for windows/amd64 in any release matching "1.33"; v1.33.2 has darwin/arm64',
    );
  });

  it('rejects a malformed version', () => {
    expect(() => selectRelease(releases, 'one.33', 'linux/amd64')).toThrow(
      new RangeError('version "one.33" is not "latest", X.Y or X.Y.Z (for example 1.33 or 1.33.2)'),
    );
  });
});

describe('versions and platforms', () => {
  it('orders versions numerically, a pre-release before its release', () => {
    const sorted = ['v1.9.0', 'v1.10.0', 'v1.10.0-alpha.2', 'v1.10.0-alpha.10', 'v1.10.1'].sort(compareVersions);
    expect(sorted).toEqual(['v1.9.0', 'v1.10.0-alpha.2', 'v1.10.0-alpha.10', 'v1.10.0', 'v1.10.1']);
  });

  it("maps Node's platform names to Go's", () => {
    expect(goPlatform('linux', 'x64')).toBe('linux/amd64');
    expect(goPlatform('darwin', 'arm64')).toBe('darwin/arm64');
    expect(goPlatform('win32', 'x64')).toBe('windows/amd64');
    expect(goPlatform('linux', 'ppc64')).toBe('linux/ppc64le');
  });
});
