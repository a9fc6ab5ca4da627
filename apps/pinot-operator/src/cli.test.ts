import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({
    args,
    env,
    signal: AbortSignal.abort(),
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pinot-operator command line', () => {
  it('exits 2 with one clear line for an unparsable RECONCILE_WAIT (the Go operator exited 1 with a trace)', async () => {
    const result = await run([], { RECONCILE_WAIT: 'ten seconds' });
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'pinot-operator: RECONCILE_WAIT: "ten seconds" is not a duration; use a Go duration such as 10s, 1m30s or 500ms',
    );
  });

  it('exits 2 for an unknown flag, a bad bind address or leader election without a namespace', async () => {
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['--metrics-bind-address=8080'])).err).toContain('--metrics-bind-address');
    expect((await run(['--leader-elect'])).err).toContain('POD_NAMESPACE');
    expect((await run([], { PINOT_HTTP_TIMEOUT: 'x' })).err).toContain('PINOT_HTTP_TIMEOUT');
    expect((await run(['--webhook-cert-dir=/certs', '--webhook-port=99999'])).err).toBe(
      'pinot-operator: --webhook-port: 99999 is not a port number (1 to 65535)',
    );
    expect((await run(['--webhook-port=9443'])).err).toContain('--webhook-port: needs --webhook-cert-dir');
  });

  it('exits 2 with one line naming the kubeconfig and its field when it cannot be read', async () => {
    const missing = await run(['--kubeconfig=/nonexistent/kubeconfig']);
    expect(missing).toEqual({
      code: 2,
      out: '',
      err: 'pinot-operator: kubeconfig /nonexistent/kubeconfig: file: cannot read it (ENOENT)',
    });
  });

  it('prints the flags and variables for --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const text of [
      '--kubeconfig',
      '--metrics-bind-address',
      '--leader-elect',
      '--pinot-controller-url',
      '--secret-namespaces',
      '--allow-privileged-pods',
      'ALLOW_PRIVILEGED_PODS',
      'RECONCILE_WAIT',
      'DENY_LIST',
      'WATCH_NAMESPACE',
    ]) {
      expect(result.out).toContain(text);
    }
  });
});
