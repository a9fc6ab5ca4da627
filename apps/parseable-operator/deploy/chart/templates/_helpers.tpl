{{/* The chart name, for the app.kubernetes.io/name label. */}}
{{- define "operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of every object: fullnameOverride, else the release name. */}}
{{- define "operator.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the operator pods; never changed by an upgrade (a Deployment's selector is immutable). */}}
{{- define "operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "operator.labels" -}}
{{ include "operator.selectorLabels" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "operator.serviceAccountName" -}}
{{- default (include "operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is set. */}}
{{- define "operator.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/* "true" when the operator elects a leader: asked for, or more than one replica. */}}
{{- define "operator.leaderElect" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) -}}true{{- end -}}
{{- end -}}

{{/* "true" when RBAC is namespaced: exactly one watched namespace (several are watched cluster-wide). */}}
{{- define "operator.namespaced" -}}
{{- if eq (len .Values.watchNamespaces) 1 -}}true{{- end -}}
{{- end -}}

{{/* The RoleBinding and ClusterRoleBinding subject: the operator's ServiceAccount. */}}
{{- define "operator.subjects" -}}
- kind: ServiceAccount
  name: {{ include "operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace | quote }}
{{- end -}}

{{/*
NODE_OPTIONS that set V8's heap cap to heapPercentOfMemoryLimit percent of resources.limits.memory, in MiB: by
default Node caps its old space at a quarter of the cgroup's limit (128 MiB under 512Mi). Empty without a memory
limit, with the percentage 0, or when extraEnv sets NODE_OPTIONS. Node 24's --max-old-space-size-percentage would
follow the cgroup by itself, but NODE_OPTIONS refuses it (checked on Node 24.21).
*/}}
{{- define "operator.nodeOptions" -}}
{{- $limit := toString (dig "limits" "memory" "" (.Values.resources | default dict)) -}}
{{- $percent := int (.Values.heapPercentOfMemoryLimit | default 0) -}}
{{- $own := true -}}
{{- range .Values.extraEnv }}{{ if eq .name "NODE_OPTIONS" }}{{ $own = false }}{{ end }}{{ end -}}
{{- if and $limit (gt $percent 0) $own -}}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" $limit -}}
{{- $unit := trimPrefix $number $limit -}}
{{- $factors := dict "" 1 "k" 1000 "M" 1000000 "G" 1000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 -}}
{{- if or (eq $number "") (not (hasKey $factors $unit)) -}}
{{- fail (printf "resources.limits.memory %q: use a number with no suffix or k, M, G, Ki, Mi, Gi" $limit) -}}
{{- end -}}
{{- $mib := floor (divf (mulf (float64 $number) (get $factors $unit) $percent) 104857600) | int64 -}}
{{- if gt $mib 0 -}}
--max-old-space-size={{ $mib }}
{{- end -}}
{{- end -}}
{{- end -}}
