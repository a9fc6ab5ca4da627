/**
 * Builds one of the Go operators that dsoi's reference operators replace from its unmodified source tree, into a cache
 * outside the repository keyed by the upstream commit, the Go version and the architecture (as the control-plane
 * binaries are). The source tree is read-only: it is copied to a temporary directory, `go mod download` fetches its
 * dependencies through the module proxy, and `CGO_ENABLED=0 go build ./cmd` builds it.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The peers, by folder name, with the upstream they are an unmodified copy of. */
export const peers = {
  'pinot-control-plane-k8s': {
    upstream: 'github.com/datainfrahq/pinot-control-plane-k8s',
    commit: '9bf95c2',
    licence: 'Apache-2.0',
  },
  'parseable-operator': {
    upstream: 'github.com/parseablehq/operator',
    commit: 'e800afc',
    licence: 'AGPL-3.0 (run as a separate process only)',
  },
} as const;

/** A peer's folder name. */
export type PeerName = keyof typeof peers;

/** A built peer, or why there is none. */
export type PeerBuild =
  | {
      readonly available: true;
      readonly name: PeerName;
      /** `<upstream>@<commit>`. */
      readonly version: string;
      /** The built binary; it takes controller-runtime's flags (`--kubeconfig`, `--metrics-bind-address`, ...). */
      readonly binary: string;
      /** The peer's source tree (read-only): its CRDs are in `config/crd/bases`, its samples in `config/samples`. */
      readonly sourceDir: string;
    }
  | { readonly available: false; readonly name: PeerName; readonly reason: string };

/** Options of {@link buildPeer}. */
export interface BuildPeerOptions {
  /**
   * Where the peers' source trees are.
   * @default `$DSOI_PEERS_DIR`, else the `shared/peers` folder beside this checkout
   */
  readonly peersDir?: string;
  /**
   * Cache root for built binaries.
   * @default `$DSOI_PEERS_CACHE`, else `$XDG_CACHE_HOME/dsoi/peers` (or `~/.cache/dsoi/peers`)
   */
  readonly cacheDir?: string;
  /** Give up on the build after this long. @default 1_800_000 (30 minutes) */
  readonly timeoutMs?: number;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The directory holding the peers' source trees. */
export function peersSourceDir(peersDir?: string): string {
  return peersDir ?? process.env.DSOI_PEERS_DIR ?? join(repoRoot, '..', 'shared', 'peers');
}

function oneLine(err: unknown): string {
  const { stderr, message } = err as { stderr?: string; message?: string };
  return ((stderr ?? '').trim().split('\n').slice(-3).join(' ') || message || String(err)).replace(/\s+/g, ' ');
}

async function goVersionAndArch(): Promise<{ version: string; arch: string } | undefined> {
  try {
    const { stdout } = await run('go', ['env', 'GOVERSION', 'GOARCH'], {
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    });
    const [version, arch] = stdout.trim().split('\n');
    return { version: version!, arch: arch! };
  } catch {
    return undefined;
  }
}

/**
 * Returns the peer's binary, building it first when the cache lacks it (1–3 minutes cold on 2 cores, seconds with a
 * warm Go build cache). Never throws for a missing toolchain or source tree: it answers `available: false` with the
 * reason, so a caller can say so and skip. A failed build is also `available: false`, with the go command's words.
 */
export async function buildPeer(name: PeerName, options: BuildPeerOptions = {}): Promise<PeerBuild> {
  const { commit, upstream } = peers[name];
  const sourceDir = join(peersSourceDir(options.peersDir), name);
  if (!existsSync(join(sourceDir, 'go.mod'))) {
    return { available: false, name, reason: `no source tree at ${sourceDir} (set DSOI_PEERS_DIR)` };
  }
  const go = await goVersionAndArch();
  if (!go) return { available: false, name, reason: 'no `go` on PATH (Go 1.26 builds the peers)' };
  const cacheRoot =
    options.cacheDir ??
    process.env.DSOI_PEERS_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dsoi', 'peers');
  const binary = join(cacheRoot, `${name}-${commit}-${go.version}-${go.arch}`, name);
  const found = { available: true, name, version: `${upstream}@${commit}`, binary, sourceDir } as const;
  if (existsSync(binary)) return found;

  const work = mkdtempSync(join(tmpdir(), `dsoi-peer-${name}-`));
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  const timeout = options.timeoutMs ?? 1_800_000;
  try {
    cpSync(sourceDir, join(work, 'src'), { recursive: true });
    await run('go', ['mod', 'download'], { cwd: join(work, 'src'), env, timeout, maxBuffer: 16 << 20 });
    await run('go', ['build', '-o', join(work, name), './cmd'], {
      cwd: join(work, 'src'),
      env,
      timeout,
      maxBuffer: 16 << 20,
    });
    mkdirSync(join(binary, '..'), { recursive: true });
    // Rename is atomic: two builds racing (two test files) both end with a whole binary in place.
    renameSync(join(work, name), binary);
    writeFileSync(join(binary, '..', 'SOURCE'), `${upstream}@${commit}\n`);
    return found;
  } catch (err) {
    return { available: false, name, reason: `go build of ${upstream}@${commit} failed: ${oneLine(err)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
