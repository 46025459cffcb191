#!/usr/bin/env bash
# Create the kind cluster with a local registry, then install KEDA and
# kube-prometheus-stack at pinned versions. Idempotent: safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || { echo "kind-up: $tool is required" >&2; exit 1; }
done

if [ "$(docker inspect -f '{{.State.Running}}' "$REGISTRY_NAME" 2>/dev/null || true)" != "true" ]; then
  docker run -d --restart=always -p "127.0.0.1:${REGISTRY_PORT}:5000" --network bridge \
    --name "$REGISTRY_NAME" registry:2
fi

if ! kind get clusters | grep -qx "$KIND_CLUSTER"; then
  kind create cluster --config "$here/kind-cluster.yaml"
fi

# Tell the node's containerd that localhost:5001 is the registry container.
registry_dir="/etc/containerd/certs.d/localhost:${REGISTRY_PORT}"
for node in $(kind get nodes --name "$KIND_CLUSTER"); do
  docker exec "$node" mkdir -p "$registry_dir"
  printf '[host."http://%s:5000"]\n' "$REGISTRY_NAME" | docker exec -i "$node" cp /dev/stdin "$registry_dir/hosts.toml"
done
docker network connect kind "$REGISTRY_NAME" 2>/dev/null || true
kubectl apply -f "$here/local-registry-hosting.yaml"

"$here/install-dev-stack.sh"
