"""A call to a method an interface declares without a body goes on into the one project
class that implements it; with two implementations it stays at the interface."""

from __future__ import annotations

from tests.call_graphs import callees_of

_PROGRESS = "package org.x;\n\npublic interface Progress {\n    void started();\n}\n"
_IMPL = (
    "package org.x;\n\npublic class ProgressImpl implements Progress {\n"
    "    public void started() {\n        validate();\n        count++;\n    }\n\n"
    "    void validate() {\n        count = 0;\n        count++;\n    }\n\n    int count;\n}\n"
)
_CORE = (
    "package org.x;\n\npublic class Core {\n"
    "    public void when(Progress progress) {\n        progress.started();\n"
    "        done = true;\n    }\n\n    boolean done;\n}\n"
)
_OTHER = (
    "package org.x;\n\npublic class QuietProgress implements Progress {\n"
    "    public void started() {\n        quiet = true;\n        quiet = !quiet;\n    }\n\n"
    "    boolean quiet;\n}\n"
)


def _callees(files: dict[str, str], caller: str) -> list[tuple[str, str]]:
    return callees_of(files, caller, "Java")


def test_an_interface_call_goes_on_into_its_only_implementation() -> None:
    files = {
        "src/org/x/Progress.java": _PROGRESS,
        "src/org/x/ProgressImpl.java": _IMPL,
        "src/org/x/Core.java": _CORE,
    }
    found = _callees(files, "src/org/x/Core.java::Core.when")
    assert found == [("src/org/x/ProgressImpl.java", "ProgressImpl.started")]


def test_an_interface_with_two_implementations_is_not_guessed() -> None:
    files = {
        "src/org/x/Progress.java": _PROGRESS,
        "src/org/x/ProgressImpl.java": _IMPL,
        "src/org/x/QuietProgress.java": _OTHER,
        "src/org/x/Core.java": _CORE,
    }
    found = _callees(files, "src/org/x/Core.java::Core.when")
    assert found == [("src/org/x/Progress.java", "Progress.started")]
