"""C and C++ includes: `#include "x.h"` is first looked for beside the including file;
otherwise (and for `<x.h>`) the include names the one header whose path ends in it, or,
among several copies, the one in the includer's own top-level folder."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import ImportResolver
from codestory.analysis.paths import file_name, normalise, parent_dir
from codestory.analysis.syntax import FileSyntax, ImportRef


class CIncludes(ImportResolver):
    def __init__(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> None:
        self.paths = paths
        # Every parsed file by its name: headers are found by the end of their path.
        self.by_basename: dict[str, list[str]] = defaultdict(list)
        for path in syntaxes:
            self.by_basename[file_name(path)].append(path)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
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
