/** Finds the control-plane binaries: an explicit directory, the environment, the build cache, or a build with Go. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BinariesNotFoundError, EnvtestError } from './errors.js';
import { goPlatform } from './internal/releaseIndex.js';

/** Paths of the binaries a control plane runs. */
export interface ControlPlaneBinaries {
  /** The directory they were found in. */
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiServer: string;
  /**
   * Absent when the directory has no kube-controller-manager (released envtest archives have none): the control
   * plane then runs without the garbage collector.
   */
  readonly kubeControllerManager: string | undefined;
}

/** Options of {@link findBinaries}. */
export interface FindBinariesOptions {
  /** A directory holding `etcd` and `kube-apiserver` (and optionally `kube-controller-manager`). Wins over all else. */
  readonly binaryDir?: string;
  /** Build the binaries with Go (several minutes, once per machine) when none are found. @default true */
  readonly build?: boolean;
  /** Where build progress goes. @default process.stderr */
  readonly buildOutput?: NodeJS.WritableStream;
  /** The environment to read `DSOI_ENVTEST_ASSETS`, `KUBEBUILDER_ASSETS` and `DSOI_TESTBIN_DIR` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Finds etcd, kube-apiserver and kube-controller-manager, in this order:
 * 1. `options.binaryDir`; 2. `$DSOI_ENVTEST_ASSETS`; 3. `$KUBEBUILDER_ASSETS` (controller-runtime's variable);
 * 4. the cache (`$DSOI_TESTBIN_DIR`, default `~/.cache/dsoi/k8s-testbin`): the build of the pinned versions by
 *    `tools/k8s-testbin/build.sh`, else the release `useReleasedBinaries` unpacked last, else the newest other build;
 * 5. a build with Go into that cache, when `go` is on PATH and `build` is not false.
 *
 * Nothing is downloaded here: `useReleasedBinaries` (`dsoi-envtest use`) does that when asked.
 *
 * @throws BinariesNotFoundError listing these ways when none applies.
 */
export async function findBinaries(options: FindBinariesOptions = {}): Promise<ControlPlaneBinaries> {
  const { binaryDir, build = true, buildOutput = process.stderr, env = process.env } = options;
  const explicit: [string, string | undefined][] = [
    ['the binaryDir option', binaryDir],
    ['DSOI_ENVTEST_ASSETS', env.DSOI_ENVTEST_ASSETS],
    ['KUBEBUILDER_ASSETS', env.KUBEBUILDER_ASSETS],
  ];
  for (const [source, dir] of explicit) {
    if (!dir) continue;
    const found = binariesIn(dir);
    if (found) return found;
    throw new BinariesNotFoundError(`${source} points at ${dir}, which does not hold both etcd and kube-apiserver`);
  }
  const cached = findInCache(cacheRoot(env));
  if (cached) return cached;
  const script = testbinScript();
  if (build && script && (await hasGo())) {
    const dir = await runBuild(script, buildOutput, env);
    const built = binariesIn(dir);
    if (built) return built;
  }
  throw new BinariesNotFoundError(
    [
      'no kube-apiserver/etcd binaries found. Provide them one of these ways:',
      '  - pass { binaryDir } to startControlPlane, or set DSOI_ENVTEST_ASSETS (or KUBEBUILDER_ASSETS) to a directory',
      '    holding etcd, kube-apiserver and optionally kube-controller-manager;',
      `  - download a released envtest archive into the cache ${cacheRoot(env)} with \`npx dsoi-envtest use latest\``,
      '    (etcd and kube-apiserver only: no kube-controller-manager, so no garbage collection);',
      `  - build all three into that cache with \`npx dsoi-envtest build\` (needs Go >= 1.26 and the Go module proxy;`,
      '    about 20 minutes once per machine).',
      script ? (build ? '  (Go is not on PATH, so no automatic build was tried.)' : '  (build: false was given.)') : '',
    ].join('\n'),
  );
}

/** The root of the build cache. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DSOI_TESTBIN_DIR) return env.DSOI_TESTBIN_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dsoi', 'k8s-testbin');
}

/** The binaries in `dir`, when it holds at least etcd and kube-apiserver. */
export function binariesIn(dir: string): ControlPlaneBinaries | undefined {
  const etcd = join(dir, 'etcd');
  const kubeApiServer = join(dir, 'kube-apiserver');
  if (!isFile(etcd) || !isFile(kubeApiServer)) return undefined;
  const kcm = join(dir, 'kube-controller-manager');
  return { dir, etcd, kubeApiServer, kubeControllerManager: isFile(kcm) ? kcm : undefined };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * A complete cache entry for this machine: the build of the pinned versions (it has kube-controller-manager), else
 * the release `useReleasedBinaries` unpacked or selected last, else the newest other build.
 */
function findInCache(root: string): ControlPlaneBinaries | undefined {
  if (!existsSync(root)) return undefined;
  const platform = goPlatform();
  const arch = platform.split('/')[1];
  const complete = readdirSync(root).filter((name) => existsSync(join(root, name, '.complete')));
  const builds = complete
    .filter((name) => name.startsWith('k8s-') && name.endsWith(`-${arch}`))
    .sort()
    .reverse();
  const releases = complete
    .filter((name) => name.startsWith('envtest-v') && name.endsWith(`-${platform.replace('/', '-')}`))
    .map((name) => ({ name, usedMs: statSync(join(root, name, '.complete')).mtimeMs }))
    .sort((a, b) => b.usedMs - a.usedMs)
    .map(({ name }) => name);
  const versions = pinnedVersions();
  const pinned = versions && builds.find((name) => name.startsWith(`k8s-${versions.kube}-etcd-${versions.etcd}-`));
  const pick = pinned ?? releases[0] ?? builds[0];
  return pick === undefined ? undefined : binariesIn(join(root, pick));
}

/** The build script: shipped in dist/testbin, or tools/k8s-testbin when running from the monorepo's sources. */
function testbinScript(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'testbin', 'build.sh'),
    join(here, '..', '..', '..', 'tools', 'k8s-testbin', 'build.sh'),
  ];
  return candidates.find(isFile);
}

function pinnedVersions(): { kube: string; etcd: string } | undefined {
  const script = testbinScript();
  if (!script) return undefined;
  const text = readFileSync(join(dirname(script), 'versions.env'), 'utf8');
  const kube = /^KUBE_VERSION=(\S+)/m.exec(text)?.[1];
  const etcd = /^ETCD_VERSION=(\S+)/m.exec(text)?.[1];
  return kube && etcd ? { kube, etcd } : undefined;
}

function hasGo(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** Runs the build script; resolves with the directory it printed. */
export function runBuild(script: string, output: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.pipe(output, { end: false });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout.trim().split('\n').at(-1) ?? '');
      else reject(new EnvtestError('BuildFailed', `${script} exited with code ${code}; its output is above`));
    });
  });
}
