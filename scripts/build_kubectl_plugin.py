"""Build `kubectl codestory` for krew: one self-contained archive and its krew manifest.

The plugin is a Python zip application (PEP 441) holding the plugin's own modules and a
Kubernetes client with its dependencies, so `kubectl krew install` needs nothing but a
`python3` (3.11 or newer) on the PATH. It must not depend on the interpreter's version or
the machine's architecture, so every dependency is pure Python:

- the client is pinned below 32, the last line without pydantic (whose core is compiled);
- google-auth (which the client imports for GKE credentials) is pinned below 2.40, the
  last line whose RSA support is pure Python (later ones need cryptography);
- PyYAML and charset-normalizer ship optional compiled speed-ups beside their pure Python
  modules; the compiled parts are left out and both fall back by themselves.

The same archive therefore serves every Linux and macOS platform krew knows, which the
manifest lists. Usage:

    python scripts/build_kubectl_plugin.py [--out dist] [--base-url URL]

`--base-url` is where the release's archive will be downloadable (the manifest's `uri`).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipapp
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "services" / "codestory"
# 32 and later need pydantic-core, a compiled module; google-auth (the client imports it
# for GKE credentials) needs cryptography from 2.40 on, before that only pure rsa.
CLIENT = ["kubernetes>=30,<32", "google-auth>=2.20,<2.40"]
COMPILED = ("*.so", "*.pyd", "*.dylib")
# Packages that are nothing without their compiled core; none of them should be pulled in,
# and were one to be, an import error would tell at once rather than half work.
UNUSABLE = ("cryptography", "cffi", "pydantic_core")
PLATFORMS = [("linux", "amd64"), ("linux", "arm64"), ("darwin", "amd64"), ("darwin", "arm64")]
DEFAULT_BASE_URL = "https://github.com/codestory-dev/codestory/releases/download"
BIN = "kubectl-codestory"
MAIN = """import sys

from codestory.kubectl_plugin.cli import main

sys.exit(main())
"""


def version() -> str:
    for line in (PACKAGE / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("no __version__ in services/codestory/__init__.py")


def gather(app: Path) -> None:
    """The plugin's modules and a pure-Python Kubernetes client, into `app`."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--disable-pip-version-check",
            "--no-warn-conflicts",
            "--target",
            str(app),
            *CLIENT,
        ],
        check=True,
    )
    for pattern in COMPILED:
        for compiled in app.rglob(pattern):
            compiled.unlink()
    unusable = [app / name for name in UNUSABLE]
    for leftover in [
        *unusable,
        *app.glob("*.dist-info"),
        *app.glob("bin"),
        *app.rglob("__pycache__"),
    ]:
        shutil.rmtree(leftover, ignore_errors=True)
    target = app / "codestory"
    (target / "kubectl_plugin").mkdir(parents=True)
    shutil.copy(PACKAGE / "__init__.py", target / "__init__.py")
    for module in ("__init__.py", "cli.py", "plan.py"):
        shutil.copy(PACKAGE / "kubectl_plugin" / module, target / "kubectl_plugin" / module)
    (app / "__main__.py").write_text(MAIN)


def build(out: Path, base_url: str) -> tuple[Path, Path]:
    """The archive (the zip application and the licence) and the krew manifest."""
    out.mkdir(parents=True, exist_ok=True)
    release = version()
    with tempfile.TemporaryDirectory() as scratch:
        app = Path(scratch) / "app"
        gather(app)
        binary = Path(scratch) / BIN
        zipapp.create_archive(app, binary, interpreter="/usr/bin/env python3", compressed=True)
        archive = out / f"kubectl-codestory-v{release}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(binary, arcname=BIN)
            tar.add(ROOT / "LICENSE", arcname="LICENSE")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest = {
        "apiVersion": "krew.googlecontainertools.github.com/v1alpha2",
        "kind": "Plugin",
        "metadata": {"name": "codestory"},
        "spec": {
            "version": f"v{release}",
            "homepage": base_url.split("/releases/")[0],
            "shortDescription": "Scale and inspect codestory's worker pools",
            "description": (
                "Shows each codestory worker pool's queue, running work, live consumers,\n"
                "replicas and autoscaler, and scales a pool by hand in a way KEDA keeps\n"
                "(its paused-replicas annotation) until handed back with `resume`.\n"
                "Needs python3 (3.11 or newer) on the PATH.\n"
            ),
            "platforms": [
                {
                    "selector": {"matchLabels": {"os": system, "arch": arch}},
                    "uri": f"{base_url.rstrip('/')}/v{release}/{archive.name}",
                    "sha256": digest,
                    "bin": BIN,
                    "files": [{"from": BIN, "to": "."}, {"from": "LICENSE", "to": "."}],
                }
                for system, arch in PLATFORMS
            ],
        },
    }
    manifest_path = out / "codestory.yaml"
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return archive, manifest_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    args = parser.parse_args()
    archive, manifest = build(args.out, args.base_url)
    print(f"{archive}\n{manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
