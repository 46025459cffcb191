"""The krew package of `kubectl codestory`: the archive the manifest names is the archive
built (same digest), it holds the binary and the licence, and the binary runs on a bare
Python with no site-packages at all: usage errors and an unreachable cluster each end in
one line, never a traceback."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_kubectl_plugin  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict, Path]]:
    out = tmp_path_factory.mktemp("krew")
    archive, manifest = build_kubectl_plugin.build(out, "https://example.invalid/releases/download")
    unpacked = out / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    yield archive, yaml.safe_load(manifest.read_text()), unpacked


def run(binary: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    # -I -S: no user or system site-packages; the zip application must carry everything.
    return subprocess.run(
        [sys.executable, "-I", "-S", str(binary), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_the_manifest_names_the_archive_built(built: tuple[Path, dict, Path]) -> None:
    archive, manifest, unpacked = built
    assert manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2"
    assert manifest["kind"] == "Plugin" and manifest["metadata"]["name"] == "codestory"
    spec = manifest["spec"]
    assert spec["version"].startswith("v") and spec["shortDescription"]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    platforms = {
        (p["selector"]["matchLabels"]["os"], p["selector"]["matchLabels"]["arch"])
        for p in spec["platforms"]
    }
    assert platforms == {
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("darwin", "amd64"),
        ("darwin", "arm64"),
    }
    for platform in spec["platforms"]:
        assert platform["sha256"] == digest
        assert platform["uri"].endswith(f"/{spec['version']}/{archive.name}")
        for copied in platform["files"]:
            assert (unpacked / copied["from"]).exists()
        assert (unpacked / platform["bin"]).exists()
    assert "Apache License" in (unpacked / "LICENSE").read_text()
    # The committed template, rendered: the chart's home, this archive and its digest.
    assert spec["homepage"] == build_kubectl_plugin.chart_home()


def test_the_binary_runs_on_a_bare_python(built: tuple[Path, dict, Path], tmp_path: Path) -> None:
    _, _, unpacked = built
    binary = unpacked / "kubectl-codestory"
    helped = run(binary, "--help", home=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert "status" in helped.stdout and "scale" in helped.stdout

    # An interpreter older than the archive supports is told so in one line.
    old = subprocess.run(
        [
            *(sys.executable, "-I", "-S", "-c"),
            "import runpy, sys; sys.version_info = (3, 8, 18, 'final', 0); "
            f"sys.argv = ['kubectl-codestory', 'status']; runpy.run_path({str(binary)!r}, "
            "run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert old.returncode == 1 and "Traceback" not in old.stderr, old.stderr
    assert old.stderr.strip().startswith("kubectl codestory: needs Python 3.9 or newer; ")
    assert len(old.stderr.strip().splitlines()) == 1

    wrong = run(binary, "scale", "video", "3", home=tmp_path)
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1

    missing = run(binary, "--kubeconfig", str(tmp_path / "none"), "status", home=tmp_path)
    assert missing.returncode == 1, missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr

    # A cluster that does not answer: the client is loaded (from the archive) and fails
    # to connect, in one line.
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {"name": "c", "cluster": {"server": f"http://127.0.0.1:{free_port()}"}}
                ],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    away = run(binary, "--kubeconfig", str(kubeconfig), "status", home=tmp_path)
    assert away.returncode == 1, away.stdout + away.stderr
    line = away.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, line
    assert "127.0.0.1" in line or "reach" in line or "refused" in line, line
