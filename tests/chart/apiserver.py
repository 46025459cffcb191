"""A stand-in Kubernetes API server on loopback that holds a few core objects, so the
chart's `lookup` calls can be rendered the way `helm upgrade` runs them: against live
objects (the real Helm library asks it over HTTP, discovery first)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any

import helm_python as helm
import yaml

from tests.chart.rendering import chart
from tests.json_http import JsonHandler, serving

# Core (v1) kinds the chart looks up, as discovery lists them.
RESOURCES = {"Secret": "secrets", "PersistentVolumeClaim": "persistentvolumeclaims"}


class ApiServer(ThreadingHTTPServer):
    documents: dict[str, dict[str, Any]]
    asked: list[str]


class Handler(JsonHandler):
    server: ApiServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        self.server.asked.append(path)
        document = self.server.documents.get(path)
        missing = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404}
        self.answer(200 if document else 404, document or missing)


@contextmanager
def api_server(objects: list[dict[str, Any]]) -> Iterator[ApiServer]:
    server = ApiServer(("127.0.0.1", 0), Handler)
    server.asked = []
    server.documents = {
        "/api/v1": {
            "kind": "APIResourceList",
            "groupVersion": "v1",
            "resources": [
                {"name": plural, "singularName": kind.lower(), "namespaced": True, "kind": kind}
                | {"verbs": ["get", "list"]}
                for kind, plural in RESOURCES.items()
            ],
        }
    }
    for obj in objects:
        meta = obj["metadata"]
        path = f"/api/v1/namespaces/{meta['namespace']}/{RESOURCES[obj['kind']]}/{meta['name']}"
        server.documents[path] = {"apiVersion": "v1", **obj}
    with serving(server):
        yield server


def render_upgrade(values: dict[str, Any], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every object `helm upgrade` renders for these values while `live` objects exist."""
    with api_server(live) as server:
        config = helm.Config(
            kube_apiserver=f"http://127.0.0.1:{server.server_address[1]}",
            kube_token="stand-in",
            namespace="codestory",
            storage_driver="memory",
        )
        try:
            manifests = config.render(
                chart(), values, name="cs", namespace="codestory", is_upgrade=True
            )
        finally:
            config.close()
        assert any(p.startswith("/api/v1/namespaces/") for p in server.asked), "no lookup"
    return [
        doc
        for path, text in sorted(manifests.items())
        if not path.endswith(".txt")
        for doc in yaml.safe_load_all(text)
        if doc
    ]
