{{/* Egress to an endpoint the values name: (dict "root" $ "host" h "port" p "peers" list).
NetworkPolicies cannot name hosts, so the peer is worked out from how the host is written:
an address is itself alone; `name.namespace.svc[.clusterDomain]` (or a pod of it) is that
namespace; a single label is the release's namespace; any other name lives outside the
cluster at an address not known here, so its port is opened to every address but the
link-local range (the cloud's metadata service), except a port the public HTTPS rule
already opens: widening that one to private addresses would undo the clone fence.
`peers` (NetworkPolicy `to` entries), when given, are used instead. Only the endpoint's
own port is opened. */}}
{{- define "codestory.egressToEndpoint" -}}
{{- $host := .host | trimSuffix "." -}}
{{- $suffix := printf ".%s" .root.Values.clusterDomain -}}
{{- $labels := splitList "." ($host | trimSuffix $suffix) -}}
{{- $address := or (regexMatch "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$" $host) (contains ":" $host) -}}
{{- $inCluster := or (and (ge (len $labels) 3) (eq (last $labels) "svc")) (eq (len $labels) 1) -}}
{{- $public := false -}}
{{- range .root.Values.networkPolicy.storyWorkerEgress.httpsPorts | default list }}{{ if eq (int .) (int $.port) }}{{ $public = true }}{{ end }}{{ end -}}
{{- if or .peers $address $inCluster (not $public) }}
- ports:
    - port: {{ int .port }}
      protocol: TCP
  to:
    {{- if .peers }}
    {{- toYaml .peers | nindent 4 }}
    {{- else if $address }}
    - ipBlock:
        cidr: {{ printf "%s/%s" $host (ternary "128" "32" (contains ":" $host)) }}
    {{- else if and (ge (len $labels) 3) (eq (last $labels) "svc") }}
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ index $labels (sub (len $labels) 2) | quote }}
    {{- else if eq (len $labels) 1 }}
    - podSelector: {}
    {{- else }}
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [169.254.0.0/16]
    {{- end }}
{{- end }}
{{- end -}}

{{/* The same for a URL (S3, OTLP, LLM): its host, and its port or the scheme's. */}}
{{- define "codestory.egressToUrl" -}}
{{- $url := urlParse .url -}}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" -}}
{{- if not $port }}{{ $port = ternary "443" "80" (eq $url.scheme "https") }}{{ end -}}
{{- include "codestory.egressToEndpoint" (dict "root" .root "host" $url.hostname "port" $port "peers" .peers) -}}
{{- end -}}
