/**
 * The command line and environment every dsoi operator reads, compatible with the Go operators built on
 * operator-runtime and controller-runtime: `RECONCILE_WAIT` (a Go duration), `DENY_LIST`, `WATCH_NAMESPACE`, and the
 * flags `--kubeconfig`, `--metrics-bind-address`, `--metrics-secure`, `--metrics-cert-dir`,
 * `--health-probe-bind-address`, `--leader-elect`, `--kube-api-qps`/`--kube-api-burst`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RateLimit } from '@dsoi/client';
import { parseNamespaceList } from '../controller/predicates.js';
import type { BindAddress, ManagerOptions } from './manager.js';
import { managerDefaults } from './managerDefaults.js';

/** A bad flag or variable; the message names it and what is expected. A CLI should print it and exit with code 2. */
export class OperatorFlagsError extends Error {
  override readonly name = 'OperatorFlagsError';
  /** The flag or variable, e.g. `RECONCILE_WAIT` or `--metrics-bind-address`. */
  readonly flag: string;
  constructor(flag: string, message: string) {
    super(`${flag}: ${message}`);
    this.flag = flag;
  }
}

/** An operator-specific flag, optionally also read from an environment variable. */
export interface ExtraFlag {
  readonly type: 'string' | 'boolean';
  /** Read from this variable when the flag is absent. @default none */
  readonly env?: string;
  /** One line for `--help`. */
  readonly description: string;
}

/** Options of {@link parseOperatorFlags}. */
export interface OperatorFlagsOptions {
  /** The arguments. @default process.argv.slice(2) */
  readonly args?: readonly string[];
  /** The environment. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `RECONCILE_WAIT` when unset, in ms. @default 10_000 (the Go operators' `10s`) */
  readonly defaultReconcileWaitMs?: number;
  /** Flags of this operator only (their values land in `extra`). @default {} */
  readonly extraFlags?: Readonly<Record<string, ExtraFlag>>;
}

/** What an operator was told to do. */
export interface OperatorFlags {
  /** `--kubeconfig`, else `KUBECONFIG`; unset: in-cluster config or `~/.kube/config`. */
  readonly kubeconfig: string | undefined;
  /** `--metrics-bind-address` (`host:port`, `:port` for every interface, `0` to disable). @default 127.0.0.1:8080 */
  readonly metricsBindAddress: BindAddress | false;
  /**
   * `--metrics-secure`, else `METRICS_SECURE=true`: `/metrics` wants a bearer token the API server authenticates and
   * authorises for `get /metrics` (pass it as the manager's `metricsAuth`). @default false
   */
  readonly metricsSecure: boolean;
  /**
   * `--metrics-cert-dir`, else `METRICS_CERT_DIR`: serve `/metrics` over https with `tls.crt` and `tls.key` from this
   * directory (a mounted `kubernetes.io/tls` Secret), as the manager's `metricsTls`. @default none (plain http)
   */
  readonly metricsTls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** `--health-probe-bind-address`. @default 127.0.0.1:8081 */
  readonly healthProbeBindAddress: BindAddress | false;
  /** `--leader-elect`. @default false */
  readonly leaderElect: boolean;
  /** `--leader-election-namespace`, else `POD_NAMESPACE`. */
  readonly leaderElectionNamespace: string | undefined;
  /**
   * `--kube-api-qps` and `--kube-api-burst`: the token bucket of the operator's Kubernetes client (pass it as
   * `clientLimits.rateLimit`); `false` when `--kube-api-qps` is negative (client-go's way to turn it off).
   * @default managerDefaults.clientRateLimit (20 QPS, burst 30)
   */
  readonly clientRateLimit: RateLimit | false;
  /** `RECONCILE_WAIT` in ms: how long a converged object waits before its periodic re-check. */
  readonly reconcileWaitMs: number;
  /** `DENY_LIST`: namespaces never reconciled (comma-separated; spaces trimmed). */
  readonly denyList: readonly string[];
  /** `WATCH_NAMESPACE`: the only namespaces reconciled (comma-separated; empty: all). The Go binaries ignored it. */
  readonly watchNamespaces: readonly string[];
  /** `--help` was given: print {@link operatorFlagsUsage} and exit 0. */
  readonly help: boolean;
  /** The values of `extraFlags`. */
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

const units: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration (`time.ParseDuration`: `10s`, `1m30s`, `1.5h`, `300ms`, `0`) into milliseconds.
 * @throws OperatorFlagsError naming `field` for anything else (a bare number other than 0, a negative duration).
 */
export function parseGoDuration(text: string, field = 'duration'): number {
  const value = text.trim();
  if (value === '0') return 0;
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  if (value === '' || consumed !== value.length) {
    throw new OperatorFlagsError(
      field,
      `${JSON.stringify(text)} is not a duration; use a Go duration such as 10s, 1m30s or 500ms`,
    );
  }
  return total;
}

/**
 * Parses a bind address as controller-runtime does: `host:port`, `:port` (every interface), `[::1]:port`, or `0`
 * (disabled, returned as `false`).
 * @throws OperatorFlagsError naming `field`.
 */
export function parseBindAddress(text: string, field: string): BindAddress | false {
  if (text === '0') return false;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65_535)
    throw new OperatorFlagsError(field, `${JSON.stringify(text)} is not host:port, :port or 0`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

const common = {
  kubeconfig: {
    type: 'string',
    description: 'Path to a kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config).',
  },
  'metrics-bind-address': {
    type: 'string',
    description: 'Where /metrics listens: host:port, :port or 0 (off). Default 127.0.0.1:8080.',
  },
  'metrics-secure': {
    type: 'boolean',
    description:
      'Require a bearer token on /metrics, checked by TokenReview and SubjectAccessReview (default: $METRICS_SECURE, false).',
  },
  'metrics-cert-dir': {
    type: 'string',
    description:
      'Serve /metrics over https with tls.crt and tls.key from this directory (default: $METRICS_CERT_DIR; none: http).',
  },
  'health-probe-bind-address': {
    type: 'string',
    description: 'Where /healthz and /readyz listen. Default 127.0.0.1:8081.',
  },
  'leader-elect': { type: 'boolean', description: 'Run controllers only while holding the leader Lease.' },
  'leader-election-namespace': { type: 'string', description: 'Namespace of the Lease (default: $POD_NAMESPACE).' },
  'kube-api-qps': {
    type: 'string',
    description: 'Requests per second to the Kubernetes API, all controllers together; negative: no limit. Default 20.',
  },
  'kube-api-burst': {
    type: 'string',
    description: 'Requests the Kubernetes client may send at once above --kube-api-qps. Default 30.',
  },
  help: { type: 'boolean', description: 'Print this help.' },
} as const satisfies Record<string, Omit<ExtraFlag, 'env'>>;

/** The `--help` text: every flag, then the environment variables. */
export function operatorFlagsUsage(options: Pick<OperatorFlagsOptions, 'extraFlags'> = {}): string {
  const flags = { ...common, ...options.extraFlags };
  const lines = Object.entries(flags).map(
    ([name, flag]) => `  --${name}${flag.type === 'string' ? '=<value>' : ''}\n      ${flag.description}`,
  );
  return [
    'Flags:',
    ...lines,
    'Environment:',
    '  RECONCILE_WAIT   periodic re-check of a converged object, a Go duration (default 10s)',
    '  DENY_LIST        comma-separated namespaces never reconciled',
    '  WATCH_NAMESPACE  comma-separated namespaces to reconcile (default: all)',
    '  METRICS_SECURE   true: as --metrics-secure',
    '  METRICS_CERT_DIR as --metrics-cert-dir',
  ].join('\n');
}

/**
 * Reads the flags and the environment. Flags win over variables.
 * @throws OperatorFlagsError for an unknown flag, a missing value, an unparsable `RECONCILE_WAIT` or bind address.
 */
export function parseOperatorFlags(options: OperatorFlagsOptions = {}): OperatorFlags {
  const { args = process.argv.slice(2), env = process.env, defaultReconcileWaitMs = 10_000, extraFlags = {} } = options;
  const definitions = Object.fromEntries(
    Object.entries({ ...common, ...extraFlags }).map(([name, flag]) => [name, { type: flag.type }]),
  ) as Record<string, { type: 'string' | 'boolean' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], options: definitions, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new OperatorFlagsError('arguments', `${message} (see --help)`);
  }
  const wait = env.RECONCILE_WAIT;
  const extra = Object.fromEntries(
    Object.entries(extraFlags).map(([name, flag]) => {
      const fromEnv = flag.env === undefined ? undefined : env[flag.env];
      const value = values[name] ?? (flag.type === 'boolean' && fromEnv !== undefined ? fromEnv === 'true' : fromEnv);
      return [name, value];
    }),
  );
  const string = (name: string) => values[name] as string | undefined;
  return {
    clientRateLimit: parseRateLimit(string('kube-api-qps'), string('kube-api-burst')),
    kubeconfig: string('kubeconfig') ?? env.KUBECONFIG,
    metricsBindAddress: parseBindAddress(string('metrics-bind-address') ?? '127.0.0.1:8080', '--metrics-bind-address'),
    metricsSecure: values['metrics-secure'] === true || parseBoolean(env.METRICS_SECURE, 'METRICS_SECURE'),
    metricsTls: certPair(string('metrics-cert-dir') ?? env.METRICS_CERT_DIR),
    healthProbeBindAddress: parseBindAddress(
      string('health-probe-bind-address') ?? '127.0.0.1:8081',
      '--health-probe-bind-address',
    ),
    leaderElect: values['leader-elect'] === true,
    leaderElectionNamespace: string('leader-election-namespace') ?? env.POD_NAMESPACE,
    reconcileWaitMs:
      wait === undefined || wait.trim() === '' ? defaultReconcileWaitMs : parseGoDuration(wait, 'RECONCILE_WAIT'),
    denyList: parseNamespaceList(env.DENY_LIST),
    watchNamespaces: parseNamespaceList(env.WATCH_NAMESPACE),
    help: values.help === true,
    extra,
  };
}

/**
 * The manager options an operator's own options pass through to `createManager`, as both reference operators do
 * (`interface MyOperatorOptions extends OperatorManagerOptions { ... }`); {@link managerOptionsFromFlags} fills
 * those a command line sets.
 */
export type OperatorManagerOptions = Pick<
  ManagerOptions,
  | 'kubeConfig'
  | 'leaderElection'
  | 'probes'
  | 'metrics'
  | 'metricsAuth'
  | 'metricsTls'
  | 'logger'
  | 'clientLimits'
  | 'onRequest'
>;

/**
 * The manager options the parsed flags set: `probes` (`--health-probe-bind-address`), `metrics`
 * (`--metrics-bind-address`), `metricsAuth` (`--metrics-secure`), `metricsTls` (`--metrics-cert-dir`),
 * `clientLimits.rateLimit` (`--kube-api-qps`, `--kube-api-burst`) and `leaderElection` (`--leader-elect` with
 * `--leader-election-namespace` or `POD_NAMESPACE`, on the Lease `leaseName`).
 * @throws OperatorFlagsError naming `--leader-elect` when it is set without a namespace for the Lease.
 */
export function managerOptionsFromFlags(
  flags: OperatorFlags,
  options: { readonly leaseName?: string } = {},
): Pick<ManagerOptions, 'leaderElection' | 'probes' | 'metrics' | 'metricsAuth' | 'metricsTls' | 'clientLimits'> {
  const namespace = flags.leaderElectionNamespace;
  if (flags.leaderElect && !namespace) {
    throw new OperatorFlagsError('--leader-elect', 'needs --leader-election-namespace or POD_NAMESPACE');
  }
  return {
    probes: flags.healthProbeBindAddress,
    metrics: flags.metricsBindAddress,
    metricsAuth: flags.metricsSecure,
    ...(flags.metricsTls && { metricsTls: flags.metricsTls }),
    clientLimits: { rateLimit: flags.clientRateLimit },
    leaderElection:
      flags.leaderElect && namespace
        ? { namespace, ...(options.leaseName !== undefined && { leaseName: options.leaseName }) }
        : false,
  };
}

/** `true` or `false` (unset or empty: false). @throws OperatorFlagsError naming `field` for anything else. */
function parseBoolean(text: string | undefined, field: string): boolean {
  const value = text?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new OperatorFlagsError(field, `${JSON.stringify(text)} is not true or false`);
}

/** The `kubernetes.io/tls` Secret layout in `dir`, or none for an unset or empty `dir`. */
function certPair(dir: string | undefined): OperatorFlags['metricsTls'] {
  if (dir === undefined || dir.trim() === '') return undefined;
  return { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
}

/** `--kube-api-qps` and `--kube-api-burst` as a token bucket, or `false` for a negative QPS. */
function parseRateLimit(qpsText: string | undefined, burstText: string | undefined): RateLimit | false {
  const qps = qpsText === undefined ? managerDefaults.clientRateLimit.qps : Number(qpsText);
  const burst = burstText === undefined ? managerDefaults.clientRateLimit.burst : Number(burstText);
  if (qpsText !== undefined && (qpsText.trim() === '' || !Number.isFinite(qps) || qps === 0)) {
    throw new OperatorFlagsError('--kube-api-qps', `${JSON.stringify(qpsText)} is not a number above 0 (or negative)`);
  }
  if (qps < 0) return false;
  if (!Number.isInteger(burst) || burst < 1 || burstText?.trim() === '') {
    throw new OperatorFlagsError('--kube-api-burst', `${JSON.stringify(burstText)} is not an integer of at least 1`);
  }
  return { qps, burst };
}
