from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from codestory.core.settings import env_names
from codestory.runtime.probes import GRACE_ENV, HEARTBEAT_DIR_ENV, check


def test_probe_env_vars_are_settings() -> None:
    assert {HEARTBEAT_DIR_ENV, GRACE_ENV} <= env_names()


def test_liveness_and_readiness(tmp_path: Path) -> None:
    now = time.time()
    tmp = str(tmp_path)
    assert check("liveness", tmp, 60, now) == (False, f"no heartbeat file in {tmp}")
    (tmp_path / "alive").write_text("1")
    assert check("liveness", tmp, 60, now)[0]
    assert not check("readiness", tmp, 60, now)[0]
    (tmp_path / "ready").write_text("1")
    assert check("readiness", tmp, 60, now)[0]
    stale, message = check("liveness", tmp, 60, now + 120)
    assert not stale and "limit 60s" in message


def test_probe_command_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, HEARTBEAT_DIR_ENV: str(tmp_path)}
    probe = [sys.executable, "-m", "codestory", "probe", "liveness"]
    assert subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode == 1
    (tmp_path / "alive").write_text("1")
    assert subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode == 0


def test_probe_arguments(tmp_path: Path) -> None:
    from codestory.runtime.probes import parse_probe_args

    assert parse_probe_args(["liveness"]) == ("liveness", None)
    assert parse_probe_args(["readiness", "--max-age", "5"]) == ("readiness", 5.0)
    env = {**os.environ, HEARTBEAT_DIR_ENV: str(tmp_path)}
    for bad in (["sideways"], ["liveness", "--max-age"], ["liveness", "--max-age", "soon"], []):
        result = subprocess.run(
            [sys.executable, "-m", "codestory", "probe", *bad],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 2, bad
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("codestory probe: error:")


def test_max_age_flag_overrides_the_grace(tmp_path: Path) -> None:
    alive = tmp_path / "alive"
    alive.write_text("1")
    old = time.time() - 30
    os.utime(alive, (old, old))
    env = {**os.environ, HEARTBEAT_DIR_ENV: str(tmp_path)}
    base = [sys.executable, "-m", "codestory", "probe", "liveness"]
    assert subprocess.run(base, env=env, capture_output=True, timeout=30).returncode == 0
    tight = [*base, "--max-age", "10"]
    assert subprocess.run(tight, env=env, capture_output=True, timeout=30).returncode == 1


def test_the_probe_path_imports_nothing_heavy(tmp_path: Path) -> None:
    heavy = ("argparse", "celery", "pathlib", "pydantic", "typing")
    code = (
        "import sys; from codestory.cli import main; main(['probe', 'liveness']); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    env = {**os.environ, HEARTBEAT_DIR_ENV: str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
