{{/*
Exactly what the controllers do, nothing more (test/rbac.test.ts runs the operator as this account and fails on a
denied request and on a grant it never used). Reads come from the informers: list and watch. The one get on a
custom resource is updateStatus' fresh read after a status write refused as a conflict.
- Pinot clusters: watch, write status; update pinots/finalizers so children may carry blockOwnerDeletion
  ownerReferences (the OwnerReferencesPermissionEnforcement admission plugin, enabled on OpenShift).
- PinotSchema/PinotTable/PinotTenant: watch, patch (their finalizer), write status.
- Children: server-side apply (create on the first apply, patch after), prune (delete), watch.
- Secrets: get, the auth and CA Secrets named in a Pinot CR (the reads are cached); owned children too (a config
  group carrying a credential, credential literals of k8sConfig.env), listed and watched by the app=pinot label only.
- Events: events.k8s.io create and patch (series), in the namespaces of the objects they are about.
*/}}
{{- define "operator.rules" -}}
- apiGroups: [datainfra.io]
  resources: [pinots]
  verbs: [get, list, watch]
- apiGroups: [datainfra.io]
  resources: [pinotschemas, pinottables, pinottenants]
  verbs: [get, list, watch, patch]
- apiGroups: [datainfra.io]
  resources: [pinots/status, pinotschemas/status, pinottables/status, pinottenants/status]
  verbs: [patch]
- apiGroups: [datainfra.io]
  resources: [pinots/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps, services]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [statefulsets, deployments]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* The Lease the operator elects its leader with (controller-runtime's LeaderElectionID of the Go operator). */}}
{{- define "operator.leaseName" -}}e8b13a47.datainfra.io{{- end -}}
