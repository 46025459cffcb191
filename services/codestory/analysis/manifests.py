"""Package manifests: what the project calls itself, what it depends on, what it runs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import PurePosixPath

from pydantic import BaseModel, Field

MANIFEST_NAMES = frozenset(
    {
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "requirements.txt",
        "package.json",
        "go.mod",
        "Cargo.toml",
        "Gemfile",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "composer.json",
        "mix.exs",
        "Chart.yaml",
    }
)


class Manifest(BaseModel):
    path: str
    kind: str
    name: str | None = None
    description: str | None = None
    dependencies: list[str] = Field(default_factory=list)
    scripts: dict[str, str] = Field(default_factory=dict)


_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement_name(spec: str) -> str | None:
    match = _REQUIREMENT_NAME.match(spec)
    return match.group(1) if match else None


def _names(specs: list[str]) -> list[str]:
    found = (_requirement_name(s) for s in specs)
    return list(dict.fromkeys(n for n in found if n))


def parse_pyproject(path: str, text: str) -> Manifest:
    data = tomllib.loads(text)
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    deps = _names(list(project.get("dependencies", [])))
    deps += [d for d in poetry.get("dependencies", {}) if d.lower() != "python"]
    scripts = {**project.get("scripts", {}), **poetry.get("scripts", {})}
    return Manifest(
        path=path,
        kind="Python package",
        name=project.get("name") or poetry.get("name"),
        description=project.get("description") or poetry.get("description"),
        dependencies=list(dict.fromkeys(deps)),
        scripts={k: str(v) for k, v in scripts.items()},
    )


def parse_requirements(path: str, text: str) -> Manifest:
    lines = [ln.split("#")[0].strip() for ln in text.splitlines()]
    specs = [ln for ln in lines if ln and not ln.startswith("-")]
    return Manifest(path=path, kind="Python requirements", dependencies=_names(specs))


def parse_package_json(path: str, text: str) -> Manifest:
    data = json.loads(text)
    deps = list(data.get("dependencies", {})) + list(data.get("devDependencies", {}))
    scripts = {k: str(v) for k, v in data.get("scripts", {}).items()}
    binaries = data.get("bin", {})
    if isinstance(binaries, dict):
        scripts.update({f"bin:{k}": str(v) for k, v in binaries.items()})
    return Manifest(
        path=path,
        kind="Node package",
        name=data.get("name"),
        description=data.get("description"),
        dependencies=deps,
        scripts=scripts,
    )


def parse_go_mod(path: str, text: str) -> Manifest:
    module = re.search(r"^module\s+(\S+)", text, re.MULTILINE)
    deps = re.findall(r"^\s*(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/\S+)\s+v\S+", text, re.MULTILINE)
    return Manifest(
        path=path, kind="Go module", name=module.group(1) if module else None, dependencies=deps
    )


def parse_cargo(path: str, text: str) -> Manifest:
    data = tomllib.loads(text)
    package = data.get("package", {})
    return Manifest(
        path=path,
        kind="Rust crate",
        name=package.get("name"),
        description=package.get("description"),
        dependencies=list(data.get("dependencies", {})),
    )


def parse_chart(path: str, text: str) -> Manifest:
    name = re.search(r"^name:\s*(\S+)", text, re.MULTILINE)
    description = re.search(r"^description:\s*(.+)$", text, re.MULTILINE)
    return Manifest(
        path=path,
        kind="Helm chart",
        name=name.group(1) if name else None,
        description=description.group(1).strip().strip("\"'") if description else None,
    )


def parse_manifest(path: str, text: str) -> Manifest | None:
    """Parse a manifest by file name; a malformed one is reported by kind alone."""
    name = PurePosixPath(path).name
    parsers = {
        "pyproject.toml": parse_pyproject,
        "requirements.txt": parse_requirements,
        "package.json": parse_package_json,
        "go.mod": parse_go_mod,
        "Cargo.toml": parse_cargo,
        "Chart.yaml": parse_chart,
    }
    if name not in MANIFEST_NAMES:
        return None
    parser = parsers.get(name)
    if parser is None:
        return Manifest(path=path, kind=name)
    try:
        return parser(path, text)
    except (ValueError, TypeError, AttributeError, tomllib.TOMLDecodeError):
        return Manifest(path=path, kind=f"{name} (unreadable)")


_MAKE_TARGET = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)


def make_targets(text: str) -> list[str]:
    return [t for t in dict.fromkeys(_MAKE_TARGET.findall(text)) if t != "PHONY"]
