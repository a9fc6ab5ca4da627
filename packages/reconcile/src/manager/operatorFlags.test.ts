import { describe, expect, it } from 'vitest';
import {
  managerOptionsFromFlags,
  OperatorFlagsError,
  parseBindAddress,
  parseGoDuration,
  parseOperatorFlags,
} from './operatorFlags.js';

describe('parseGoDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['0', 0],
    ['2h45m', 9_900_000],
    ['1500us', 1.5],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['10', '-5s', '1 m', 's', '', '10sec', '1m30'])('refuses %j with an error naming the variable', (text) => {
    expect(() => parseGoDuration(text, 'RECONCILE_WAIT')).toThrow(OperatorFlagsError);
    expect(() => parseGoDuration(text, 'RECONCILE_WAIT')).toThrow(/^RECONCILE_WAIT: .* is not a duration/);
  });
});

describe('parseBindAddress', () => {
  it('reads host:port, :port, [ipv6]:port and 0', () => {
    expect(parseBindAddress('127.0.0.1:8080', 'x')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseBindAddress(':8081', 'x')).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(parseBindAddress('[::1]:9000', 'x')).toEqual({ host: '::1', port: 9000 });
    expect(parseBindAddress('0', 'x')).toBe(false);
    expect(() => parseBindAddress('8080', '--metrics-bind-address')).toThrow(/--metrics-bind-address/);
  });
});

describe('parseOperatorFlags', () => {
  it('reads the Go operators environment and the controller-runtime flags, flags first', () => {
    const flags = parseOperatorFlags({
      args: ['--leader-elect', '--metrics-bind-address=:8080', '--kubeconfig', '/k', '--pinot-controller-url=http://x'],
      env: {
        RECONCILE_WAIT: '1m',
        DENY_LIST: 'kube-system, default,',
        WATCH_NAMESPACE: 'pinot',
        POD_NAMESPACE: 'ops',
        KUBECONFIG: '/env',
      },
      extraFlags: { 'pinot-controller-url': { type: 'string', env: 'PINOT_CONTROLLER_URL', description: 'x' } },
    });
    expect(flags).toMatchObject({
      kubeconfig: '/k',
      leaderElect: true,
      leaderElectionNamespace: 'ops',
      metricsBindAddress: { host: '0.0.0.0', port: 8080 },
      healthProbeBindAddress: { host: '127.0.0.1', port: 8081 },
      reconcileWaitMs: 60_000,
      denyList: ['kube-system', 'default'],
      watchNamespaces: ['pinot'],
      extra: { 'pinot-controller-url': 'http://x' },
    });
  });

  it('defaults to 10s and local addresses, and takes extra flags from their variable', () => {
    const flags = parseOperatorFlags({
      args: [],
      env: { PINOT_CONTROLLER_URL: 'http://env' },
      extraFlags: { 'pinot-controller-url': { type: 'string', env: 'PINOT_CONTROLLER_URL', description: 'x' } },
    });
    expect(flags.reconcileWaitMs).toBe(10_000);
    expect(flags.metricsBindAddress).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(flags.extra['pinot-controller-url']).toBe('http://env');
  });

  it('refuses an unknown flag and a bad RECONCILE_WAIT with an OperatorFlagsError', () => {
    expect(() => parseOperatorFlags({ args: ['--nope'], env: {} })).toThrow(OperatorFlagsError);
    expect(() => parseOperatorFlags({ args: [], env: { RECONCILE_WAIT: 'soon' } })).toThrow(/RECONCILE_WAIT/);
  });

  it('limits the client to 20 QPS, burst 30 unless --kube-api-qps/--kube-api-burst say otherwise (negative: off)', () => {
    expect(parseOperatorFlags({ args: [], env: {} }).clientRateLimit).toEqual({ qps: 20, burst: 30 });
    const flags = parseOperatorFlags({ args: ['--kube-api-qps=2.5', '--kube-api-burst', '4'], env: {} });
    expect(flags.clientRateLimit).toEqual({ qps: 2.5, burst: 4 });
    expect(parseOperatorFlags({ args: ['--kube-api-qps=-1'], env: {} }).clientRateLimit).toBe(false);
    expect(() => parseOperatorFlags({ args: ['--kube-api-qps=0'], env: {} })).toThrow(/^--kube-api-qps: "0"/);
    expect(() => parseOperatorFlags({ args: ['--kube-api-qps=fast'], env: {} })).toThrow(/--kube-api-qps/);
    expect(() => parseOperatorFlags({ args: ['--kube-api-burst=1.5'], env: {} })).toThrow(/^--kube-api-burst/);
  });
});

describe('secure metrics flags', () => {
  it('are off by default: no token asked, plain http', () => {
    const flags = parseOperatorFlags({ args: [], env: {} });
    expect(flags.metricsSecure).toBe(false);
    expect(flags.metricsTls).toBeUndefined();
  });

  it('read --metrics-secure or METRICS_SECURE, and the tls.crt/tls.key pair of --metrics-cert-dir or METRICS_CERT_DIR', () => {
    expect(parseOperatorFlags({ args: ['--metrics-secure'], env: {} }).metricsSecure).toBe(true);
    expect(parseOperatorFlags({ args: [], env: { METRICS_SECURE: 'true' } }).metricsSecure).toBe(true);
    expect(parseOperatorFlags({ args: [], env: { METRICS_SECURE: 'false' } }).metricsSecure).toBe(false);
    expect(
      parseOperatorFlags({ args: ['--metrics-cert-dir=/certs'], env: { METRICS_CERT_DIR: '/x' } }).metricsTls,
    ).toEqual({ certFile: '/certs/tls.crt', keyFile: '/certs/tls.key' });
    expect(parseOperatorFlags({ args: [], env: { METRICS_CERT_DIR: '/x' } }).metricsTls?.certFile).toBe('/x/tls.crt');
  });

  it('refuse a METRICS_SECURE that is not true or false, naming the variable', () => {
    expect(() => parseOperatorFlags({ args: [], env: { METRICS_SECURE: 'yes' } })).toThrow(
      /^METRICS_SECURE: "yes" is not true or false/,
    );
  });
});

describe('managerOptionsFromFlags', () => {
  const parse = (args: string[], env: Record<string, string> = {}) => parseOperatorFlags({ args, env });

  it('passes the bind addresses, secure metrics, the token bucket and the Lease on to the manager', () => {
    const flags = parse(
      [
        '--health-probe-bind-address=:8081',
        '--metrics-bind-address=0',
        '--metrics-secure',
        '--metrics-cert-dir=/certs',
        '--kube-api-qps=5',
        '--kube-api-burst=7',
        '--leader-elect',
      ],
      { POD_NAMESPACE: 'operators' },
    );
    expect(managerOptionsFromFlags(flags, { leaseName: 'e8b13a47.datainfra.io' })).toEqual({
      probes: { host: '0.0.0.0', port: 8081 },
      metrics: false,
      metricsAuth: true,
      metricsTls: { certFile: '/certs/tls.crt', keyFile: '/certs/tls.key' },
      clientLimits: { rateLimit: { qps: 5, burst: 7 } },
      leaderElection: { namespace: 'operators', leaseName: 'e8b13a47.datainfra.io' },
    });
  });

  it('without flags: the defaults, no TLS, no leader election (the Lease name is then unused)', () => {
    expect(managerOptionsFromFlags(parse([]), { leaseName: 'unused' })).toEqual({
      probes: { host: '127.0.0.1', port: 8081 },
      metrics: { host: '127.0.0.1', port: 8080 },
      metricsAuth: false,
      clientLimits: { rateLimit: { qps: 20, burst: 30 } },
      leaderElection: false,
    });
  });

  it('leaves the Lease name to the manager when none is given', () => {
    const flags = parse(['--leader-elect', '--leader-election-namespace=ops']);
    expect(managerOptionsFromFlags(flags).leaderElection).toEqual({ namespace: 'ops' });
  });

  it('refuses --leader-elect without a namespace for the Lease, naming the flag', () => {
    const flags = parse(['--leader-elect']);
    expect(() => managerOptionsFromFlags(flags)).toThrow(OperatorFlagsError);
    expect(() => managerOptionsFromFlags(flags)).toThrow(
      '--leader-elect: needs --leader-election-namespace or POD_NAMESPACE',
    );
  });
});
