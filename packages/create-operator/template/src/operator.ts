/** The WebApp operator: a manager with one controller. Built here, started in main.ts, generated from by `dsoi`. */
import { createManager, type Manager, type ManagerOptions } from '@dsoi/reconcile';
import type { KubeConfig } from '@kubernetes/client-node';
import { createWebAppReconciler } from './reconciler.ts';
import { webAppResource } from './webApp.ts';

/** Options of {@link createOperator}. */
export interface WebAppOperatorOptions {
  /** Cluster and credentials. */
  readonly kubeConfig: KubeConfig;
  /** Watch only this namespace. @default every namespace */
  readonly namespace?: string;
  /** Leader election, probes and metrics, as `createManager` takes them. @default none; probes and metrics on 127.0.0.1 */
  readonly leaderElection?: ManagerOptions['leaderElection'];
  readonly probes?: ManagerOptions['probes'];
  readonly metrics?: ManagerOptions['metrics'];
}

/** Creates the operator's manager, not started. */
export function createOperator(options: WebAppOperatorOptions): Manager {
  const { kubeConfig, namespace, leaderElection, probes, metrics } = options;
  const manager = createManager({
    name: 'webapp-operator',
    kubeConfig,
    ...(leaderElection !== undefined && { leaderElection }),
    ...(probes !== undefined && { probes }),
    ...(metrics !== undefined && { metrics }),
  });
  manager.addController({
    name: 'webapp',
    for: webAppResource.type,
    owns: [
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'Service' },
    ],
    ...(namespace !== undefined && { namespace }),
    reconciler: createWebAppReconciler(manager),
  });
  return manager;
}
