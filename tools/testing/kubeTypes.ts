/** The `apiVersion` and `kind` of the built-in objects the reference operators' tests read and write. */

/** Built-in types by a short name, for `admin.get({ ...kubeTypes.service, namespace, name })` and the like. */
export const kubeTypes = {
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  service: { apiVersion: 'v1', kind: 'Service' },
  claim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  statefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  event: { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
} as const;
