"""Resolve each file's imports to files of the same repository, in every common layout.

Python packages under any root (`src/`, `services/`, the top level) with relative imports;
JavaScript and TypeScript relative specifiers (`./x.js` may name `x.ts`); Go packages under the
module path from go.mod; Rust `mod` and `use crate::`/`super::`/`self::`; Java imports by
package; C and C++ includes, quoted or angled, by path suffix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from codestory.analysis.syntax import FileSyntax, ImportRef

_JS_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".d.ts")
_JS_INDEXES = ("/index.ts", "/index.tsx", "/index.js", "/index.mjs")


def normalise(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in {".", ""} and part.strip("/"):  # `/` and `//` are anchors, not names
            parts.append(part)
    return "/".join(parts)


def parent_dir(path: str) -> str:
    parent = str(PurePosixPath(path).parent)
    return "" if parent == "." else parent


def python_roots(paths: Iterable[str]) -> list[str]:
    """Directories that hold top-level Python packages or modules, deepest first."""
    paths = list(paths)
    package_dirs = {parent_dir(p) for p in paths if p.endswith("/__init__.py")}
    roots: set[str] = {""}
    for directory in package_dirs:
        parent = parent_dir(directory)
        if parent not in package_dirs:
            roots.add(parent)
    for path in paths:  # src/ layouts with single-module projects
        if path.startswith("src/") and path.count("/") == 1:
            roots.add("src")
    return sorted(roots, key=len, reverse=True)


def python_module_name(path: str, roots: list[str]) -> str | None:
    pure = PurePosixPath(path)
    for root in roots:
        if root and not path.startswith(root + "/"):
            continue
        relative = pure.relative_to(root) if root else pure
        parts = list(relative.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
    return None


class Resolver:
    """Built once per repository; `resolve(path, ref)` gives the repository files imported."""

    def __init__(self, syntaxes: dict[str, FileSyntax], all_paths: Iterable[str]) -> None:
        self.paths = set(all_paths)
        self.syntaxes = syntaxes
        python = [p for p in syntaxes if p.endswith((".py", ".pyi"))]
        self.py_roots = python_roots(python)
        self.py_modules: dict[str, str] = {}
        for path in sorted(python, key=lambda p: p.endswith(".pyi")):
            name = python_module_name(path, self.py_roots)
            if name:
                self.py_modules.setdefault(name, path)
        self.go_module = ""
        self.go_packages: dict[str, list[str]] = defaultdict(list)
        self.java_classes: dict[str, str] = {}
        self.by_basename: dict[str, list[str]] = defaultdict(list)
        self.rust_modules: dict[tuple[str, str], str] = {}  # (crate dir, a::b) -> file
        for path, syntax in syntaxes.items():
            self.by_basename[PurePosixPath(path).name].append(path)
            if syntax.language == "Go" and not path.endswith("_test.go"):
                self.go_packages[parent_dir(path)].append(path)
            if syntax.language == "Java" and syntax.package:
                self.java_classes[f"{syntax.package}.{PurePosixPath(path).stem}"] = path
            if syntax.language == "Rust":
                crate, module = rust_module_of(path)
                if crate is not None:
                    self.rust_modules[(crate, module)] = path

    def set_go_module(self, module: str | None) -> None:
        self.go_module = module or ""

    def python_module_of(self, path: str) -> str | None:
        return python_module_name(path, self.py_roots)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        language = self.syntaxes[importer].language
        if language == "Python":
            found = self._python(importer, ref)
        elif language in {"JavaScript", "TypeScript"}:
            found = self._javascript(importer, ref.target)
        elif language == "Go":
            found = self._go(ref.target)
        elif language == "Rust":
            found = self._rust(importer, ref)
        elif language == "Java":
            found = self._java(ref.target)
        elif language in {"C", "C++"}:
            found = self._include(importer, ref)
        else:
            found = []
        return [f for f in found if f != importer]

    # -- Python
    def python_targets(self, importer: str, ref: ImportRef) -> list[tuple[str, str | None]]:
        """(file, name imported from it or None) for each repository module `ref` reaches."""
        module = ref.target
        if ref.level:
            own = self.python_module_of(importer) or ""
            package = own.split(".") if own else []
            if not importer.endswith("__init__.py") and package:
                package = package[:-1]
            if ref.level > 1:
                package = package[: len(package) - (ref.level - 1)]
            module = ".".join([*package, ref.target] if ref.target else package)
        found: list[tuple[str, str | None]] = []
        if ref.names:
            for name in ref.names:
                submodule = self.py_modules.get(f"{module}.{name}" if module else name)
                if submodule:
                    found.append((submodule, None))
                elif module in self.py_modules:
                    found.append((self.py_modules[module], name))
            return found
        parts = module.split(".")
        for end in range(len(parts), 0, -1):  # `import a.b.c` reaches the deepest module known
            path = self.py_modules.get(".".join(parts[:end]))
            if path:
                return [(path, None)]
        return []

    def _python(self, importer: str, ref: ImportRef) -> list[str]:
        return list(dict.fromkeys(path for path, _ in self.python_targets(importer, ref)))

    # -- JavaScript / TypeScript
    def _javascript(self, importer: str, target: str) -> list[str]:
        if not target.startswith("."):
            return []
        base = normalise(f"{parent_dir(importer)}/{target}")
        stems = [base]
        for extension in (".js", ".mjs", ".cjs", ".jsx"):
            if base.endswith(extension):  # TypeScript imports name the compiled file
                stems.append(base[: -len(extension)])
        for stem in stems:
            for suffix in (*_JS_SUFFIXES, *_JS_INDEXES):
                if stem + suffix in self.paths:
                    return [stem + suffix]
        return []

    # -- Go
    def _go(self, target: str) -> list[str]:
        if not self.go_module or not (
            target == self.go_module or target.startswith(self.go_module + "/")
        ):
            return []
        directory = target[len(self.go_module) :].strip("/")
        return sorted(self.go_packages.get(directory, []))

    # -- Rust
    def _rust(self, importer: str, ref: ImportRef) -> list[str]:
        crate, module = rust_module_of(importer)
        if crate is None:
            return []
        own = module.split("::") if module else []
        if ref.kind == "mod":
            # `mod x;` inside a.rs declares a::x, whatever file layout holds it.
            return self._rust_lookup(crate, [*own, ref.target])
        parts = ref.target.split("::")
        if parts[0] == "crate":
            path = parts[1:]
        elif parts[0] == "self":
            path = [*own, *parts[1:]]
        elif parts[0] == "super":
            depth = 0
            while depth < len(parts) and parts[depth] == "super":
                depth += 1
            path = [*own[: max(len(own) - depth, 0)], *parts[depth:]]
        else:
            path = (
                [*own, *parts]
                if own and (crate, "::".join([*own, parts[0]])) in (self.rust_modules)
                else []
            )
        return self._rust_lookup(crate, path)

    def _rust_lookup(self, crate: str, path: list[str]) -> list[str]:
        for end in range(len(path), 0, -1):
            found = self.rust_modules.get((crate, "::".join(path[:end])))
            if found:
                return [found]
        return []

    # -- Java
    def _java(self, target: str) -> list[str]:
        name = target
        for _ in range(2):  # static imports name a member of the class
            if name in self.java_classes:
                return [self.java_classes[name]]
            name = name.rpartition(".")[0]
        return []

    # -- C / C++
    def _include(self, importer: str, ref: ImportRef) -> list[str]:
        target = ref.target
        if ref.local:
            beside = normalise(f"{parent_dir(importer)}/{target}")
            if beside in self.paths:
                return [beside]
        candidates = [
            p
            for p in self.by_basename.get(PurePosixPath(target).name, [])
            if p == target or p.endswith("/" + target)
        ]
        if len(candidates) == 1:
            return candidates
        if candidates:  # prefer the copy nearest the includer
            top = importer.split("/", 1)[0]
            near = [p for p in candidates if p.split("/", 1)[0] == top]
            return near[:1] if len(near) == 1 else []
        return []


def rust_module_of(path: str) -> tuple[str | None, str]:
    """(crate source directory, module path) for a file under a crate's `src/`."""
    pure = PurePosixPath(path)
    parts = pure.parts
    if "src" not in parts:
        return None, ""
    index = len(parts) - 1 - parts[::-1].index("src")
    crate = "/".join(parts[: index + 1])
    rest = list(parts[index + 1 :])
    if not rest:
        return None, ""
    if rest[0] == "bin":
        return crate + "/bin", ""
    last = PurePosixPath(rest[-1]).stem
    modules = [*rest[:-1], last]
    if last in {"lib", "main"} and len(modules) == 1:
        modules = []
    elif last == "mod":
        modules = modules[:-1]
    return crate, "::".join(modules)
