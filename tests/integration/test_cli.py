"""The command line against live services: `new --wait`, `status`, `dlq`, and `up`."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from codestory.speech.mp3 import read_chapters
from tests.support import (
    ADMIN_TOKEN,
    SAMPLE_PROJECT,
    Stack,
    free_port,
    make_repo,
    running_stack,
    wait_for,
)

pytestmark = pytest.mark.integration


def codestory(
    *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codestory", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(redis_server_url, tmp_path_factory.mktemp("cli")) as running:
        yield running


def test_new_wait_follows_progress_to_the_end(stack: Stack, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    # A local folder goes with the admin token, found where `codestory up` writes it.
    data = tmp_path / "data"
    data.mkdir()
    (data / "admin-token").write_text(ADMIN_TOKEN + "\n")
    bare = {k: v for k, v in os.environ.items() if k != "CODESTORY_ADMIN_TOKEN"}
    refused = codestory(
        *("new", str(repo), "--gateway", stack.base_url, "--data-dir", str(tmp_path)), env=bare
    )
    assert refused.returncode == 2 and "needs the admin token" in refused.stderr
    result = codestory(
        *("new", str(repo), "--wait", "--level", "beginner"),
        *("--gateway", stack.base_url, "--data-dir", str(data)),
        env=bare,
    )
    assert result.returncode == 0, result.stderr
    assert "Your tour is ready" in result.stderr  # the progress bar's last message
    lines = result.stdout.splitlines()
    assert lines[0].startswith("submitted story ")
    story_id = lines[0].split()[-1]
    assert f"story {story_id}: complete" in result.stdout
    assert "What tally is" in result.stdout
    assert f"/api/v1/stories/{story_id}/audio" in result.stdout

    status = codestory("status", story_id, "--gateway", stack.base_url)
    assert status.returncode == 0 and f"story {story_id}: complete" in status.stdout
    listing = codestory("status", "--gateway", stack.base_url)
    assert story_id in listing.stdout


def test_new_reports_a_failed_story(stack: Stack, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "empty", {})
    token = {**os.environ, "CODESTORY_ADMIN_TOKEN": ADMIN_TOKEN}
    result = codestory("new", str(repo), "--wait", "--gateway", stack.base_url, env=token)
    assert result.returncode == 1
    assert "failed" in result.stdout and "the repository is empty" in result.stdout
    dlq = codestory("dlq", env={**stack.env})
    assert dlq.returncode == 0 and "no_source" in dlq.stdout


def test_new_explains_a_refused_url(stack: Stack) -> None:
    result = codestory("new", "ftp://example.com/x", "--gateway", stack.base_url)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "codestory: repository_url: scheme 'ftp' is not supported; use an https:// Git URL"
    )


def up_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CODESTORY_", "REDIS_", "CELERY_"))
    }
    env["CODESTORY_GATEWAY_PORT"] = str(free_port())
    return env


def readable_by_others(data: Path) -> list[str]:
    """What under `data` a user other than its owner could list, read or write."""
    found = []
    for path in [data, *data.rglob("*")]:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            found.append(f"{path.relative_to(data)} {stat.filemode(info.st_mode)}")
    return found


def test_up_runs_a_story_through_all_four_services(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    data = tmp_path / "data"
    # Left readable by an earlier run under a loose umask: closed before anything starts.
    (data / "valkey").mkdir(parents=True, mode=0o755)
    (data / "valkey" / "valkey.conf").write_text("requirepass an-old-password\n")
    (data / "valkey" / "valkey.conf").chmod(0o644)
    data.chmod(0o755)
    result = codestory(
        "up",
        "--data-dir",
        str(data),
        "--submit",
        str(repo),
        "--exit-when-done",
        env=up_env(tmp_path),
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "embedded Valkey" in result.stdout
    mp3_line = next(
        line for line in result.stdout.splitlines() if line.strip().endswith("story.mp3")
    )
    mp3 = Path(mp3_line.strip()).read_bytes()
    assert len(read_chapters(mp3)) >= 5
    assert (data / "valkey" / "appendonlydir").is_dir(), "AOF is on"
    for service in ("gateway", "story", "audio", "janitor"):
        assert (data / "logs" / f"{service}.log").exists()
    # The password in valkey.conf, the AOF, logs and artifacts: the user's alone.
    assert any((data / "artifacts").rglob("story.mp3"))
    assert readable_by_others(data) == []


def test_the_embedded_valkey_writes_its_password_where_only_its_user_reads(
    tmp_path: Path,
) -> None:
    from codestory.commands.up import EmbeddedValkey

    loose = os.umask(0o022)  # a common default: new files 0644
    try:
        valkey = EmbeddedValkey(tmp_path / "valkey")
        valkey.start()
        try:
            config = tmp_path / "valkey" / "valkey.conf"
            assert valkey.password in config.read_text()
            assert stat.S_IMODE(config.stat().st_mode) == 0o600
            assert stat.S_IMODE((tmp_path / "valkey").stat().st_mode) == 0o700
        finally:
            valkey.stop()
    finally:
        os.umask(loose)


def test_up_stops_everything_on_ctrl_c_even_pressed_twice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "codestory", "up", "--data-dir", str(data)],
        env=up_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        wait_for(lambda: "press Ctrl-C" in (process.stdout.readline() or ""), 120, "codestory up")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 5  # valkey-server and the four services
        process.send_signal(signal.SIGINT)
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)  # an impatient second Ctrl-C, mid-stop
        assert process.wait(timeout=60) == 0
        time.sleep(0.5)
        for pid in children:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text()
            )
    finally:
        if process.poll() is None:
            process.kill()


def test_up_refuses_a_port_another_server_holds(tmp_path: Path) -> None:
    env = up_env(tmp_path)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", int(env["CODESTORY_GATEWAY_PORT"])))
        other.listen()
        result = codestory("up", "--data-dir", str(tmp_path / "data"), env=env, timeout=60)
    assert result.returncode == 1
    assert "is taken, perhaps by another `codestory up`" in result.stderr
    assert not (tmp_path / "data" / "logs" / "gateway.log").exists(), "nothing was started"


def test_up_stops_at_once_on_a_bad_setting(tmp_path: Path) -> None:
    env = {**up_env(tmp_path), "CODESTORY_VISIBILITY_TIMEOUT": "10"}
    started = time.monotonic()
    result = codestory("up", "--data-dir", str(tmp_path / "data"), env=env, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 30, "no waiting for services that cannot start"
    complaint = result.stderr.strip().splitlines()[-1]
    assert complaint.startswith("codestory: invalid setting"), complaint
    assert "CODESTORY_VISIBILITY_TIMEOUT" in complaint
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "logs" / "gateway.log").exists(), "nothing was started"


def test_a_child_that_exits_2_is_not_restarted(tmp_path: Path) -> None:
    from codestory.commands.launcher import ServiceProcess
    from codestory.commands.up import Supervisor

    log = tmp_path / "gateway.log"
    line = "codestory: invalid setting CODESTORY_GATEWAY_PORT: out of range"
    child = ServiceProcess(
        "gateway",
        [sys.executable, "-c", f"import sys; print({line!r}); sys.exit(2)"],
        dict(os.environ),
        log,
    )
    supervisor = Supervisor([child])
    child.start()
    assert child.process is not None
    child.process.wait(30)
    with pytest.raises(RuntimeError, match="gateway would not start: invalid setting"):
        supervisor.check()
    assert child.restarts == [], "not started again"


def valkey_child(up_pid: int) -> int:
    for pid in Path(f"/proc/{up_pid}/task/{up_pid}/children").read_text().split():
        if "valkey-server" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
            return int(pid)
    raise AssertionError("no valkey-server child")


def test_up_restarts_its_valkey_on_the_same_port_with_its_data(tmp_path: Path) -> None:
    env = up_env(tmp_path)
    gateway = f"http://127.0.0.1:{env['CODESTORY_GATEWAY_PORT']}"
    output = tmp_path / "up.out"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "codestory", "up", "--data-dir", str(tmp_path / "data")),
                *("--allow-root", str(tmp_path)),
            ],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for(lambda: "press Ctrl-C" in output.read_text(), 120, "codestory up")
        http = httpx.Client(base_url=gateway, timeout=30)
        before = http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/a/b"}
        ).json()["id"]
        os.kill(valkey_child(process.pid), signal.SIGKILL)
        wait_for(lambda: "valkey exited" in output.read_text(), 30, "the restart")
        wait_for(lambda: http.get("/health").json()["status"] == "ok", 120, "services back")
        # Same port and AOF: what was written before is there, and new stories run.
        assert http.get(f"/api/v1/stories/{before}").status_code == 200
        # Restarted, it is locked again: without the password nobody reads the stories.
        valkey_port = int(
            output.read_text().split("embedded Valkey on 127.0.0.1:")[1].split(",")[0]
        )
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=valkey_port).keys("*")
        # `codestory dlq` finds the stack's Valkey, password and all, in the data folder.
        bare = {k: v for k, v in env.items() if k != "REDIS_URL"}
        dlq = codestory("dlq", "--data-dir", str(tmp_path / "data"), env=bare)
        assert dlq.returncode == 0, dlq.stderr
        repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
        token = (tmp_path / "data" / "admin-token").read_text().strip()
        after = http.post(
            "/api/v1/stories",
            json={"repository_url": str(repo)},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["id"]
        wait_for(
            lambda: http.get(f"/api/v1/stories/{after}").json()["status"] == "complete",
            180,
            "a story after the restart",
        )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
