/**
 * The operator command line, loaded by main.ts once the Node version is checked: reads the Go operator's flags and
 * environment (`--kubeconfig`, `--metrics-bind-address`, `--health-probe-bind-address`, `--leader-elect`,
 * `RECONCILE_WAIT`, `DENY_LIST`, `WATCH_NAMESPACE`), plus `--allow-privileged-pods` / `ALLOW_PRIVILEGED_PODS` to let
 * tenants pass privileged pod settings through, and runs until SIGTERM/SIGINT. A bad flag, variable or kubeconfig
 * exits with code 2 and says which. The kubeconfig is read by `@dsoi/client`'s `loadKubeConfig`, so
 * `@kubernetes/client-node` (about 50 MiB resident) is loaded only for an exec plugin, an auth provider or a proxy.
 */
import { KubeConfigError, loadKubeConfig } from '@dsoi/client';
import { createLogger, shutdownSignal } from '@dsoi/reconcile';
import type { ExtraFlag } from '@dsoi/reconcile/manager';
import {
  managerOptionsFromFlags,
  OperatorFlagsError,
  operatorFlagsUsage,
  parseOperatorFlags,
} from '@dsoi/reconcile/manager';
import { createParseableOperator, parseableOperatorDefaults } from './operator.ts';

const extraFlags = {
  'allow-privileged-pods': {
    type: 'boolean',
    env: 'ALLOW_PRIVILEGED_PODS',
    description:
      'Let tenants give their pods hostPath volumes, Service externalIPs and a ServiceAccount (default: refused as InvalidSpec); or ALLOW_PRIVILEGED_PODS=true.',
  },
} satisfies Record<string, ExtraFlag>;

async function main(): Promise<number> {
  let flags: ReturnType<typeof parseOperatorFlags>;
  let managerOptions: ReturnType<typeof managerOptionsFromFlags>;
  try {
    flags = parseOperatorFlags({ extraFlags });
    managerOptions = managerOptionsFromFlags(flags, { leaseName: parseableOperatorDefaults.leaderElectionId });
  } catch (err) {
    if (!(err instanceof OperatorFlagsError)) throw err;
    console.error(`parseable-operator: ${err.message}`);
    return 2;
  }
  if (flags.help) {
    console.log(`Usage: parseable-operator [flags]\n\n${operatorFlagsUsage({ extraFlags })}`);
    return 0;
  }
  const logger = createLogger({ name: parseableOperatorDefaults.name, level: process.env.LOG_LEVEL ?? 'info' });
  let kubeConfig: Awaited<ReturnType<typeof loadKubeConfig>>;
  try {
    kubeConfig = await loadKubeConfig({ file: flags.kubeconfig });
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    console.error(`parseable-operator: ${err.message}`);
    return 2;
  }
  const operator = createParseableOperator({
    kubeConfig,
    ...managerOptions,
    reconcileWaitMs: flags.reconcileWaitMs,
    denyList: flags.denyList,
    watchNamespaces: flags.watchNamespaces,
    allowPrivilegedPods: flags.extra['allow-privileged-pods'] === true,
    logger,
  });
  logger.info(
    { reconcileWaitMs: flags.reconcileWaitMs, denyList: flags.denyList, watchNamespaces: flags.watchNamespaces },
    'starting the Parseable operator',
  );
  await operator.start(shutdownSignal());
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('parseable-operator: fatal:', err);
    process.exit(1);
  },
);
