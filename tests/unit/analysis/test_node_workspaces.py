"""Node: a workspace's packages are named by globs in the top-level package.json's
`workspaces` (npm, Yarn; a list or `{"packages": [...]}`) or in `pnpm-workspace.yaml`'s
`packages`, and a root that is only the workspace (private, no name) is told as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

PNPM = "packages:\n  - 'packages/*'\n  - \"!packages/site\"  # the website\nlinkWorkspace: true\n"


def _package(name: str, lines: int) -> dict[str, str]:
    body = "".join(f"export function step{i}(x) {{\n  return x + {i};\n}}\n" for i in range(lines))
    return {
        f"packages/{name}/package.json": json.dumps({"name": name, "version": "2.0.0"}),
        f"packages/{name}/src/index.js": body,
    }


@pytest.mark.parametrize(
    "declared",
    [
        {
            "package.json": json.dumps(
                {"private": True, "workspaces": ["packages/*", "!packages/site"]}
            )
        },
        {"package.json": json.dumps({"private": True, "workspaces": {"packages": ["packages/*"]}})},
        {"package.json": json.dumps({"private": True}), "pnpm-workspace.yaml": PNPM},
    ],
    ids=["npm", "yarn-object", "pnpm"],
)
def test_the_workspace_packages_are_named_largest_first(
    tmp_path: Path, declared: dict[str, str]
) -> None:
    files = {**declared, **_package("core", 30), **_package("cli", 10)}
    if "pnpm-workspace.yaml" in declared or "!packages/site" in declared["package.json"]:
        files.update(_package("site", 5))  # left out by its `!` glob
    facts = analyse(write(tmp_path / "repo", files), name="kit")
    assert facts.workspace == ["packages/core", "packages/cli"]
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "The build is a workspace of 2 packages: `packages/core` and `packages/cli`." in told


def test_a_folder_no_glob_names_is_no_member(tmp_path: Path) -> None:
    files = {
        "package.json": json.dumps({"private": True, "workspaces": ["packages/*"]}),
        **_package("core", 10),
        "tools/lint/package.json": json.dumps({"name": "lint", "version": "1.0.0"}),
    }
    assert analyse(write(tmp_path / "repo", files), name="kit").workspace == ["packages/core"]
