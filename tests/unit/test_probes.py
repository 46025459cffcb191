from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from codestory.probes import GRACE_ENV, HEARTBEAT_DIR_ENV, check
from codestory.settings import env_names


def test_probe_env_vars_are_settings() -> None:
    assert {HEARTBEAT_DIR_ENV, GRACE_ENV} <= env_names()


def test_liveness_and_readiness(tmp_path: Path) -> None:
    now = time.time()
    assert check("liveness", tmp_path, 60, now) == (False, f"no heartbeat file in {tmp_path}")
    (tmp_path / "alive").write_text("1")
    assert check("liveness", tmp_path, 60, now)[0]
    assert not check("readiness", tmp_path, 60, now)[0]
    (tmp_path / "ready").write_text("1")
    assert check("readiness", tmp_path, 60, now)[0]
    stale, message = check("liveness", tmp_path, 60, now + 120)
    assert not stale and "limit 60s" in message


def test_probe_command_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, HEARTBEAT_DIR_ENV: str(tmp_path)}
    probe = [sys.executable, "-m", "codestory", "probe", "liveness"]
    assert subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode == 1
    (tmp_path / "alive").write_text("1")
    assert subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode == 0
