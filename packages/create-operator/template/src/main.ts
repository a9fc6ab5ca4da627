/** Runs the WebApp operator: `node src/main.ts --kubeconfig ~/.kube/config` (flags as controller-runtime's). */
import { shutdownSignal } from '@dsoi/reconcile';
import { operatorFlagsUsage, parseOperatorFlags } from '@dsoi/reconcile/manager';
import { KubeConfig } from '@kubernetes/client-node';
import { createOperator } from './operator.ts';

const flags = parseOperatorFlags();
if (flags.help) {
  console.log(operatorFlagsUsage());
  process.exit(0);
}
const kubeConfig = new KubeConfig();
if (flags.kubeconfig) kubeConfig.loadFromFile(flags.kubeconfig);
else kubeConfig.loadFromDefault();

const operator = createOperator({
  kubeConfig,
  ...(flags.watchNamespaces.length === 1 && { namespace: flags.watchNamespaces[0] }),
  probes: flags.healthProbeBindAddress,
  metrics: flags.metricsBindAddress,
  leaderElection: flags.leaderElect && {
    namespace: flags.leaderElectionNamespace ?? 'default',
    leaseName: 'webapp-operator.example.com',
  },
});
// The first SIGTERM or Ctrl-C drains in-flight reconciles and releases the Lease; a second one exits at once.
await operator.start(shutdownSignal());
