#!/usr/bin/env bash
# KEDA (autoscaling) and kube-prometheus-stack (Prometheus, Grafana, Alertmanager) at
# pinned versions, configured to pick up codestory's monitors, rules and dashboards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null

helm upgrade --install keda kedacore/keda --version "$KEDA_CHART_VERSION" \
  --namespace keda --create-namespace --wait

helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
  --version "$KUBE_PROMETHEUS_STACK_VERSION" \
  --namespace monitoring --create-namespace \
  --values "$here/kube-prometheus-stack-values.yaml" --wait
