from __future__ import annotations

from types import SimpleNamespace

from codestory.gateway.middleware import route_template


def scope(template: str | None, path: str, **params: str) -> dict[str, object]:
    route = SimpleNamespace(path=template) if template else None
    return {"route": route, "path": path, "path_params": params}


def test_route_templates_include_the_router_prefix() -> None:
    assert route_template(
        scope("/stories/{story_id}", "/api/v1/stories/ab12", story_id="ab12")
    ) == ("/api/v1/stories/{story_id}")
    assert route_template(scope("/stories", "/api/stories")) == "/api/stories"
    assert route_template(scope("/healthz", "/healthz")) == "/healthz"
    assert route_template(scope(None, "/nope")) == "unmatched"
