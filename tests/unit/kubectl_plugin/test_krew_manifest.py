"""The krew manifest is committed (`.krew.yaml`, krew-release-bot's template) with the
chart's home as its homepage and download location, and the build renders that same file."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import build_kubectl_plugin as build  # noqa: E402

DIGEST = "ab" * 32


def rendered(base_url: str | None = None) -> dict:
    text = build.render_manifest((ROOT / ".krew.yaml").read_text(), "v9.8.7", DIGEST, base_url)
    manifest: dict = yaml.safe_load(text)
    return manifest


def test_the_committed_manifest_names_the_charts_home() -> None:
    home = yaml.safe_load((ROOT / "charts/codestory/Chart.yaml").read_text())["home"]
    manifest = rendered()
    assert manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2"
    assert manifest["kind"] == "Plugin" and manifest["metadata"]["name"] == "codestory"
    spec = manifest["spec"]
    assert spec["homepage"] == home and spec["version"] == "v9.8.7"
    assert "3.9 or newer" in spec["description"]
    platforms = {
        (p["selector"]["matchLabels"]["os"], p["selector"]["matchLabels"]["arch"])
        for p in spec["platforms"]
    }
    assert platforms == set(build.PLATFORMS)
    for platform in spec["platforms"]:
        assert platform["uri"] == f"{home}/releases/download/v9.8.7/{build.archive_name('v9.8.7')}"
        assert platform["sha256"] == DIGEST
        assert platform["bin"] == build.BIN
        assert {f["from"] for f in platform["files"]} == {build.BIN, "LICENSE"}
    assert f"{home}/releases/download" == build.DEFAULT_BASE_URL


def test_another_download_location_moves_only_the_uri() -> None:
    spec = rendered("https://mirror.example/releases/download")["spec"]
    assert {p["uri"] for p in spec["platforms"]} == {
        "https://mirror.example/releases/download/v9.8.7/kubectl-codestory-v9.8.7.tar.gz"
    }
    assert spec["homepage"] == rendered()["spec"]["homepage"]
