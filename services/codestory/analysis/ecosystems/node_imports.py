"""Node's module resolution for relative specifiers: `./x` names `x.ts`, `x.js`, ... or a
folder's `index` file, and TypeScript's `./x.js` names the `x.ts` it is compiled from (in
its output folder, `./dist/x.js`, the `src/x.ts`).
Bare specifiers name packages from node_modules, never the repository's own files."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.entry_point import source_of_build
from codestory.analysis.paths import normalise, parent_dir
from codestory.analysis.syntax import ImportRef

_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".d.ts")
_INDEXES = ("/index.ts", "/index.tsx", "/index.js", "/index.mjs")
_COMPILED = (".js", ".mjs", ".cjs", ".jsx")


class NodeImports(ImportResolver):
    def __init__(self, paths: set[str]) -> None:
        self.paths = paths

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        target = ref.target
        if not target.startswith("."):
            return []
        base = normalise(f"{parent_dir(importer)}/{target}")
        stems = [base]
        for extension in _COMPILED:
            if base.endswith(extension):  # TypeScript imports name the compiled file
                stems.append(base[: -len(extension)])
        for stem in stems:
            for suffix in (*_SUFFIXES, *_INDEXES):
                if stem + suffix in self.paths:
                    return [stem + suffix]
        # TypeScript's output folder is not in a checkout: `./build/lib/x.js` is `lib/x.ts`.
        source = source_of_build(base, self.paths)
        return [source] if source else []
