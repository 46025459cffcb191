"""Python's test frameworks and how their suites run: pytest collects plain `def test_x()`
functions and `conftest.py`; unittest needs TestCase classes; tox and nox run the suite in
the environments they build. `unittest.mock` is a mocking library that pytest suites use
as well: a suite is written with unittest when its tests are TestCase classes."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import CommandStage, SuiteCommand, SuiteEvidence
from codestory.analysis.syntax import FileSyntax

_FRAMEWORKS = {"pytest": "pytest", "unittest": "unittest", "hypothesis": "Hypothesis"}


def python_frameworks(evidence: SuiteEvidence, languages: frozenset[str]) -> list[str]:
    tests = evidence.syntaxes
    python = [s for s in tests.values() if s.language in languages]
    # A few helper scripts in Python do not make a C project's tests "written with pytest".
    if len(python) * 2 < len(tests):
        return []
    found = [
        label
        for module, label in _FRAMEWORKS.items()
        if module in evidence.declared or evidence.imported.get(module)
    ]
    if "unittest" in found and not _test_cases(python):
        found.remove("unittest")  # only its `mock` is used
    # Plain `def test_x()` functions only run under pytest; unittest needs TestCase classes.
    plain_tests = any(
        d.parent is None and d.name.startswith("test") for s in python for d in s.definitions
    )
    if "pytest" not in found and (plain_tests or any(p.endswith("conftest.py") for p in tests)):
        found.insert(0, "pytest")
    return found


def _test_cases(syntaxes: list[FileSyntax]) -> bool:
    """Whether any test class derives from a TestCase (unittest's, or a framework's that
    builds on it, like Django's)."""
    return any(
        base.rsplit(".", 1)[-1].endswith("TestCase")
        for syntax in syntaxes
        for d in syntax.definitions
        if d.kind == "class"
        for base in d.bases
    )


def python_commands(frameworks: list[str], paths: set[str]) -> list[SuiteCommand]:
    commands: list[SuiteCommand] = []
    # A `pytest.ini` says the suite runs under pytest, whatever its tests are written with.
    if "pytest" in frameworks or (frameworks and "pytest.ini" in paths):
        commands.append(SuiteCommand("pytest", replaces_make=True))
    elif "unittest" in frameworks:
        commands.append(SuiteCommand("python -m unittest", replaces_make=True))
    for config, runner in (("tox.ini", "tox"), ("noxfile.py", "nox")):
        if config in paths:
            commands.append(SuiteCommand(runner, CommandStage.ENVIRONMENTS))
    return commands
