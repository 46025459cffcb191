"""A live gateway for the hostile-input tables (no workers: each row is judged at the door)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import SAMPLE_PROJECT, Stack, fresh_stack, make_repo, wait_for


@pytest.fixture(scope="module")
def gateway(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("local-paths")
    stack = fresh_stack(redis_server_url, tmp)
    # Only this folder may be read; the fixture's other folders stand for the rest of disk.
    stack.env["CODESTORY_LOCAL_ROOTS"] = f'["{tmp / "open"}"]'
    make_repo(tmp / "open" / "tally", SAMPLE_PROJECT)
    make_repo(tmp / "closed" / "secret", SAMPLE_PROJECT)
    (tmp / "open" / "way-out").symlink_to(tmp / "closed", target_is_directory=True)
    # A folder under the root whose .git is a gitfile naming a repository outside it.
    (tmp / "open" / "gitfile").mkdir()
    (tmp / "open" / "gitfile" / ".git").write_text(f"gitdir: {tmp / 'closed' / 'secret' / '.git'}")
    stack.start("gateway")
    wait_for(lambda: stack.http.get("/readyz").status_code == 200, 30, "gateway ready")
    yield stack
    stack.stop()
