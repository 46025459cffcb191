"""Turn a checkout into RepoFacts: everything the narrative may say, and nothing more."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from codestory.analysis.imports import (
    ImportedModule,
    ModuleInfo,
    describe_other,
    describe_python,
    first_sentence,
    most_imported,
)
from codestory.analysis.languages import is_code
from codestory.analysis.manifests import Manifest, make_targets, parse_manifest
from codestory.analysis.walk import AnalysisError, SourceFile, walk_repository

FOLDER_ROLES: dict[str, str] = {
    "src": "source code",
    "lib": "library code",
    "services": "service code",
    "app": "application code",
    "apps": "applications",
    "pkg": "Go packages",
    "cmd": "command entry points",
    "internal": "internal packages",
    "tests": "tests",
    "test": "tests",
    "spec": "tests",
    "__tests__": "tests",
    "docs": "documentation",
    "doc": "documentation",
    "examples": "examples",
    "scripts": "helper scripts",
    "tools": "tooling",
    "bin": "executables",
    "charts": "Helm charts",
    "k8s": "Kubernetes manifests",
    "deploy": "deployment configuration",
    "deployments": "deployment configuration",
    "infra": "infrastructure",
    "config": "configuration",
    "migrations": "database migrations",
    "assets": "static assets",
    "static": "static assets",
    "public": "public web assets",
    "web": "web front end",
    "frontend": "front end",
    "backend": "back end",
    "api": "API definitions",
    "proto": "protocol definitions",
    ".github": "GitHub automation",
    ".ci": "continuous integration",
    "benchmarks": "benchmarks",
    "vendor": "vendored dependencies",
    "include": "public headers",
}
CI_MARKERS = {
    ".github/workflows/": "GitHub Actions",
    ".gitlab-ci.yml": "GitLab CI",
    ".circleci/": "CircleCI",
    "Jenkinsfile": "Jenkins",
    "azure-pipelines.yml": "Azure Pipelines",
    ".travis.yml": "Travis CI",
    ".ci/": "a CI script in .ci",
    "buildkite/": "Buildkite",
}
TEST_FRAMEWORKS = {
    "pytest": "pytest",
    "jest": "Jest",
    "vitest": "Vitest",
    "mocha": "Mocha",
    "testcontainers": "Testcontainers",
    "hypothesis": "Hypothesis",
    "playwright": "Playwright",
}
_TEST_FILE = re.compile(
    r"(^|/)(test_[^/]+\.py|[^/]+_test\.(py|go)|[^/]+\.(test|spec)\.[jt]sx?|[^/]+Test\.java)$"
)
_TEST_DIR = re.compile(r"(^|/)(tests?|spec|__tests__)/")
_README = re.compile(r"^readme(\.(md|rst|txt))?$", re.IGNORECASE)


class LanguageShare(BaseModel):
    name: str
    files: int
    bytes: int
    percent: float


class Folder(BaseModel):
    name: str
    files: int
    role: str | None = None
    main_language: str | None = None


class Readme(BaseModel):
    path: str
    title: str | None = None
    summary: str | None = None


class TestSuite(BaseModel):
    files: int = 0
    directories: list[str] = Field(default_factory=list)
    frameworks: list[str] = Field(default_factory=list)


class EntryPoint(BaseModel):
    kind: str
    name: str
    target: str


class RepoFacts(BaseModel):
    name: str
    total_files: int
    total_bytes: int
    code_lines: int
    languages: list[LanguageShare]
    folders: list[Folder]
    root_files: list[str]
    manifests: list[Manifest]
    entry_points: list[EntryPoint]
    readme: Readme | None
    tests: TestSuite
    ci: list[str]
    make_targets: list[str]
    largest_modules: list[ModuleInfo]
    most_imported: list[ImportedModule]
    modules: dict[str, ModuleInfo] = Field(default_factory=dict, repr=False)
    has_dockerfile: bool = False

    def known_paths(self) -> set[str]:
        return set(self.modules) | {m.path for m in self.manifests} | set(self.root_files)


def summarise_readme(text: str) -> tuple[str | None, str | None]:
    """Title from the first heading; summary from the first prose paragraph."""
    title: str | None = None
    paragraph: list[str] = []
    in_code = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if stripped.startswith("#"):
            if title is None:
                title = stripped.lstrip("#").strip() or None
            if paragraph:
                break
            continue
        prose = stripped and not re.match(r"^(\[!\[|!\[|<|\||[-*=]{3,}|[-*+] |\d+\. |>)", stripped)
        if prose:
            paragraph.append(stripped)
        elif paragraph:
            break
    text_only = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", " ".join(paragraph))
    text_only = re.sub(r"[`*_]", "", text_only)
    summary = first_sentence(text_only, limit=300)
    if summary and len(text_only) > len(summary):
        rest = first_sentence(text_only[len(summary) :], limit=200)
        if rest and len(summary) < 140:
            summary = f"{summary} {rest}"
    return title, summary


def _languages(files: list[SourceFile]) -> list[LanguageShare]:
    counts: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for f in files:
        if is_code(f.language) and not f.is_binary and f.language:
            counts[f.language] += 1
            sizes[f.language] += f.size
    total = sum(sizes.values()) or 1
    return [
        LanguageShare(
            name=name, files=counts[name], bytes=size, percent=round(100 * size / total, 1)
        )
        for name, size in sizes.most_common()
    ]


def _folders(files: list[SourceFile]) -> tuple[list[Folder], list[str]]:
    per_folder: dict[str, list[SourceFile]] = defaultdict(list)
    root_files: list[str] = []
    for f in files:
        head, _, rest = f.path.partition("/")
        if rest:
            per_folder[head].append(f)
        else:
            root_files.append(f.path)
    folders = []
    for name, members in per_folder.items():
        languages = Counter(m.language for m in members if is_code(m.language))
        folders.append(
            Folder(
                name=name,
                files=len(members),
                role=FOLDER_ROLES.get(name.lower()),
                main_language=languages.most_common(1)[0][0] if languages else None,
            )
        )
    folders.sort(key=lambda f: (-f.files, f.name))
    return folders, sorted(root_files)


def _entry_points(manifests: list[Manifest], modules: dict[str, ModuleInfo]) -> list[EntryPoint]:
    points: list[EntryPoint] = []
    for manifest in manifests:
        for name, target in manifest.scripts.items():
            if manifest.kind == "Python package":
                points.append(EntryPoint(kind="console script", name=name, target=target))
            elif name.startswith("bin:"):
                points.append(EntryPoint(kind="executable", name=name[4:], target=target))
            elif name in {"start", "dev", "serve", "build", "test"}:
                points.append(EntryPoint(kind="npm script", name=name, target=target))
    for module in modules.values():
        if module.is_entry_point:
            points.append(EntryPoint(kind="main module", name=module.path, target=module.path))
    return points


def _tests(files: list[SourceFile], manifests: list[Manifest]) -> TestSuite:
    test_files = [f.path for f in files if is_code(f.language) and _TEST_FILE.search(f.path)]
    directories = sorted({m.group(0).strip("/") for p in test_files if (m := _TEST_DIR.search(p))})
    dependencies = {d.lower() for m in manifests for d in m.dependencies}
    frameworks = [label for dep, label in TEST_FRAMEWORKS.items() if dep in dependencies]
    return TestSuite(files=len(test_files), directories=directories[:5], frameworks=frameworks)


def _ci(paths: list[str]) -> list[str]:
    found = []
    for marker, label in CI_MARKERS.items():
        if any(p == marker or p.startswith(marker) for p in paths):
            found.append(label)
    return found


def analyse(
    root: Path, *, name: str, max_files: int = 50_000, max_bytes: int = 500 << 20
) -> RepoFacts:
    """Read the checkout at `root`. Raises AnalysisError when there is nothing to tell."""
    files = walk_repository(root, max_files=max_files, max_bytes=max_bytes)
    if not files:
        raise AnalysisError("the repository is empty: it has no files to describe", "no_source")
    texts = [f for f in files if f.text is not None]
    if not texts:
        raise AnalysisError(
            "the repository holds only binary files; there is no source code to describe",
            "no_source",
        )
    manifests = [m for f in texts if (m := parse_manifest(f.path, f.text or "")) is not None]
    modules: dict[str, ModuleInfo] = {}
    raw_imports: dict[str, list[str]] = {}
    for f in texts:
        if not is_code(f.language) or f.language is None:
            continue
        if f.language == "Python":
            info, imported = describe_python(f.path, f.text or "")
        else:
            info, imported = describe_other(f.path, f.language, f.text or "")
        modules[f.path] = info
        raw_imports[f.path] = imported
    if not modules:
        raise AnalysisError(
            "no source code was found: the repository has only documentation or data files",
            "no_source",
        )
    readme_file = next(
        (
            f
            for f in sorted(texts, key=lambda f: f.path.count("/"))
            if _README.match(PurePosixPath(f.path).name)
        ),
        None,
    )
    readme = None
    if readme_file is not None:
        title, summary = summarise_readme(readme_file.text or "")
        readme = Readme(path=readme_file.path, title=title, summary=summary)
    makefile = next((f for f in texts if f.path == "Makefile"), None)
    folders, root_files = _folders(files)
    largest = sorted(
        (m for m in modules.values() if not _TEST_FILE.search(m.path)),
        key=lambda m: (-m.lines, m.path),
    )
    declared = next(
        (m.name for m in manifests if "/" not in m.path and m.name and m.kind != "Helm chart"), None
    )
    return RepoFacts(
        name=declared or name,
        total_files=len(files),
        total_bytes=sum(f.size for f in files),
        code_lines=sum(m.lines for m in modules.values()),
        languages=_languages(files),
        folders=folders,
        root_files=root_files,
        manifests=manifests,
        entry_points=_entry_points(manifests, modules),
        readme=readme,
        tests=_tests(files, manifests),
        ci=_ci([f.path for f in files]),
        make_targets=make_targets(makefile.text or "") if makefile else [],
        largest_modules=largest[:8],
        most_imported=most_imported(raw_imports, [f.path for f in files]),
        modules=modules,
        has_dockerfile=any(PurePosixPath(f.path).name.startswith("Dockerfile") for f in files),
    )


__all__ = ["AnalysisError", "RepoFacts", "analyse"]
