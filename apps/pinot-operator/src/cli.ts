/**
 * The command line of the operator: the Go operator's environment (`RECONCILE_WAIT`, `DENY_LIST`,
 * `WATCH_NAMESPACE`) and controller-runtime's flags, plus `--pinot-controller-url` / `PINOT_CONTROLLER_URL` to reach
 * Pinot from outside the cluster, `--secret-namespaces` / `SECRET_NAMESPACES` to let CRs name Secrets elsewhere,
 * `--allow-privileged-pods` / `ALLOW_PRIVILEGED_PODS` to let CRs pass privileged pod settings through,
 * and `--webhook-cert-dir` / `--webhook-port` (controller-runtime's names) to serve the validating webhooks.
 * A bad setting or kubeconfig prints one clear line and exits with code 2. The kubeconfig is read by `@dsoi/client`'s
 * `loadKubeConfig`, so `@kubernetes/client-node` (about 50 MiB resident) is loaded only for an exec plugin, an
 * auth provider or a proxy.
 */
import { KubeConfigError, loadKubeConfig } from '@dsoi/client';
import type { ExtraFlag } from '@dsoi/reconcile/manager';
import {
  LeaderElectionLostError,
  managerOptionsFromFlags,
  OperatorFlagsError,
  operatorFlagsUsage,
  parseGoDuration,
  parseOperatorFlags,
} from '@dsoi/reconcile/manager';
import { createPinotOperator, pinotOperatorDefaults } from './operator.ts';
import { type PinotWebhookServerOptions, pinotWebhookServerDefaults } from './webhook/pinotWebhookServer.ts';

const extraFlags: Record<string, ExtraFlag> = {
  'allow-privileged-pods': {
    type: 'boolean',
    env: 'ALLOW_PRIVILEGED_PODS',
    description:
      'Let CRs give their pods hostPath volumes, host ports, Service externalIPs and a ServiceAccount (default: refused as InvalidSpec); or ALLOW_PRIVILEGED_PODS=true.',
  },
  'pinot-controller-url': {
    type: 'string',
    env: 'PINOT_CONTROLLER_URL',
    description:
      'Pinot controller URL for every cluster, instead of its controller Service (running outside the cluster).',
  },
  'secret-namespaces': {
    type: 'string',
    env: 'SECRET_NAMESPACES',
    description:
      "Comma-separated namespaces besides a Pinot CR's own whose Secrets its spec.auth and spec.controllerTLS may name (default: none).",
  },
  'webhook-cert-dir': {
    type: 'string',
    env: 'WEBHOOK_CERT_DIR',
    description:
      'Serve the validating webhooks of PinotSchema and PinotTable with tls.crt and tls.key of this directory (default: no webhook server).',
  },
  'webhook-port': {
    type: 'string',
    env: 'WEBHOOK_PORT',
    description: `Port of the webhook server (default ${pinotWebhookServerDefaults.port}).`,
  },
  'pinot-http-timeout': {
    type: 'string',
    env: 'PINOT_HTTP_TIMEOUT',
    description: 'Timeout of each Pinot REST request, a Go duration (default 10s).',
  },
};

/** A comma-separated namespace list (`SECRET_NAMESPACES`), blanks dropped. */
function namespaceList(text: string): string[] {
  return text
    .split(',')
    .map((ns) => ns.trim())
    .filter((ns) => ns !== '');
}

/** The `webhook` option from `--webhook-cert-dir` and `--webhook-port`. @throws OperatorFlagsError for a bad port. */
function webhookOf(extra: Readonly<Record<string, unknown>>): PinotWebhookServerOptions | undefined {
  const certDir = extra['webhook-cert-dir'];
  const portText = extra['webhook-port'];
  if (typeof certDir !== 'string' || certDir === '') {
    if (portText !== undefined) throw new OperatorFlagsError('--webhook-port', 'needs --webhook-cert-dir');
    return undefined;
  }
  if (portText === undefined) return { certDir };
  const port = Number(portText);
  if (!/^\d+$/.test(String(portText)) || port < 1 || port > 65535)
    throw new OperatorFlagsError('--webhook-port', `${String(portText)} is not a port number (1 to 65535)`);
  return { certDir, port };
}

/** Where the CLI writes and what it reads. */
export interface CliOptions {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stops the operator. */
  readonly signal: AbortSignal;
  readonly stdout?: (line: string) => void;
  readonly stderr?: (line: string) => void;
}

/**
 * Runs the operator until `signal` aborts and returns the exit code: 0 after a clean stop (or `--help`), 1 when
 * the leader lease was lost or the operator failed, 2 for a bad flag, variable or kubeconfig.
 */
export async function runCli(options: CliOptions): Promise<number> {
  const { signal, stdout = console.log, stderr = console.error } = options;
  let flags: ReturnType<typeof parseOperatorFlags>;
  let httpTimeoutMs: number;
  let webhook: PinotWebhookServerOptions | undefined;
  let managerOptions: ReturnType<typeof managerOptionsFromFlags>;
  try {
    flags = parseOperatorFlags({ args: options.args, env: options.env, extraFlags });
    const timeout = flags.extra['pinot-http-timeout'];
    httpTimeoutMs =
      typeof timeout === 'string'
        ? parseGoDuration(timeout, 'PINOT_HTTP_TIMEOUT')
        : pinotOperatorDefaults.httpTimeoutMs;
    webhook = webhookOf(flags.extra);
    managerOptions = managerOptionsFromFlags(flags, { leaseName: pinotOperatorDefaults.leaderElectionId });
  } catch (err) {
    if (!(err instanceof OperatorFlagsError)) throw err;
    stderr(`pinot-operator: ${err.message}`);
    return 2;
  }
  if (flags.help) {
    stdout(`Usage: pinot-operator [flags]\n\n${operatorFlagsUsage({ extraFlags })}`);
    return 0;
  }
  let kubeConfig: Awaited<ReturnType<typeof loadKubeConfig>>;
  try {
    kubeConfig = await loadKubeConfig({ file: flags.kubeconfig, env: options.env });
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    stderr(`pinot-operator: ${err.message}`);
    return 2;
  }
  const controllerUrl = flags.extra['pinot-controller-url'];
  const secretNamespaces = flags.extra['secret-namespaces'];
  const operator = createPinotOperator({
    kubeConfig,
    ...managerOptions,
    reconcileWaitMs: flags.reconcileWaitMs,
    denyList: flags.denyList,
    watchNamespaces: flags.watchNamespaces,
    httpTimeoutMs,
    ...(typeof controllerUrl === 'string' && controllerUrl !== '' && { controllerUrl }),
    ...(typeof secretNamespaces === 'string' && { secretNamespaces: namespaceList(secretNamespaces) }),
    ...(webhook && { webhook }),
    allowPrivilegedPods: flags.extra['allow-privileged-pods'] === true,
  });
  try {
    await operator.start(signal);
    return 0;
  } catch (err) {
    stderr(
      `pinot-operator: ${err instanceof LeaderElectionLostError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}
