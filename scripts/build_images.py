"""Build the four service images with podman, on a machine with no Docker and no registry.

The base image is made here, not pulled: `debootstrap` writes a minimal Debian bookworm
with Python from the same archive apt uses, and `podman import` turns it into
`localhost/codestory-python:bookworm`. The Dockerfile then builds each target FROM it,
with the host's CA bundle visible to RUN steps as a build secret (pip and apt behind a
TLS-inspecting proxy), never copied into a layer.

Podman's own settings live under .cache/containers (runc, cgroupfs, host networking,
ulimits within this machine's hard limits), so nothing of the host is changed.

Usage: python scripts/build_images.py [--targets gateway,story-worker,...] [--env]
  --env prints the CONTAINERS_* variables to use the same store from a shell.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".cache" / "containers"
BASE_IMAGE = "localhost/codestory-python:bookworm"
TARGETS = ("gateway", "gateway-full", "story-worker", "audio-worker", "janitor")
MIRROR = os.environ.get("CODESTORY_DEBIAN_MIRROR", "http://deb.debian.org/debian")
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
PACKAGES = ["podman", "buildah", "debootstrap", "runc", "fuse-overlayfs", "uidmap"]
PACKAGES += ["slirp4netns", "containernetworking-plugins", "iptables", "catatonit"]


class ImageError(Exception):
    """Why images cannot be built or run here, in one line."""


def image_name(target: str) -> str:
    return f"localhost/codestory-{target}:dev"


def podman_env() -> dict[str, str]:
    STATE.mkdir(parents=True, exist_ok=True)
    conf, storage = STATE / "containers.conf", STATE / "storage.conf"
    conf.write_text(
        "[containers]\n"
        'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n'
        'netns = "host"\n'
        "[engine]\n"
        'runtime = "runc"\n'
        'cgroup_manager = "cgroupfs"\n'
        'events_logger = "file"\n'
    )
    storage.write_text(
        "[storage]\n"
        'driver = "overlay"\n'
        f'graphroot = "{STATE / "storage"}"\n'
        f'runroot = "{STATE / "run"}"\n'
    )
    return {**os.environ, "CONTAINERS_CONF": str(conf), "CONTAINERS_STORAGE_CONF": str(storage)}


def run(argv: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, text=True, check=False, **kwargs)  # type: ignore[call-overload]


def ensure_tools() -> None:
    missing = [tool for tool in ("podman", "debootstrap", "runc") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ImageError(f"{', '.join(missing)} missing and cannot be installed here (no root apt)")
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
    ):
        done = subprocess.run(argv, env={**os.environ, **quiet}, capture_output=True, text=True)
        if done.returncode != 0:
            raise ImageError(f"apt-get could not install podman: {done.stderr.strip()[-200:]}")


def have_image(name: str, env: dict[str, str]) -> bool:
    return run(["podman", "image", "exists", name], env).returncode == 0


def build_base(env: dict[str, str]) -> None:
    """debootstrap a minimal bookworm with Python, and import it as the base image."""
    if have_image(BASE_IMAGE, env):
        return
    with tempfile.TemporaryDirectory(prefix="codestory-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        include = "python3,python3-venv,python3-pip,python-is-python3,ca-certificates"
        done = run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={include}",
                "bookworm",
                str(rootfs),
                MIRROR,
            ],
            env,
            capture_output=True,
        )
        if done.returncode != 0:
            raise ImageError(f"debootstrap failed: {done.stdout.strip()[-300:]}")
        # Debian's container defaults: no docs, man pages or locales, apt lists cleaned.
        (rootfs / "etc/dpkg/dpkg.cfg.d/01-container").write_text(
            "path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\n"
            "path-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n"
        )
        for cache in ("var/lib/apt/lists", "var/cache/apt/archives"):
            shutil.rmtree(rootfs / cache, ignore_errors=True)
            (rootfs / cache).mkdir(parents=True, exist_ok=True)
        tarball = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."], check=True)
        done = run(
            ["podman", "import", "--change", "CMD /bin/bash", str(tarball), BASE_IMAGE],
            env,
            capture_output=True,
        )
        if done.returncode != 0:
            raise ImageError(f"podman import failed: {done.stderr.strip()[-300:]}")


def build_target(target: str, env: dict[str, str]) -> str | None:
    """Build one target; None when it built, else the tail of the build log."""
    argv = [
        "podman",
        "build",
        "--network",
        "host",
        "--target",
        target,
        "--build-arg",
        f"PYTHON_IMAGE={BASE_IMAGE}",
        "--tag",
        image_name(target),
        "--layers",
    ]
    if HOST_CA.exists():
        argv += ["--secret", f"id=ca,src={HOST_CA}"]
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        if os.environ.get(name):
            argv += ["--build-arg", f"{name}={os.environ[name]}"]
    done = run([*argv, str(ROOT)], env, capture_output=True)
    if done.returncode == 0:
        return None
    return (done.stdout + done.stderr).strip()[-2000:]


def build(targets: tuple[str, ...] = TARGETS) -> dict[str, str]:
    """Every target built (in parallel); returns podman's environment for using them."""
    ensure_tools()
    env = podman_env()
    if run(["podman", "info"], env, capture_output=True).returncode != 0:
        raise ImageError("podman cannot run on this machine (`podman info` fails)")
    build_base(env)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(targets)) as pool:
        logs = pool.map(lambda t: build_target(t, env), targets)
        results = dict(zip(targets, logs, strict=True))
    failed = {t: log for t, log in results.items() if log is not None}
    if failed:
        target, log = next(iter(failed.items()))
        raise ImageError(f"the {target} image did not build:\n{log}")
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--env", action="store_true", help="print the podman environment")
    args = parser.parse_args()
    if args.env:
        env = podman_env()
        print(f"export CONTAINERS_CONF={env['CONTAINERS_CONF']}")
        print(f"export CONTAINERS_STORAGE_CONF={env['CONTAINERS_STORAGE_CONF']}")
        return 0
    try:
        build(tuple(t for t in args.targets.split(",") if t))
    except ImageError as exc:
        print(f"images: {exc}", file=sys.stderr)
        return 1
    for target in args.targets.split(","):
        print(image_name(target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
