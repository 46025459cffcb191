{{/* Names and labels. */}}
{{- define "codestory.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "codestory.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "codestory.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "codestory.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: codestory
{{- end -}}

{{/* Selector labels for one component: call with (dict "root" $ "component" "gateway"). */}}
{{- define "codestory.selectorLabels" -}}
app.kubernetes.io/name: {{ include "codestory.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "codestory.componentLabels" -}}
{{ include "codestory.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "codestory.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "codestory.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "codestory.secretName" -}}
{{- default (printf "%s-secrets" (include "codestory.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* image reference for a service block: (dict "root" $ "svc" .Values.gateway) */}}
{{- define "codestory.image" -}}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .svc.image.repository $tag -}}
{{- end -}}

{{- define "codestory.redisHost" -}}
{{- if .Values.redis.bundled -}}
{{- printf "%s-valkey" (include "codestory.fullname" .) -}}
{{- else -}}
{{- required "redis.external.host is required when redis.bundled is false" .Values.redis.external.host -}}
{{- end -}}
{{- end -}}

{{/* The Redis host as a pod in any namespace resolves it (KEDA's operator runs in its own). */}}
{{- define "codestory.redisHostFqdn" -}}
{{- if .Values.redis.bundled -}}
{{- printf "%s.%s.svc.%s" (include "codestory.redisHost" .) .Release.Namespace .Values.clusterDomain -}}
{{- else -}}
{{- include "codestory.redisHost" . -}}
{{- end -}}
{{- end -}}

{{- define "codestory.redisPort" -}}
{{- if .Values.redis.bundled -}}6379{{- else -}}{{ .Values.redis.external.port }}{{- end -}}
{{- end -}}

{{- define "codestory.redisTls" -}}
{{- if and (not .Values.redis.bundled) .Values.redis.external.tls -}}true{{- end -}}
{{- end -}}

{{/* Where the CA bundle that signed an external Redis's certificate is mounted; empty: the system's. */}}
{{- define "codestory.redisCaFile" -}}
{{- $ca := .Values.redis.external.tlsCa -}}
{{- if and (include "codestory.redisTls" .) (or $ca.secretName $ca.configMapName) -}}
{{- printf "/etc/codestory/redis-ca/%s" $ca.key -}}
{{- end -}}
{{- end -}}

{{/* The TLS policy spelled out in a URL, for clients that read nothing else (Flower). */}}
{{- define "codestory.redisTlsQuery" -}}
{{- if include "codestory.redisTls" . -}}
{{- if .Values.redis.external.tlsInsecureSkipVerify -}}
?ssl_cert_reqs=none&ssl_check_hostname=false
{{- else if include "codestory.redisCaFile" . -}}
{{- printf "?ssl_cert_reqs=required&ssl_ca_certs=%s" (include "codestory.redisCaFile" .) -}}
{{- else -}}
?ssl_cert_reqs=required
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "codestory.redisUrl" -}}
{{- $scheme := ternary "rediss" "redis" (eq (include "codestory.redisTls" .) "true") -}}
{{- printf "%s://%s:%s/0" $scheme (include "codestory.redisHost" .) (include "codestory.redisPort" .) -}}
{{- end -}}

{{- define "codestory.hasRedisPassword" -}}
{{- if or .Values.existingSecret .Values.redis.password .Values.redis.bundled -}}true{{- end -}}
{{- end -}}

{{/* Environment every codestory container gets: the ConfigMap, then secrets by key. */}}
{{- define "codestory.env" -}}
- name: CODESTORY_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: admin-token
{{- if or .Values.apiKeys .Values.existingSecret }}
- name: CODESTORY_API_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: api-keys
      optional: true
{{- end }}
{{- if include "codestory.hasRedisPassword" . }}
- name: CODESTORY_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: redis-password
{{- end }}
{{- if .Values.artifacts.s3Url }}
- name: CODESTORY_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: s3-access-key-id
      optional: true
- name: CODESTORY_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: s3-secret-access-key
      optional: true
{{- end }}
{{- if .Values.llm.baseUrl }}
- name: CODESTORY_LLM_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: llm-api-key
      optional: true  # a self-hosted model may need no key
{{- end }}
{{- if .Values.speechService.baseUrl }}
- name: CODESTORY_TTS_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "codestory.secretName" . }}
      key: tts-api-key
      optional: true
{{- end }}
{{- end -}}

{{/* Per-service env: `env` is a map of Settings fields in camelCase, `extraEnv` raw. */}}
{{- define "codestory.serviceEnv" -}}
{{- range $key, $value := .svc.env }}
- name: {{ printf "CODESTORY_%s" ($key | snakecase | upper) }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with .svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "codestory.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if not .Values.artifacts.s3Url }}
- name: artifacts
  mountPath: /data/artifacts
{{- end }}
{{- include "codestory.redisCaMount" . }}
{{- end -}}

{{- define "codestory.redisCaMount" -}}
{{- if include "codestory.redisCaFile" . }}
- name: redis-ca
  mountPath: /etc/codestory/redis-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "codestory.redisCaVolume" -}}
{{- if include "codestory.redisCaFile" . }}
{{- $ca := .Values.redis.external.tlsCa }}
- name: redis-ca
  {{- if $ca.secretName }}
  secret:
    secretName: {{ $ca.secretName }}
    items: [{key: {{ $ca.key }}, path: {{ $ca.key }}}]
  {{- else }}
  configMap:
    name: {{ $ca.configMapName }}
    items: [{key: {{ $ca.key }}, path: {{ $ca.key }}}]
  {{- end }}
{{- end }}
{{- end -}}

{{- define "codestory.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 2Gi
{{- if not .Values.artifacts.s3Url }}
- name: artifacts
  {{- if .Values.artifacts.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "codestory.fullname" . }}-artifacts
  {{- else }}
  # Only for a single-pod demo: each pod would see its own artifacts.
  emptyDir: {}
  {{- end }}
{{- end }}
{{- include "codestory.redisCaVolume" . }}
{{- end -}}

{{/* The artifact claim's access mode: an existing claim's own (access modes cannot change,
so a release made when the default was ReadWriteMany keeps it), else the values'. */}}
{{- define "codestory.artifactsAccessMode" -}}
{{- $claim := lookup "v1" "PersistentVolumeClaim" .Release.Namespace (printf "%s-artifacts" (include "codestory.fullname" .)) -}}
{{- $modes := dig "spec" "accessModes" list ($claim | default dict) -}}
{{- if $modes -}}
{{- first $modes -}}
{{- else -}}
{{- .Values.artifacts.persistence.accessMode -}}
{{- end -}}
{{- end -}}

{{/* Whether pods share the artifacts on a ReadWriteOnce claim, which one node mounts. */}}
{{- define "codestory.artifactsOnOneNode" -}}
{{- $p := .Values.artifacts.persistence -}}
{{- if and (not .Values.artifacts.s3Url) $p.enabled (eq (include "codestory.artifactsAccessMode" .) "ReadWriteOnce") -}}true{{- end -}}
{{- end -}}

{{/* The label every pod mounting a ReadWriteOnce artifact claim carries, and its affinity to
the others: the first such pod schedules anywhere (it matches its own term) and the rest
follow it to that node. */}}
{{- define "codestory.artifactsLabel" -}}
{{- if include "codestory.artifactsOnOneNode" . -}}
codestory.io/artifacts: {{ include "codestory.fullname" . | quote }}
{{- end -}}
{{- end -}}

{{/* Scheduling knobs shared by every Deployment: (dict "svc" .Values.x "root" $) */}}
{{- define "codestory.scheduling" -}}
{{- with .svc.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .svc.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $affinity := deepCopy (.svc.affinity | default dict) }}
{{- if and .root (include "codestory.artifactsOnOneNode" .root) }}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "codestory.artifactsLabel" .root | fromYaml)) }}
{{- $podAffinity := get $affinity "podAffinity" | default dict }}
{{- $required := get $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" | default list }}
{{- $_ := set $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" (append $required $term) }}
{{- $_ := set $affinity "podAffinity" $podAffinity }}
{{- end }}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .svc.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Hard time limit of a worker pool, in seconds: the release's, or the pool's own where
its `env` or `extraEnv` overrides it (the grace period must outlast what the pool runs). */}}
{{- define "codestory.hardLimit" -}}
{{- $key := get (dict "story" "storyTimeLimit" "audio" "audioTimeLimitMax") .pool -}}
{{- if $key -}}
{{- $svc := index .root.Values .pool -}}
{{- $limit := index .root.Values.config $key -}}
{{- if hasKey ($svc.env | default dict) $key }}{{ $limit = index $svc.env $key }}{{ end -}}
{{- $variable := printf "CODESTORY_%s" ($key | snakecase | upper) -}}
{{- range ($svc.extraEnv | default list) }}{{ if eq .name $variable }}{{ $limit = .value }}{{ end }}{{ end -}}
{{- $limit -}}
{{- else -}}60{{- end -}}
{{- end -}}

{{/* The Celery queue each worker pool consumes (codestory.core.queues.SERVICE_QUEUES; a
chart test fails if they drift). */}}
{{- define "codestory.queueFor" -}}
{{- get (dict "story" "stories" "audio" "audio" "janitor" "maintenance") . -}}
{{- end -}}



{{/* Error types the caller caused (codestory.core.domain.CLIENT_ERRORS; a chart test keeps them
equal): they never count toward failure alerts. */}}
{{- define "codestory.clientErrors" -}}
invalid_repository|no_source|repository_too_large
{{- end -}}

{{/* The pod monitor's scrape timeout in seconds, for the alert that watches slow scrapes. */}}
{{- define "codestory.scrapeTimeoutSeconds" -}}
{{- .Values.metrics.podMonitor.scrapeTimeout | trimSuffix "s" | float64 -}}
{{- end -}}

{{/* Labels, namespace and endpoint knobs every monitoring object shares. */}}
{{- define "codestory.monitorMeta" -}}
{{- $monitor := .monitor -}}
name: {{ .name }}
{{- with $monitor.namespace }}
namespace: {{ . }}
{{- end }}
labels:
  {{- include "codestory.labels" .root | nindent 2 }}
  {{- with $monitor.labels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "codestory.endpointKnobs" -}}
interval: {{ .interval }}
scrapeTimeout: {{ .scrapeTimeout }}
{{- with .relabelings }}
relabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .metricRelabelings }}
metricRelabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A third-party image (docker.io/...), pulled through image.mirror when one is set. */}}
{{- define "codestory.thirdPartyImage" -}}
{{- $repository := .image.repository -}}
{{- with .root.Values.image.mirror -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) ($repository | trimPrefix "docker.io/") -}}
{{- end -}}
{{- printf "%s:%s" $repository .image.tag -}}
{{- end -}}

{{- define "codestory.pullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Annotations that roll pods when their configuration or secrets change. */}}
{{- define "codestory.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end -}}

{{- define "codestory.podExtras" -}}
{{- with .svc.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/* OpenTelemetry: the standard variables, which every service reads. */}}
{{- define "codestory.otelEnv" -}}
{{- with .Values.otel }}
{{- if .endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .endpoint | quote }}
- name: OTEL_TRACES_SAMPLER
  value: parentbased_traceidratio
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .sampleRatio | toString | quote }}
{{- with .resourceAttributes }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "codestory.keyValues" . | quote }}
{{- end }}
{{- if .headersSecret }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef:
      name: {{ .headersSecret }}
      key: headers
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "codestory.keyValues" -}}
{{- $pairs := list -}}
{{- range $key, $value := . }}{{ $pairs = append $pairs (printf "%s=%s" $key $value) }}{{ end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* Combinations that render but cannot work: refused here, with the reason. */}}
{{- define "codestory.checkValues" -}}
{{- $c := .Values.config -}}
{{- if and .Values.redis.bundled .Values.redis.external.host }}
{{- fail (printf "redis.external.host is set (%s) while redis.bundled is true: set redis.bundled=false to use that Redis, or empty redis.external.host to run the bundled Valkey" .Values.redis.external.host) }}
{{- end }}
{{- if eq .Values.artifacts.persistence.accessMode "ReadWriteOncePod" }}
{{- if and (not .Values.artifacts.s3Url) .Values.artifacts.persistence.enabled }}
{{- fail "artifacts.persistence.accessMode ReadWriteOncePod lets one pod mount the claim, but the gateway and every worker need it: use ReadWriteOnce (one node) or ReadWriteMany" }}
{{- end }}
{{- end }}
{{- /* Degraded mode tells stories while the broker is down and the record store answers:
with both on the one Redis this chart configures (queues, KEDA, Flower and the network
policy all read redis.*), that never happens, and the gateway would carry the stages for
nothing. */}}
{{- if $c.syncFallback }}
{{- fail "config.syncFallback: degraded mode needs a broker apart from the record store, and this chart keeps both on one Redis (redis.*), so it could never engage; leave it off (see docs/reliability.md)" }}
{{- end }}
{{- if ge (int $c.storySoftTimeLimit) (int $c.storyTimeLimit) }}
{{- fail (printf "config.storySoftTimeLimit (%v) must be below config.storyTimeLimit (%v)" $c.storySoftTimeLimit $c.storyTimeLimit) }}
{{- end }}
{{- range $pool := list "gateway" "story" "audio" }}
{{- $auto := (index $.Values $pool).autoscaling }}
{{- if ne $auto.mode "none" }}
{{- if gt (int $auto.minReplicas) (int $auto.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%v) is above maxReplicas (%v)" $pool $auto.minReplicas $auto.maxReplicas) }}
{{- end }}
{{- if and (eq $auto.mode "hpa") (lt (int $auto.minReplicas) 1) }}
{{- fail (printf "%s.autoscaling: an HPA cannot scale to zero; set minReplicas >= 1 or use mode keda" $pool) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and (not .Values.artifacts.s3Url) (not .Values.artifacts.persistence.enabled) }}
{{- $pods := add (int .Values.gateway.replicas) 1 }}
{{- if or (gt $pods 2) (ne .Values.gateway.autoscaling.mode "none") (ne .Values.story.autoscaling.mode "none") (ne .Values.audio.autoscaling.mode "none") }}
{{- fail "artifacts: without s3Url or persistence, each pod keeps its own artifacts and the gateway cannot serve what the workers wrote; set artifacts.s3Url or artifacts.persistence.enabled" }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A PDB's budget: exactly one of minAvailable and maxUnavailable (.component names it;
.pods is the fewest pods the workload runs, for the check that a drain can go through). */}}
{{- define "codestory.pdbBudget" -}}
{{- $min := not (kindIs "invalid" .pdb.minAvailable) -}}
{{- $max := not (kindIs "invalid" .pdb.maxUnavailable) -}}
{{- if and $min $max -}}
{{- fail (printf "%s.pdb: set minAvailable or maxUnavailable, not both (null the default one)" .component) -}}
{{- end -}}
{{- if and $min (not (kindIs "string" .pdb.minAvailable)) (ge (int .pdb.minAvailable) (max (int .pods) 1)) -}}
{{- fail (printf "%s.pdb.minAvailable (%v) leaves no pod to evict with %d pod(s): every node drain would block; use maxUnavailable: 1 or run more replicas" .component .pdb.minAvailable (max (int .pods) 1)) -}}
{{- end -}}
{{- if $min }}
minAvailable: {{ .pdb.minAvailable }}
{{- else }}
maxUnavailable: {{ .pdb.maxUnavailable | default 1 }}
{{- end }}
{{- end -}}


{{/* Whether KEDA's ScaledObject can be created: keda.enabled, or (auto) the cluster serves it. */}}
{{- define "codestory.kedaServed" -}}
{{- $enabled := .Values.keda.enabled -}}
{{- if eq (toString $enabled) "auto" -}}
{{- if .Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject" }}true{{ end -}}
{{- else if $enabled -}}true{{- end -}}
{{- end -}}

{{/* How a pool's replicas are decided: its autoscaling.mode, except that `keda` without
KEDA means the fixed `replicas`. (dict "root" $ "pool" "story") */}}
{{- define "codestory.autoscalingMode" -}}
{{- $auto := (index .root.Values .pool).autoscaling | default (dict "mode" "none") -}}
{{- if and (eq $auto.mode "keda") (not (include "codestory.kedaServed" .root)) -}}
none
{{- else -}}
{{- $auto.mode -}}
{{- end -}}
{{- end -}}

{{/* A pool's replicas when nothing scales it; at least one when it was meant for KEDA
(nothing would ever scale it up from zero). (dict "root" $ "pool" "story") */}}
{{- define "codestory.fixedReplicas" -}}
{{- $svc := index .root.Values .pool -}}
{{- $auto := $svc.autoscaling | default (dict "mode" "none") -}}
{{- if eq $auto.mode "keda" -}}
{{- max (int $svc.replicas) 1 -}}
{{- else -}}
{{- int $svc.replicas -}}
{{- end -}}
{{- end -}}

{{/* The fewest pods a pool runs while it is up: (dict "root" $ "pool" "story"). */}}
{{- define "codestory.leastPods" -}}
{{- if eq (include "codestory.autoscalingMode" .) "none" -}}
{{- include "codestory.fixedReplicas" . -}}
{{- else -}}
{{- (index .root.Values .pool).autoscaling.minReplicas | int -}}
{{- end -}}
{{- end -}}

{{/* Pod annotations: node autoscalers keep away from a pool whose grace period is longer
than the cluster autoscaler waits, then the pool's own (which win). (dict "root" $ "svc"
.Values.x "grace" seconds) */}}
{{- define "codestory.podAnnotations" -}}
{{- $annotations := dict -}}
{{- if gt (int .grace) (int .root.Values.clusterAutoscaler.maxGracefulTerminationSeconds) -}}
{{- $_ := set $annotations "cluster-autoscaler.kubernetes.io/safe-to-evict" "false" -}}
{{- $_ := set $annotations "karpenter.sh/do-not-disrupt" "true" -}}
{{- end -}}
{{- with mergeOverwrite $annotations (.svc.podAnnotations | default dict) }}
{{- toYaml . }}
{{- end -}}
{{- end -}}

{{/* The janitor's own service account when it patches pods: the only one with API rights. */}}
{{- define "codestory.janitorServiceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- printf "%s-janitor" (include "codestory.fullname" .) -}}
{{- else -}}
{{- include "codestory.serviceAccountName" . -}}
{{- end -}}
{{- end -}}
