{{/*
Least privilege: exactly the verbs the operator uses (test/rbac.test.ts runs the operator as this account and fails
on a denied request and on a grant it never used). Reads come from watches (list, watch); get on
parseabletenants only for updateStatus' fresh read after a status write refused as a conflict; writes are
server-side apply (create on first apply, patch after); pruning deletes owned children that are no longer desired.
Data claims are never deleted by the operator (only the garbage collector deletes them, and only when a tenant opts
in with persistentVolumeClaimRetentionPolicy.whenDeleted: Delete), so there is no delete on them. Secrets: only
those labelled app=parseable are listed and watched (the credentials of a tenant's config, which never go into a
ConfigMap); the operator never reads a Secret it did not make. No Pods. update on parseabletenants/finalizers: children carry blockOwnerDeletion ownerReferences, which the
OwnerReferencesPermissionEnforcement admission plugin (enabled on OpenShift) allows only with it.
*/}}
{{- define "operator.rules" -}}
- apiGroups: [parseable.io]
  resources: [parseabletenants]
  verbs: [get, list, watch]
- apiGroups: [parseable.io]
  resources: [parseabletenants/status]
  verbs: [patch]
- apiGroups: [parseable.io]
  resources: [parseabletenants/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps, secrets, services]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [deployments, statefulsets]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [list, watch, create, patch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* The Lease the operator elects its leader with (controller-runtime's LeaderElectionID of the Go operator). */}}
{{- define "operator.leaseName" -}}56004781.parseable.io{{- end -}}
