/** The WebApp reconciler: spec → a Deployment and a Service, then status conditions and Events from what is live. */
import { buildDeployment, buildService } from '@dsoi/builder';
import type { Client, KubeObject } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { EventRecord } from '@dsoi/events';
import { done, type ReconcileFunction, reconcileChildren, setCondition } from '@dsoi/reconcile';
import { type WebApp, webAppResource, webAppSpecSchema } from './webApp.ts';

/** What the reconciler needs from the manager: its client and its Event recorder. */
export interface WebAppReconcilerDeps {
  readonly client: Client;
  readonly recorder: { record(event: EventRecord): void };
}

const deploymentType = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

/** Returns the reconcile function of the WebApp controller. */
export function createWebAppReconciler({ client, recorder }: WebAppReconcilerDeps): ReconcileFunction<WebApp> {
  const webApps = webAppResource.handle(client);
  return async ({ object: webApp, cache, signal }) => {
    // Deleted: the children carry owner references, so Kubernetes' garbage collector removes them.
    if (!webApp) return done();
    const { name, namespace, generation } = webApp.metadata;
    const regarding = { ...webAppResource.type, name, namespace, uid: webApp.metadata.uid };

    const parsed = webAppSpecSchema.safeParse(webApp.spec);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ');
      recorder.record({ regarding, type: 'Warning', reason: 'InvalidSpec', note: message, action: 'Reconcile' });
      const conditions = setCondition(webApp.status?.conditions, {
        type: 'Available',
        status: 'False',
        reason: 'InvalidSpec',
        message,
        ...(generation !== undefined && { observedGeneration: generation }),
      });
      await webApps.updateStatus(webApp, { conditions }, { signal });
      return done(); // a new spec is a new event: nothing to retry until then
    }
    const spec = parsed.data;

    const labels = { 'app.kubernetes.io/name': 'webapp', 'app.kubernetes.io/instance': name };
    const deployment = buildDeployment({
      name,
      namespace,
      selectorLabels: labels,
      replicas: spec.replicas,
      template: {
        spec: { containers: [{ name: 'web', image: spec.image, ports: [{ name: 'http', containerPort: spec.port }] }] },
      },
    });
    const service = buildService({
      name,
      namespace,
      selector: labels,
      spec: { ports: [{ name: 'http', port: 80, targetPort: spec.port }] },
    });
    // Server-side apply of both children, owned by the WebApp; `Created`/`Updated` Events come with it.
    await reconcileChildren({ owner: webApp, desired: [deployment, service], client, cache, recorder, signal });

    // Status from what is live (the cache), never from what was just written.
    // `cache` is the store's cache reader (the client's `Reader`): a missing object rejects with `NotFoundError`.
    const live = await cache
      .get<KubeObject & { status?: { readyReplicas?: number } }>({ ...deploymentType, name, namespace }, { signal })
      .catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
    const readyReplicas = live?.status?.readyReplicas ?? 0;
    const available = readyReplicas >= spec.replicas;
    const wasAvailable = webApp.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
    if (available && !wasAvailable) {
      const note = `${readyReplicas}/${spec.replicas} replicas ready`;
      recorder.record({ regarding, type: 'Normal', reason: 'Available', note, action: 'Reconcile' });
    }
    const conditions = setCondition(webApp.status?.conditions, {
      type: 'Available',
      status: available ? 'True' : 'False',
      reason: available ? 'ReplicasReady' : 'ReplicasNotReady',
      message: `${readyReplicas}/${spec.replicas} replicas ready`,
      ...(generation !== undefined && { observedGeneration: generation }),
    });
    await webApps.updateStatus(
      webApp,
      { readyReplicas, conditions, ...(generation !== undefined && { observedGeneration: generation }) },
      { signal },
    );
    // The Deployment is owned: its status changes wake this reconcile up again, no polling needed.
    return done();
  };
}
