"""Dockerfile, skaffold.yaml, Tiltfile and the kind set-up agree with each other and the chart."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import helm_python as helm
import jsonschema
import starlark as sl
import yaml

from tests.chart.rendering import CHART, CRD_SCHEMAS, CRDS, ROOT, STOCK_CLUSTER, by_kind, render

SERVICE_TARGETS = {"gateway", "story-worker", "audio-worker", "janitor"}


def dockerfile_stages() -> dict[str, list[str]]:
    """Stage name -> its instruction lines."""
    stages: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line)
        if match:
            current = match.group(1)
            stages[current] = []
        elif current and line.strip() and not line.startswith("#"):
            stages[current].append(line.strip())
    return stages


def test_dockerfile_has_a_hardened_target_per_service() -> None:
    stages = dockerfile_stages()
    assert set(stages) >= SERVICE_TARGETS
    for target in SERVICE_TARGETS:
        lines = stages[target]
        assert "USER 10001:10001" in lines, target
        entrypoint = next(line for line in lines if line.startswith("ENTRYPOINT"))
        assert json.loads(entrypoint.removeprefix("ENTRYPOINT"))[:2] == ["/usr/bin/tini", "--"]
        cmd = next(line for line in lines if line.startswith("CMD"))
        assert json.loads(cmd.removeprefix("CMD"))  # exec form, so signals reach Celery
    assert any("git" in line for line in stages["story-worker"])
    assert not any("git" in line for line in stages["audio-worker"] + stages["gateway"])


def test_skaffold_validates_and_builds_every_service() -> None:
    config = yaml.safe_load((ROOT / "skaffold.yaml").read_text())
    schema = json.loads((CRDS / "skaffold-schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(config)
    artifacts = config["build"]["artifacts"]
    assert {a["docker"]["target"] for a in artifacts} == SERVICE_TARGETS
    release = config["deploy"]["helm"]["releases"][0]
    assert (ROOT / release["chartPath"] / "Chart.yaml").exists()
    assert all((ROOT / f).exists() for f in release["valuesFiles"])
    keys = {re.sub(r"[^A-Za-z0-9]", "_", a["image"]) for a in artifacts}
    for template in release["setValueTemplates"].values():
        assert template.removeprefix("{{.IMAGE_TAG_").removesuffix("}}") in keys
    assert {p["name"] for p in config["profiles"]} == {"dev", "ci"}


class Recorder:
    """Stand-ins for Tilt's builtins that record what the Tiltfile asks for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def builtin(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            return {"builtin": name, "args": list(args), **kwargs}

        return call

    def named(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(a, k) for n, a, k in self.calls if n == name]


def run_tiltfile() -> Recorder:
    source = (ROOT / "Tiltfile").read_text()
    source = "\n".join(line for line in source.splitlines() if not line.startswith("load("))
    ast = sl.parse("Tiltfile", source, dialect=sl.Dialect.extended())
    recorder = Recorder()
    module = sl.Module()
    for name in (
        "docker_build_with_restart",
        "sync",
        "k8s_yaml",
        "helm",
        "k8s_resource",
        "link",
        "local_resource",
        "allow_k8s_contexts",
    ):
        module.add_callable(name, recorder.builtin(name))
    sl.eval(module, ast, sl.Globals.extended_by([sl.LibraryExtension.Print]))
    return recorder


def test_tiltfile_builds_syncs_and_deploys() -> None:
    recorder = run_tiltfile()
    builds = recorder.named("docker_build_with_restart")
    assert {k["target"] for _, k in builds} == SERVICE_TARGETS
    for args, kwargs in builds:
        assert args[0].startswith("localhost:5001/codestory-")
        syncs = kwargs["live_update"]
        assert syncs[0]["args"][0] == "services/codestory"
        assert kwargs["build_args"] == {"VENV_OWNER": "10001:10001"}
    ((helm_args, helm_kwargs),) = recorder.named("helm")
    assert helm_args[0] == "charts/codestory"
    assert helm_kwargs["values"] == ["charts/codestory/values-dev.yaml"]
    forwards = {
        port
        for _, kwargs in recorder.named("k8s_resource")
        for port in kwargs.get("port_forwards", [])
    }
    assert forwards == {"8000:8000", "5555:5555"}
    (grafana,) = [k for a, k in recorder.named("local_resource") if a[0] == "grafana"]
    assert "3000:80" in grafana["serve_cmd"]
    assert recorder.named("allow_k8s_contexts")[0][0] == ("kind-codestory",)


def test_tilt_resources_are_workloads_the_dev_chart_renders() -> None:
    dev = helm.values_from_yaml((CHART / "values-dev.yaml").read_text())
    objects = [
        o
        for o in render(dev, base=False, release="codestory")
        if o["kind"] in {"Deployment", "StatefulSet"}
    ]
    rendered = {o["metadata"]["name"] for o in objects}
    names = {args[0] for args, _ in run_tiltfile().named("k8s_resource")}
    assert names <= rendered, names - rendered
    images = {
        c["image"].rsplit(":", 1)[0]
        for o in objects
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    built = {args[0] for args, _ in run_tiltfile().named("docker_build_with_restart")}
    assert built <= images, built - images


def test_kind_and_dev_stack_pins_match_the_vendored_schemas() -> None:
    versions = dict(
        line.split("=", 1)
        for line in (ROOT / "k8s" / "versions.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    crd_readme = (CRDS / "README.md").read_text()
    assert f"tag `v{versions['KEDA_CHART_VERSION']}`" in crd_readme
    kind = yaml.safe_load((ROOT / "k8s" / "kind-cluster.yaml").read_text())
    assert kind["name"] == versions["KIND_CLUSTER"]
    assert re.match(r"kindest/node:v\d+\.\d+\.\d+$", kind["nodes"][0]["image"])
    registry = yaml.safe_load((ROOT / "k8s" / "local-registry-hosting.yaml").read_text())
    assert f"localhost:{versions['REGISTRY_PORT']}" in registry["data"]["localRegistryHosting.v1"]
    assert by_kind(render(), "Deployment")  # the default chart still renders beside dev


def test_skaffold_forwards_services_the_chart_creates() -> None:
    config = yaml.safe_load((ROOT / "skaffold.yaml").read_text())
    dev = helm.values_from_yaml((CHART / "values-dev.yaml").read_text())
    release = config["deploy"]["helm"]["releases"][0]["name"]
    services = {
        o["metadata"]["name"]: o
        for o in by_kind(render(dev, base=False, release=release), "Service")
    }
    profile = next(p for p in config["profiles"] if p["name"] == "dev")
    for forward in profile["portForward"]:
        if forward["namespace"] != "codestory":
            continue  # Grafana lives in the monitoring stack
        service = services[forward["resourceName"]]
        assert forward["port"] in {p["port"] for p in service["spec"]["ports"]}


def test_the_schemas_the_chart_tests_read_are_in_the_repository() -> None:
    # A clone of the repository alone must run the chart tests: nothing read from beside it.
    assert CRDS.resolve().is_relative_to(ROOT), CRDS
    tracked = set(
        subprocess.run(
            ["git", "ls-files", str(CRDS.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    needed = {*CRD_SCHEMAS.values(), "skaffold-schema.json", "README.md"}
    assert {str((CRDS / name).relative_to(ROOT)) for name in needed} <= tracked
    readme = (CRDS / "README.md").read_text()
    for name in needed - {"README.md"}:
        assert f"`{name}`" in readme, f"{name}: its source and version are not said"


def test_the_dev_loop_scales_with_keda_though_tilt_renders_offline() -> None:
    # Tilt's helm() is `helm template`: the cluster is not asked what it serves, and the kind
    # cluster (k8s/) has KEDA, so the dev values must not leave KEDA to detection.
    dev = helm.values_from_yaml((CHART / "values-dev.yaml").read_text())
    objects = render(dev, base=False, release="codestory", api_versions=STOCK_CLUSTER)
    scaled = {o["spec"]["scaleTargetRef"]["name"] for o in by_kind(objects, "ScaledObject")}
    assert scaled == {"codestory-story-worker", "codestory-audio-worker"}
