"""Services as local child processes: how `codestory up`, the benchmarks and the test suites
start, signal, restart and stop them. Each runs in a process group of its own, so a signal
reaches a worker's pool processes as well as the worker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Each service's arguments to `python -m codestory`, as the chart's containers run them.
SERVICE_ARGS = {
    "gateway": ["gateway"],
    "story": ["worker", "story"],
    "audio": ["worker", "audio"],
    "janitor": ["janitor"],
}


def command_for(service: str) -> list[str]:
    """The command line that runs one service with this interpreter."""
    return [sys.executable, "-m", "codestory", *SERVICE_ARGS[service]]


@dataclass
class ServiceProcess:
    """One service as a child process, its output appended to `log_path`."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)  # when it was started again

    def start(self) -> ServiceProcess:
        with self.log_path.open("ab") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Send `signum` to the service's whole process group, if it still runs."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it exited meanwhile
                os.killpg(self.process.pid, signum)

    def wait(self, timeout: float) -> None:
        """Wait for it to end; past `timeout`, kill it and its pool."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (Celery's warm shutdown: running tasks finish), then SIGKILL past
        `timeout`, then SIGKILL again for pool processes that outlived their parent."""
        if self.process is None:
            return
        self.kill(signal.SIGTERM)
        self.wait(timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
