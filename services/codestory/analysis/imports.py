"""Modules, their symbols and who imports whom."""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from pathlib import PurePosixPath

from pydantic import BaseModel, Field


class ModuleInfo(BaseModel):
    path: str
    language: str
    lines: int
    summary: str | None = None
    classes: list[str] = Field(default_factory=list)
    functions: list[str] = Field(default_factory=list)
    is_entry_point: bool = False


class ImportedModule(BaseModel):
    path: str
    importers: int
    examples: list[str] = Field(default_factory=list)


def first_sentence(text: str | None, limit: int = 200) -> str | None:
    if not text:
        return None
    flat = " ".join(text.strip().split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def python_module_name(path: str, roots: list[str]) -> str | None:
    """`services/pkg/mod.py` with root `services` -> `pkg.mod`."""
    pure = PurePosixPath(path)
    for root in roots:
        try:
            relative = pure.relative_to(root) if root else pure
        except ValueError:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            return ".".join(parts)
    return None


def python_roots(paths: list[str]) -> list[str]:
    """Directories that hold top-level Python packages (the repo root, src/, and so on)."""
    package_dirs = {str(PurePosixPath(p).parent) for p in paths if p.endswith("/__init__.py")}
    roots: set[str] = {""}
    for directory in package_dirs:
        parent = str(PurePosixPath(directory).parent)
        if parent not in package_dirs:
            roots.add("" if parent == "." else parent)
    return sorted(roots, key=len, reverse=True)


def describe_python(path: str, text: str) -> tuple[ModuleInfo, list[str]]:
    """Return the module's summary and symbols, plus the absolute module names it imports."""
    lines = text.count("\n") + 1
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ModuleInfo(path=path, language="Python", lines=lines), []
    imports: list[str] = []
    package = str(PurePosixPath(path).parent).replace("/", ".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
                imports.append("rel:" + module)
                imports += ["rel:" + f"{module}.{a.name}" for a in node.names]
            elif node.module:
                imports.append(node.module)
                imports += [f"{node.module}.{a.name}" for a in node.names]
    is_main = (
        any(
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name)
            and node.test.left.id == "__name__"
            for node in tree.body
        )
        or PurePosixPath(path).name == "__main__.py"
    )
    info = ModuleInfo(
        path=path,
        language="Python",
        lines=lines,
        summary=first_sentence(ast.get_docstring(tree)),
        classes=[n.name for n in tree.body if isinstance(n, ast.ClassDef)],
        functions=[
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")
        ],
        is_entry_point=is_main,
    )
    return info, imports


_JS_IMPORT = re.compile(
    r"""(?:import\s[^'"]*from\s*|require\(\s*|import\(\s*)['"](\.{1,2}/[^'"]+)['"]"""
)
_JS_SYMBOL = re.compile(r"^export\s+(?:default\s+)?(?:async\s+)?(class|function)\s+(\w+)", re.M)
_GO_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?([A-Z]\w*)", re.M)
_GO_TYPE = re.compile(r"^type\s+([A-Z]\w*)\s+struct", re.M)
_LEADING_COMMENT = re.compile(r"^\s*(?://[^\n]*\n\s*)+|^\s*/\*(.*?)\*/", re.S)


def _leading_comment(text: str) -> str | None:
    match = _LEADING_COMMENT.match(text)
    if not match:
        return None
    raw = match.group(0)
    cleaned = re.sub(r"^\s*(//+|/\*+|\*+/?|\*)", "", raw, flags=re.M)
    return first_sentence(cleaned)


def describe_other(path: str, language: str, text: str) -> tuple[ModuleInfo, list[str]]:
    lines = text.count("\n") + 1
    classes: list[str] = []
    functions: list[str] = []
    imports: list[str] = []
    if language in {"JavaScript", "TypeScript"}:
        for kind, name in _JS_SYMBOL.findall(text):
            (classes if kind == "class" else functions).append(name)
        directory = PurePosixPath(path).parent
        for target in _JS_IMPORT.findall(text):
            imports.append("path:" + str(directory / target))
    elif language == "Go":
        functions = _GO_FUNC.findall(text)
        classes = _GO_TYPE.findall(text)
    name = PurePosixPath(path).name
    is_main = (language == "Go" and "package main" in text and "func main(" in text) or (
        language == "Rust" and name == "main.rs"
    )
    info = ModuleInfo(
        path=path,
        language=language,
        lines=lines,
        summary=_leading_comment(text),
        classes=classes,
        functions=functions,
        is_entry_point=is_main,
    )
    return info, imports


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def most_imported(
    raw_imports: dict[str, list[str]], all_paths: list[str], limit: int = 8
) -> list[ImportedModule]:
    """Count, for each module of the repository, how many other modules import it."""
    python_paths = [p for p in all_paths if p.endswith(".py")]
    roots = python_roots(python_paths)
    by_module: dict[str, str] = {}
    for path in python_paths:
        name = python_module_name(path, roots)
        if name:
            by_module.setdefault(name, path)
    path_set = set(all_paths)
    js_suffixes = ("", ".js", ".ts", ".tsx", ".jsx", ".mjs", "/index.js", "/index.ts")
    importers: dict[str, set[str]] = defaultdict(set)
    for importer, names in raw_imports.items():
        for name in names:
            target: str | None = None
            if name.startswith("path:"):
                base = _normalise(name[5:])
                target = next((base + s for s in js_suffixes if base + s in path_set), None)
            else:
                target = by_module.get(name.removeprefix("rel:"))
            if target and target != importer:
                importers[target].add(importer)
    counts = Counter({path: len(users) for path, users in importers.items()})
    return [
        ImportedModule(path=path, importers=count, examples=sorted(importers[path])[:3])
        for path, count in counts.most_common(limit)
        if not path.endswith("/__init__.py") or count > 1
    ]
