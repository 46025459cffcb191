"""What a Makefile target runs: its recipe and those of the targets it depends on, with the
file's own variables put in (`$(DEMO)` is `demo`). A wrapper target that names
none of the test suite's folders nor its runner builds and runs something else (a demo
program beside the code), not the suite."""

from __future__ import annotations

import re

_RULE = re.compile(r"^([^\t#=:][^=:]*?)\s*::?(?!=)\s*(.*)$")
_VARIABLE = re.compile(r"^([A-Za-z_][\w.]*)\s*(?:\+|\?|:|::)?=\s*(.*)$")
_REFERENCE = re.compile(r"\$[({]([A-Za-z_][\w.]*)[)}]")
DEPTH = 4  # prerequisites followed this many targets deep


def _expand(text: str, variables: dict[str, str]) -> str:
    for _ in range(DEPTH):
        expanded = _REFERENCE.sub(lambda m: variables.get(m.group(1), m.group(0)), text)
        if expanded == text:
            break
        text = expanded
    return text


def _assigns(line: str) -> bool:
    """`NAME = value`, `NAME := value`: an `=` before any colon but that of `:=`."""
    equals, colon = line.find("="), line.find(":")
    return equals > 0 and (colon < 0 or colon > equals or line[colon:equals] in {":", "::"})


def _read(text: str) -> tuple[dict[str, str], dict[str, tuple[str, list[str]]]]:
    """The file's variables and, for each target, its prerequisites and recipe lines."""
    variables: dict[str, str] = {}
    rules: dict[str, tuple[str, list[str]]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append(line.strip())
            continue
        current = []
        variable = _VARIABLE.match(line) if _assigns(line) else None
        if variable:
            name, value = variable.groups()
            variables[name] = f"{variables.get(name, '')} {value}".strip()
            continue
        rule = _RULE.match(line)
        if rule is None:
            continue
        targets, prerequisites = rule.groups()
        for target in targets.split():
            rules.setdefault(target, ("", []))
            rules[target] = (f"{rules[target][0]} {prerequisites}".strip(), rules[target][1])
            current.append(target)
    return variables, rules


def make_recipe(text: str, target: str) -> str:
    """The recipe `make target` runs, with its prerequisites' recipes, variables put in."""
    variables, rules = _read(text)
    expanded_rules = {_expand(name, variables): rule for name, rule in rules.items()}
    seen: set[str] = set()
    lines: list[str] = []
    wanted = [target]
    for _ in range(DEPTH + 1):
        following: list[str] = []
        for name in wanted:
            if name in seen or name not in expanded_rules:
                continue
            seen.add(name)
            prerequisites, recipe = expanded_rules[name]
            lines += [_expand(line, variables) for line in recipe]
            following += _expand(prerequisites, variables).split()
        wanted = following
    return "\n".join(lines)


def runs_suite(recipe: str, folders: list[str], runners: list[str]) -> bool:
    """Whether a recipe names one of the suite's folders or runners, or hands the work to
    another make (whose targets this file does not show)."""
    words = set(re.findall(r"[\w./+-]+", recipe))
    names = {w.strip("./") for w in words} | {w.rsplit("/", 1)[-1] for w in words}
    if any(folder in names or f"{folder}/" in recipe for folder in folders):
        return True
    if any(runner.split()[0] in names for runner in runners):
        return True
    return "$(MAKE)" in recipe or "${MAKE}" in recipe or re.search(r"\bmake\b", recipe) is not None
