/** Starts a real local control plane: etcd and kube-apiserver (and optionally kube-controller-manager) on 127.0.0.1. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlaneBinaries, findBinaries } from './binaries.js';
import { type CrdSource, type InstallCrdsOptions, installCrds } from './crds.js';
import { BinariesNotFoundError, StartFailedError } from './errors.js';
import { type ApiTarget, apiRequest } from './internal/apiRequest.js';
import { freePorts } from './internal/freePort.js';
import { type ManagedProcess, startProcess } from './internal/managedProcess.js';
import { startReaper } from './internal/reaper.js';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** CRDs to install before returning (objects, files or directories). @default [] */
  readonly crds?: readonly CrdSource[];
  /**
   * Also run kube-controller-manager with only the garbage-collector and namespace controllers, so cascading
   * deletion through ownerReferences and namespace deletion work. `'ifAvailable'` runs it when the binaries include
   * kube-controller-manager and otherwise starts without it, with a process warning (`DSOI_ENVTEST_NO_GC`).
   * @default false
   *
   * Caveat: released envtest archives (`dsoi-envtest use`) have no kube-controller-manager; `true` then throws
   * BinariesNotFoundError. The the garbage collector rereads discovery every 30 s, so it handles CRDs installed after start only after
   * that; CRDs given in `crds` are installed before it starts.
   */
  readonly garbageCollector?: boolean | 'ifAvailable';
  /** Stops the control plane when aborted. */
  readonly signal?: AbortSignal;
  /** A directory holding the binaries (see `findBinaries` for the lookup order otherwise). */
  readonly binaryDir?: string;
  /** Build the binaries with Go when none are found. @default true */
  readonly build?: boolean;
  /** How long each component may take to become ready. @default 90_000 (2 cores are slow) */
  readonly startTimeoutMs?: number;
  /** Extra kube-apiserver flags, appended after envtest's own (a later flag wins). @default [] */
  readonly apiServerFlags?: readonly string[];
  /** Keep the temp directory (logs, etcd data) after stop, for debugging. @default false */
  readonly keepDir?: boolean;
}

/** Defaults of {@link ControlPlaneOptions}. */
export const controlPlaneDefaults = Object.freeze({ garbageCollector: false, build: true, startTimeoutMs: 90_000 });

/** A running control plane. Call `stop()` (or abort the signal) when done. */
export interface ControlPlane {
  /** An admin (system:masters) KubeConfig for `@kubernetes/client-node`. */
  readonly kubeConfig: KubeConfig;
  /** The same KubeConfig as a file, for other processes (an operator run by hand, kubectl). */
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** `http://127.0.0.1:<port>` of etcd. */
  readonly etcdUrl: string;
  /** The temp directory: logs (`*.log`), etcd data, keys, kubeconfig. */
  readonly dir: string;
  /** The binaries in use. */
  readonly binaries: ControlPlaneBinaries;
  /**
   * Whether kube-controller-manager runs (garbage collector and namespace controller). When false, ownerReferences
   * never cascade and deleted namespaces stay `Terminating`.
   */
  readonly garbageCollector: boolean;
  /** Installs CRDs and waits until they are served. */
  installCrds(crds: readonly CrdSource[], options?: InstallCrdsOptions): Promise<void>;
  /** Stops kube-apiserver only (etcd keeps the data); watches see their connection drop. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port and etcd, and waits until it is ready. */
  startApiServer(): Promise<void>;
  /** `stopApiServer()` then `startApiServer()`. */
  restartApiServer(): Promise<void>;
  /** Stops every process by PID, waits for them to exit and removes the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver on free 127.0.0.1 ports, with generated service-account keys and a bearer-token
 * admin identity, installs the CRDs, and optionally starts kube-controller-manager.
 *
 * Guarantees: every process is killed by its PID on `stop()`, on abort, when this Node process exits, and (through
 * a small watcher process) even when this process is killed with SIGKILL. Nothing listens on a non-loopback address.
 *
 * @throws BinariesNotFoundError when no binaries can be found or built; StartFailedError (with the component's log
 *   tail) when a component exits or is not ready within `startTimeoutMs`.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const {
    crds = [],
    garbageCollector = controlPlaneDefaults.garbageCollector,
    signal,
    binaryDir,
    build = controlPlaneDefaults.build,
    startTimeoutMs = controlPlaneDefaults.startTimeoutMs,
    apiServerFlags = [],
    keepDir = false,
  } = options;
  signal?.throwIfAborted();
  const binaries = await findBinaries({ ...(binaryDir === undefined ? {} : { binaryDir }), build });
  const withGc = garbageCollectorFor(garbageCollector, binaries);
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-envtest-'));
  const plane = new RunningPlane(binaries, dir, withGc, startTimeoutMs, apiServerFlags, keepDir);
  const onAbort = () => void plane.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await plane.start(crds);
    return plane;
  } catch (err) {
    await plane.stop();
    throw err;
  } finally {
    if (signal?.aborted) await plane.stop();
  }
}

/** Resolves the `garbageCollector` option against the binaries found. */
function garbageCollectorFor(requested: boolean | 'ifAvailable', binaries: ControlPlaneBinaries): boolean {
  if (!requested) return false;
  if (binaries.kubeControllerManager) return true;
  const why =
    `${binaries.dir} has no kube-controller-manager (released envtest archives, as \`dsoi-envtest use\` ` +
    'downloads, ship only etcd, kube-apiserver and kubectl)';
  if (requested === true) {
    throw new BinariesNotFoundError(
      `garbageCollector needs kube-controller-manager, but ${why}. Build all three with \`npx dsoi-envtest build\` ` +
        "(Go), point DSOI_ENVTEST_ASSETS at binaries that include it, or pass garbageCollector: 'ifAvailable' or false.",
    );
  }
  process.emitWarning(
    `@dsoi/envtest: garbage collection is off: ${why}. ownerReferences will not cascade and deleted namespaces ` +
      'stay Terminating.',
    { code: 'DSOI_ENVTEST_NO_GC' },
  );
  return false;
}

class RunningPlane implements ControlPlane {
  kubeConfig = new KubeConfig();
  kubeconfigPath: string;
  server = '';
  etcdUrl = '';
  private readonly token = randomBytes(24).toString('hex');
  private readonly reaper;
  private readonly processes = new Map<string, ManagedProcess>();
  private apiServerArgs: string[] = [];
  private ca = '';
  private stopped = false;
  private readonly killOnExit = () => {
    for (const proc of this.processes.values()) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };

  readonly binaries: ControlPlaneBinaries;
  readonly dir: string;
  readonly garbageCollector: boolean;
  private readonly startTimeoutMs: number;
  private readonly extraFlags: readonly string[];
  private readonly keepDir: boolean;

  constructor(
    binaries: ControlPlaneBinaries,
    dir: string,
    garbageCollector: boolean,
    startTimeoutMs: number,
    extraFlags: readonly string[],
    keepDir: boolean,
  ) {
    this.binaries = binaries;
    this.dir = dir;
    this.garbageCollector = garbageCollector;
    this.startTimeoutMs = startTimeoutMs;
    this.extraFlags = extraFlags;
    this.keepDir = keepDir;
    this.kubeconfigPath = join(dir, 'admin.kubeconfig');
    this.reaper = startReaper(join(dir, 'pids'), keepDir ? '/nonexistent' : dir);
    process.once('exit', this.killOnExit);
  }

  private get target(): ApiTarget {
    return { server: this.server, token: this.token, ca: this.ca };
  }

  async start(crds: readonly CrdSource[]): Promise<void> {
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    this.etcdUrl = `http://127.0.0.1:${etcdPort}`;
    this.server = `https://127.0.0.1:${apiPort}`;
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(join(this.dir, 'sa.key'), privateKey, { mode: 0o600 });
    writeFileSync(join(this.dir, 'tokens.csv'), `${this.token},envtest-admin,envtest-admin-uid,"system:masters"\n`, {
      mode: 0o600,
    });
    mkdirSync(join(this.dir, 'pki'));
    await this.startEtcd(peerPort!);
    this.apiServerArgs = this.apiServerFlags(apiPort!);
    await this.startApiServer();
    this.writeKubeconfig();
    if (crds.length > 0) await this.installCrds(crds);
    if (this.garbageCollector) this.startControllerManager();
  }

  private launch(name: string, binary: string, args: string[]): ManagedProcess {
    const proc = startProcess(name, binary, args, join(this.dir, `${name}.log`));
    this.processes.set(name, proc);
    this.reaper.track([...this.processes.values()].map((p) => p.pid));
    return proc;
  }

  private async startEtcd(peerPort: number): Promise<void> {
    const peer = `http://127.0.0.1:${peerPort}`;
    const proc = this.launch('etcd', this.binaries.etcd, [
      '--name=envtest',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=${this.etcdUrl}`,
      `--advertise-client-urls=${this.etcdUrl}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=envtest=${peer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await this.waitUntil(proc, async () => (await httpText(`${this.etcdUrl}/health`)).includes('"health":"true"'));
  }

  private apiServerFlags(port: number): string[] {
    const d = this.dir;
    return [
      `--etcd-servers=${this.etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      '--advertise-address=127.0.0.1',
      `--cert-dir=${join(d, 'pki')}`,
      // 65,534 ClusterIPs: a load test of hundreds of clusters with several Services each must not run out (a /24
      // ran out after 254 Services; a real cluster's default is a /12).
      '--service-cluster-ip-range=10.0.0.0/16',
      `--service-account-issuer=https://127.0.0.1:${port}`,
      `--service-account-key-file=${join(d, 'sa.key')}`,
      `--service-account-signing-key-file=${join(d, 'sa.key')}`,
      `--token-auth-file=${join(d, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      // No token controller runs, so the ServiceAccount admission plugin would refuse every Pod.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      ...this.extraFlags,
    ];
  }

  async startApiServer(): Promise<void> {
    const proc = this.launch('kube-apiserver', this.binaries.kubeApiServer, this.apiServerArgs);
    const certFile = join(this.dir, 'pki', 'apiserver.crt');
    await this.waitUntil(proc, async () => {
      if (!existsSync(certFile)) return false;
      // The self-signed file holds the serving certificate followed by the CA that signed it.
      this.ca = readFileSync(certFile, 'utf8');
      const ready = await apiRequest(this.target, 'GET', '/readyz');
      if (ready.status !== 200) return false;
      return (await apiRequest(this.target, 'GET', '/api/v1/namespaces/default')).status === 200;
    });
  }

  async stopApiServer(): Promise<void> {
    await this.processes.get('kube-apiserver')?.stop();
  }

  async restartApiServer(): Promise<void> {
    await this.stopApiServer();
    await this.startApiServer();
  }

  private startControllerManager(): void {
    this.launch('kube-controller-manager', this.binaries.kubeControllerManager!, [
      `--kubeconfig=${this.kubeconfigPath}`,
      '--controllers=garbage-collector-controller,namespace-controller',
      '--leader-elect=false',
      '--secure-port=0',
    ]);
  }

  private writeKubeconfig(): void {
    const yaml = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: envtest',
      '  cluster:',
      `    server: ${this.server}`,
      `    certificate-authority-data: ${Buffer.from(this.ca).toString('base64')}`,
      'users:',
      '- name: envtest-admin',
      '  user:',
      `    token: ${this.token}`,
      'contexts:',
      '- name: envtest',
      '  context: { cluster: envtest, user: envtest-admin, namespace: default }',
      'current-context: envtest',
      '',
    ].join('\n');
    writeFileSync(this.kubeconfigPath, yaml, { mode: 0o600 });
    this.kubeConfig.loadFromString(yaml);
  }

  installCrds(crds: readonly CrdSource[], options?: InstallCrdsOptions): Promise<void> {
    return installCrds(this.target, crds, options);
  }

  /** Polls `ready` every 100 ms until it is true, failing fast when the process exits. */
  private async waitUntil(proc: ManagedProcess, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      if (proc.hasExited()) {
        throw new StartFailedError(proc.name, `${proc.name} exited during start-up`, proc.logTail());
      }
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new StartFailedError(proc.name, `${proc.name} not ready after ${this.startTimeoutMs} ms`, proc.logTail());
      }
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Reverse start order: the controller manager and apiserver first, so etcd outlives its clients.
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) {
      await this.processes.get(name)?.stop();
    }
    process.removeListener('exit', this.killOnExit);
    this.reaper.dismiss();
    if (!this.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function httpText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: 2_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve(text));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
