"""JavaScript tools read their settings from a module at the top of the package named for
the tool (`tsup.config.ts`, `vitest.config.build.ts`, `eslint.config.mjs`): tooling, not the
project's own code. The same name inside the source (an app's `src/app/app.config.ts`) is
code."""

from __future__ import annotations

from codestory.analysis.classify import classify_path
from codestory.analysis.file_kind import FileKind


def test_a_tools_config_module_at_the_top_is_tooling() -> None:
    assert classify_path("tsup.config.ts") is FileKind.TOOLING
    assert classify_path("vitest.config.build.ts") is FileKind.TOOLING
    assert classify_path("eslint.config.mjs") is FileKind.TOOLING
    assert classify_path("vite.config.ts") is FileKind.TOOLING


def test_a_config_module_inside_the_source_is_code() -> None:
    assert classify_path("src/app/app.config.ts") is FileKind.SOURCE
    assert classify_path("config.ts") is FileKind.SOURCE
