"""Build `kubectl codestory` for krew: one self-contained archive and its krew manifest.

The plugin is a Python zip application (PEP 441) holding the plugin's own modules and a
Kubernetes client with its dependencies, so `kubectl krew install` needs nothing but a
`python3` (3.9 or newer: macOS's own is 3.9, Ubuntu 22.04's 3.10) on the PATH; an older
one is told so in one line. The dependencies are chosen for 3.9 (`pip --python-version`),
and none may depend on the interpreter's version or the machine's architecture, so every
dependency is pure Python:

- the client is pinned below 32, the last line without pydantic (whose core is compiled);
- google-auth (which the client imports for GKE credentials) is pinned below 2.40, the
  last line whose RSA support is pure Python (later ones need cryptography);
- PyYAML and charset-normalizer ship optional compiled speed-ups beside their pure Python
  modules; the compiled parts are left out and both fall back by themselves.

The same archive therefore serves every Linux and macOS platform krew knows, which the
manifest lists. The manifest is the committed template `.krew.yaml` (the one
krew-release-bot reads at a release) rendered for this version and archive. Usage:

    python scripts/build_kubectl_plugin.py [--out dist] [--base-url URL]

`--base-url` is where the release's archive will be downloadable, when not the chart's
home's releases (the manifest's `uri`).
"""

from __future__ import annotations

import argparse
import hashlib
import re
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
KREW_TEMPLATE = ROOT / ".krew.yaml"
CHART = ROOT / "charts" / "codestory" / "Chart.yaml"
OLDEST_PYTHON = (3, 9)
BIN = "kubectl-codestory"
# Kept to what any python3 can parse, so an old one gets this line, not a SyntaxError.
MAIN = """import sys

if sys.version_info[:2] < {oldest}:
    sys.exit(
        "kubectl codestory: needs Python {wanted} or newer; python3 here is %d.%d (%s)"
        % (sys.version_info[0], sys.version_info[1], sys.executable)
    )

from codestory.kubectl_plugin.cli import main

sys.exit(main())
""".format(oldest=OLDEST_PYTHON, wanted=".".join(map(str, OLDEST_PYTHON)))
# krew-release-bot's template language, the two forms .krew.yaml uses.
TAG_NAME = re.compile(r"\{\{\s*\.TagName\s*\}\}")
URI_AND_SHA = re.compile(
    r'^(?P<indent>[ \t]*)\{\{\s*addURIAndSha\s+"(?P<uri>[^"]+)"\s+\.TagName\s*\}\}[ \t]*$',
    re.MULTILINE,
)
RELEASES = "/releases/download/"


def chart_home() -> str:
    home: str = yaml.safe_load(CHART.read_text())["home"]
    return home.rstrip("/")


DEFAULT_BASE_URL = f"{chart_home()}{RELEASES.rstrip('/')}"


def archive_name(tag: str) -> str:
    return f"{BIN}-{tag}.tar.gz"


def render_manifest(template: str, tag: str, digest: str, base_url: str | None = None) -> str:
    """The krew manifest, as krew-release-bot renders `.krew.yaml`: the tag in place, and
    each `addURIAndSha` the archive's URI with its SHA-256 (under `base_url` if given)."""

    def uri_and_sha(match: re.Match[str]) -> str:
        uri = TAG_NAME.sub(tag, match["uri"])
        if base_url:
            uri = f"{base_url.rstrip('/')}/{uri.split(RELEASES, 1)[1]}"
        return f"{match['indent']}uri: {uri}\n{match['indent']}sha256: {digest}"

    return TAG_NAME.sub(tag, URI_AND_SHA.sub(uri_and_sha, template))


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
            # Versions that still run on the oldest python3 the archive supports.
            "--python-version",
            ".".join(map(str, OLDEST_PYTHON)),
            "--only-binary=:all:",
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


def build(out: Path, base_url: str | None = None) -> tuple[Path, Path]:
    """The archive (the zip application and the licence) and the krew manifest."""
    out.mkdir(parents=True, exist_ok=True)
    tag = f"v{version()}"
    with tempfile.TemporaryDirectory() as scratch:
        app = Path(scratch) / "app"
        gather(app)
        binary = Path(scratch) / BIN
        zipapp.create_archive(app, binary, interpreter="/usr/bin/env python3", compressed=True)
        archive = out / archive_name(tag)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(binary, arcname=BIN)
            tar.add(ROOT / "LICENSE", arcname="LICENSE")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest_path = out / "codestory.yaml"
    manifest_path.write_text(render_manifest(KREW_TEMPLATE.read_text(), tag, digest, base_url))
    return archive, manifest_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--base-url", default=None, help=f"default: {DEFAULT_BASE_URL}")
    args = parser.parse_args()
    archive, manifest = build(args.out, args.base_url)
    print(f"{archive}\n{manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
