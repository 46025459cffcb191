"""An independent fact-checker for stories: every claim is checked against the files.

It shares no code with codestory.analysis. It reads the tree with plain text searches and
its own small manifest readers, then checks each sentence of a script: every backticked
path exists, every name occurs (in the file the sentence places it in), every signature is
the file's own text, every count agrees with the tree, every quote is the authors' words.
A number the checker has no rule for is itself a finding, so new kinds of claim cannot slip
through unchecked.
"""

from __future__ import annotations

import configparser
import json
import posixpath
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

BINARY_SNIFF = 8192
CODE_EXTENSIONS = {"py", "go", "rs", "js", "mjs", "cjs", "ts", "java", "c", "h", "cc", "cpp", "hpp"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BACKTICKED = re.compile(r"`([^`]+)`")
# Where the narrator hands over to the authors' own words (README, docstring, comment).
QUOTE_OPENER = re.compile(
    r"In its own words:|Its authors describe it like this:|In the authors' words:|"
    r"Its comment reads:|Its documentation says:|its comment sums up as:|"
    r"Of `[^`]+`, its authors write:|Its README opens with a notice:|"
    r"`[^`]+`, (?:about )?[\d,]+ lines(?:, (?:imported|included|used) by [\d,]+ other modules?)?:"
)
# A quote runs on to the paragraph's end, unless the narrator speaks again.
NARRATOR_AGAIN = re.compile(
    r"^(Its signature is|`|[\d,]+ other modules import it|Its package, `|Among its methods are|"
    r"Its method `|"
    r"Its most used methods are|Of `)"
)
# How each language declares a name, for "`X`, a class in `P`" claims.
DEFINES = {
    (".py",): r"^\s*(?:async\s+def|def|class)\s+{n}\b|^{n}\s*[:=]",
    (".js", ".mjs", ".cjs", ".ts", ".tsx"): (
        r"(?:function\*?|class|const|let|var|interface|type|enum)\s+{n}\b|\.{n}\s*=[^=]"
        # Class members with their modifiers: `public static async foo(`, `get foo()`.
        r"|^\s*(?:(?:public|private|protected|static|readonly|abstract|override|async|get|set"
        r"|declare|export|default|\*)\s*)*{n}\s*[(:<=?!]|exports\.{n}\b"
    ),
    # A generic type's parameters follow its name at once: `type Set[T any] struct`.
    (".go",): r"^func\s+(?:\([^)]*\)\s*)?{n}\b|^\s*(?:type\s+)?{n}(?:\s+[\w*\[(=]|\[)"
    r"|^\s*{n}\s*=",
    (".rs",): r"\b(?:fn|struct|enum|trait|type|mod|const|static|union|macro_rules!)\s+{n}\b",
    (".java",): (
        r"\b(?:class|interface|enum|record|@interface)\s+{n}\b"
        # A method, its annotations on the same line or not: `@Override public int size(`.
        # Type annotations and bounds in the return type: `<T extends A & B> @Nullable T f(`.
        r"|^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*(?!return\b|new\b)[\w<>\[\],?.\s@&]+\s{n}\s*\("
    ),
    (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh"): (
        r"^\s*(?!return\b|if\b|else\b|while\b|case\b)[\w:<>,*&\s~]*[\w*&>:]\s*\b{n}\s*\("
        r"|^[ \t]*template\s*<[^>\n]*\.\.\.[^>\n]*>[\w:<>,*& \t~]*\b{n}\s*\("  # variadic
        # A macro or attribute among the return type's words: an export macro wrapping it
        # (`LIB_PUBLIC(lib_t *) lib_parse(`), `void printflike(1, 2) log_add(`,
        # `__attribute__((noreturn))`; the name on that line or starting the next.
        r"|^[ \t]*(?:extern\s+\"C\"\s+)?(?:[\w*]+[ \t]+)*?"
        r"(?!(?:return|if|else|while|for|switch|case|sizeof|do)\b)\w+\s*"
        r"\((?:[^()\n]|\([^()\n]*\))*\)(?:[\w \t*&]*?\b|[ \t]*\n){n}\s*\("
        r"|^[ \t]*extern\s+\"C\"\s+[\w \t*&]*?\b{n}\s*\("  # C++'s C linkage
        r"|(?:struct|enum|union|class|typedef|#\s*define|using)\s+[\w\s*]*?\b{n}\b"
        # An attribute between the keyword and the name: `struct __attribute__ ((packed)) h`.
        r"|(?:struct|union|enum|class)\s+(?:__attribute__\s*\(\([^()]*(?:\([^()]*\))?[^()]*\)\)\s*)+{n}\b"
        # A qualifier macro or attribute before a typedef's name: `}} FAR ct_data;`.
        r"|}}\s*(?:[A-Z][A-Z0-9_]*\s+|__attribute__\s*\(\([^;]*?\)\)\s*)?\**\s*{n}\s*;"
        r"|^{n}\s*\("
        r"|typedef\s+[^;{{}}()]*?\b{n}\s*;"  # a template's alias: `typedef Map<K, V> Table;`
        r"|^[\w \t*]*\(\s*{n}\s*\)\s*\("  # a name kept from macros: `int (lib_call) (`
    ),
}
EXTENSIONS = {
    "Python": (".py",),
    "JavaScript": (".js", ".mjs", ".cjs"),
    "TypeScript": (".ts", ".tsx"),
    "Go": (".go",),
    "Rust": (".rs",),
    "Java": (".java",),
    "C": (".c", ".h"),
    "C++": (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".h"),
}
# A Go file built only with the `tools` tag: it pins the developers' tools, built by no
# package.
GO_TOOLS_PIN = re.compile(r"^//(?:go:build| \+build) tools\s*$", re.M)
# Rust's unit tests, inside the file they test.
INLINE_TEST = re.compile(r"#\[(cfg\()?test\b")
NOT_OWN_CODE = re.compile(
    r"(^|/)(tests?|testing|spec|examples?|docs?|doc|benchmarks?|bench|vendor|third_party|"
    r"contrib|ossfuzz|fuzz|scripts|tools?|support|build|profiling|[^/]*fixtures?[^/]*)/"
)
# The go tool skips folders whose names start with `_`: their Go files are no package.
GO_SKIPPED = re.compile(r"(^|/)_[^/]*/.*\.go$")


def _normal(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


BUILD_SUFFIXES = (
    ".sh",
    ".bash",
    ".py",
    ".pl",
    ".rb",
    ".mk",
    ".cmake",
    ".m4",
    ".ps1",
    ".bat",
    ".cmd",
    ".yml",
    ".yaml",
    ".js",
    ".ts",
    ".go",
    ".am",
    ".ac",
    ".in",
    ".spec",
    ".nix",
    ".gradle",
)
BUILD_NAMES = {"Makefile", "CMakeLists.txt", "Dockerfile", "Jenkinsfile", "configure", "BUILD"}


@dataclass
class Tree:
    """A source tree read as plain text."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)  # text files
    paths: set[str] = field(default_factory=set)  # every file, binary ones too
    version: str | None = None  # the release the answer key names, where it names one

    @classmethod
    def read(cls, root: Path) -> Tree:
        tree = cls(root)
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tree.paths.add(path.relative_to(root).as_posix())
                raw = path.read_bytes()
                if b"\0" in raw[:BINARY_SNIFF]:
                    continue
                tree.files[path.relative_to(root).as_posix()] = raw.decode("utf-8", "replace")
        return tree

    @cached_property
    def directories(self) -> set[str]:
        return {"/".join(p.split("/")[:i]) for p in self.paths for i in range(1, p.count("/") + 1)}

    @cached_property
    def word_files(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for path, text in self.files.items():
            for word in set(WORD.findall(text)):
                index.setdefault(word, set()).add(path)
        return index

    @cached_property
    def flat_words(self) -> str:
        """Every file as one lower-case word stream, to find quoted phrases."""
        # Javadoc's inline tags are markup: `{@code Object}` reads "Object"; so are HTML tags
        # in doc comments (`Interface for <a href="...">Edit Distances</a>`).
        return " ".join(
            " ".join(_words(_HTML_TAG.sub(" ", _JAVADOC_INLINE.sub(_inline_words, t))))
            for t in self.files.values()
        )

    def exists(self, path: str) -> bool:
        path = path.rstrip("/")
        return path in self.paths or path in self.directories

    def files_under(self, folder: str) -> list[str]:
        return [p for p in self.paths if p.startswith(folder.rstrip("/") + "/")]

    def line_count(self, path: str) -> int:
        return len(self.files[path].splitlines())

    def mentions(self, word: str) -> set[str]:
        return self.word_files.get(word, set())

    # Manifests, read with the standard library alone.
    def _own_artifacts(self) -> set[str]:
        """The artifacts the tree's own Maven modules build: parts of it, not its dependencies."""
        own = set()
        for path, text in self.files.items():
            if path.endswith("pom.xml"):
                found = re.search(
                    r"</parent>\s*(?:<[^>]+>[^<]*</[^>]+>\s*)*?<artifactId>([^<]+)<", text
                )
                top = re.search(r"<project[^>]*>[\s\S]*?<artifactId>([^<]+)<", text)
                own.update(m.group(1) for m in (found, top) if m)
        return own

    def dependencies(
        self, folder: str = "", keep_own: bool = False
    ) -> tuple[set[str], set[str]] | None:
        """Runtime and development dependency names of the root manifest (or of the
        manifest in `folder`, a module of a larger build)."""
        files = {p[len(folder) :]: t for p, t in self.files.items() if p.startswith(folder)}
        poetry = (
            tomllib.loads(files["pyproject.toml"]).get("tool", {}).get("poetry", {})
            if "pyproject.toml" in files
            else {}
        )
        if poetry.get("dependencies") and "project" not in tomllib.loads(files["pyproject.toml"]):
            # Poetry's own tables: `python` is the interpreter, groups and dev-dependencies
            # are for working on the project.
            # `optional = true` makes a package an extra's, never required to run.
            runtime = {n for n, spec in poetry["dependencies"].items() if n.lower() != "python"
                       and not (isinstance(spec, dict) and spec.get("optional"))}  # fmt: skip
            dev = set(poetry.get("dev-dependencies", {}))
            for group in poetry.get("group", {}).values():
                dev |= set(group.get("dependencies", {}))
            return runtime, dev
        if "setup.cfg" in files and (
            "pyproject.toml" not in files or "project" not in tomllib.loads(files["pyproject.toml"])
        ):
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(files["setup.cfg"])
            required = parser.get("options", "install_requires", fallback="")
            runtime = {_req_name(r) for r in required.splitlines() if r.strip()}
            dev = set()
            if parser.has_section("options.extras_require"):
                for group, raw in parser.items("options.extras_require"):
                    if _DEVELOPMENT_EXTRA.search(group):
                        dev |= {_req_name(r) for r in raw.splitlines() if r.strip()}
            if runtime or dev:
                return runtime, dev
        if "setup.py" in files and (
            "pyproject.toml" not in files or "project" not in tomllib.loads(files["pyproject.toml"])
        ):
            declared = _setup_py(files["setup.py"])
            if declared is not None:
                return declared
        if "pyproject.toml" in files:
            data = tomllib.loads(files["pyproject.toml"])
            runtime = data.get("project", {}).get("dependencies", [])
            # A `dynamic` list is filled in by the build backend: setuptools' from files.
            dynamic = "dependencies" in data.get("project", {}).get("dynamic", [])
            read = data.get("tool", {}).get("setuptools", {}).get("dynamic", {})
            sources = read.get("dependencies", {}).get("file", []) if dynamic else []
            for source in [sources] if isinstance(sources, str) else sources:
                runtime += [ln.split("#")[0].strip() for ln in files.get(source, "").splitlines()
                            if ln.split("#")[0].strip() and not ln.startswith("-")]  # fmt: skip
            # Extras named for development (test, docs, lint) and PEP 735's dependency groups
            # are development packages; other extras are optional features (PEP 621).
            extras = data.get("project", {}).get("optional-dependencies", {})
            dev = [d for group, ds in extras.items() if _DEVELOPMENT_EXTRA.search(group)
                   for d in ds]  # fmt: skip
            dev += [d for ds in data.get("dependency-groups", {}).values() for d in ds
                    if isinstance(d, str)]  # fmt: skip
            # PDM's and uv's own tables of development packages.
            tool = data.get("tool", {})
            dev += [d for ds in tool.get("pdm", {}).get("dev-dependencies", {}).values()
                    for d in ds if isinstance(d, str) and d[:1].isalnum()]  # fmt: skip
            dev += [d for d in tool.get("uv", {}).get("dev-dependencies", []) if isinstance(d, str)]
            # `pkg[tests]` in its own extras installs the project's other extras, no package.
            own = data.get("project", {}).get("name")
            dev_names = {_req_name(r) for r in dev} - {own}
            plain, working = _requirements(
                files, [sources] if isinstance(sources, str) else sources
            )
            if "project" in data and not dynamic:
                working |= plain  # beside a package that says all it needs: an environment
            else:
                runtime += list(plain)  # what an application, or the build, reads it needs
            return {_req_name(r) for r in runtime}, dev_names | working
        if "package.json" in files:
            data = json.loads(files["package.json"])
            return set(data.get("dependencies", {})), set(data.get("devDependencies", {}))
        if "Cargo.toml" in files:
            data = tomllib.loads(files["Cargo.toml"])
            # `optional = true` makes a dependency a feature a user switches on.
            required = {n for n, spec in data.get("dependencies", {}).items()
                        if not (isinstance(spec, dict) and spec.get("optional"))}  # fmt: skip
            # A platform's own development packages (`[target.'cfg(unix)'.dev-dependencies]`).
            dev = set(data.get("dev-dependencies", {}))
            for table in data.get("target", {}).values():
                dev |= set(table.get("dev-dependencies", {}))
            return required, dev
        if "go.mod" in files:
            # `// indirect` marks what the direct dependencies need, not what the code imports;
            # only `require` requires (`replace` and `exclude` name modules too).
            required = _go_required(files["go.mod"])
            # A module only _test.go files import is a test dependency. The go tool skips
            # `testdata`, `_x` and `.x` folders, and a folder with its own go.mod is another
            # module: their files import for themselves. A `tools` file pins development tools.
            nested = [p[: -len("go.mod")] for p in files if p.endswith("/go.mod")]
            code = " ".join(t for p, t in files.items()
                            if p.endswith(".go") and not p.endswith("_test.go")
                            and not re.search(r"(^|/)(testdata|[_.][^/]*)/", p)
                            and not p.startswith(tuple(nested))
                            and not GO_TOOLS_PIN.search(t))  # fmt: skip
            runtime = {r for r in required if f'"{r}' in code}
            return runtime, set(required) - runtime
        gradle = files.get("build.gradle") or files.get("build.gradle.kts")
        if gradle is not None and ("pom.xml" not in files or self._pom_left_behind(files)):
            runtime, dev = set(), set()
            for configuration, artifact in _GRADLE_DEPENDENCY.findall(gradle):
                if configuration != "classpath":  # a buildscript's plugin
                    (dev if _GRADLE_DEV.match(configuration) else runtime).add(artifact)
            return runtime, dev
        if "pom.xml" in files:
            root = ElementTree.fromstring(files["pom.xml"])  # noqa: S314 - a pinned tree
            ns = {"m": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {}
            prefix = "m:" if ns else ""
            runtime, dev = set(), set()
            managed = self._managed_by_parents(folder, root)
            for dep in root.findall(f"{prefix}dependencies/{prefix}dependency", ns):
                artifact = dep.findtext(f"{prefix}artifactId", "", ns)
                # Without a scope of its own, a dependency takes its parents' managed one.
                scope, optional = dep.findtext(f"{prefix}scope", None, ns), None
                if scope is None and dep.find(f"{prefix}optional", ns) is None:
                    scope, optional = managed.get(artifact, (None, None))
                optional = optional or dep.findtext(f"{prefix}optional", "false", ns).strip()
                if optional == "true":
                    continue  # an optional dependency is never required to run
                (dev if scope == "test" else runtime).add(artifact)
            return (runtime if keep_own else runtime - self._own_artifacts()), dev
        return None

    def _managed_by_parents(
        self, folder: str, pom: ElementTree.Element
    ) -> dict[str, tuple[str | None, str | None]]:
        """Maven: the scope and optional flag each artifact gets from the
        `<dependencyManagement>` of the POM's parents in the tree (`<relativePath>`, by
        default `../pom.xml`), the nearest first."""
        managed: dict[str, tuple[str | None, str | None]] = {}
        here, seen = folder, set()
        for _ in range(8):
            ns = {"m": pom.tag[1:].split("}")[0]} if pom.tag.startswith("{") else {}
            prefix = "m:" if ns else ""
            parent = pom.find(f"{prefix}parent", ns)
            if parent is None:
                break
            relative = parent.findtext(f"{prefix}relativePath", "../pom.xml", ns).strip()
            target = relative if relative.endswith(".xml") else f"{relative}/pom.xml"
            path = posixpath.normpath(posixpath.join(here or ".", target))
            if path.startswith("..") or path in seen or path not in self.files:
                break
            seen.add(path)
            pom = ElementTree.fromstring(self.files[path])  # noqa: S314 - a pinned tree
            ns = {"m": pom.tag[1:].split("}")[0]} if pom.tag.startswith("{") else {}
            prefix = "m:" if ns else ""
            listed = f"{prefix}dependencyManagement/{prefix}dependencies/{prefix}dependency"
            for dep in pom.findall(listed, ns):
                artifact = dep.findtext(f"{prefix}artifactId", "", ns)
                scope = dep.findtext(f"{prefix}scope", None, ns)
                optional = dep.findtext(f"{prefix}optional", None, ns)
                managed.setdefault(artifact, (scope, optional and optional.strip()))
            here = posixpath.dirname(path)
        return managed

    def _pom_left_behind(self, files: dict[str, str]) -> bool:
        """Beside a Gradle build, a pom.xml whose version is not the release's (the key's)
        is a leftover of a migration."""
        own = re.sub(r"<parent>.*?</parent>", "", files["pom.xml"], flags=re.S)
        found = re.search(r"<version>([^<]+)</version>", own)
        declared = found.group(1).strip() if found else None
        return self.version is not None and declared is not None and declared != self.version


# Gradle's `testImplementation 'group:artifact:1.0'` and `api("group:artifact")`.
_GRADLE_DEPENDENCY = re.compile(r"^\s*(\w+)\s*\(?\s*['\"][\w.\-]+:([\w.\-]+)", re.M)
_GRADLE_DEV = re.compile(r"test|annotationProcessor|kapt", re.I)


def _go_required(text: str) -> list[str]:
    """The modules go.mod's `require` lines and blocks name, less the `// indirect` ones."""
    found = []
    blocks = re.findall(r"^require\s*\(([^)]*)\)", text, re.M)
    lines = re.findall(r"^require\s+([^(\s].*)$", text, re.M)
    for line in [*lines, *(x for b in blocks for x in b.splitlines())]:
        words = line.split("//")[0].split()
        if len(words) >= 2 and "indirect" not in line.partition("//")[2]:
            found.append(words[0])
    return found


def _setup_py(text: str) -> tuple[set[str], set[str]] | None:
    """setuptools' literal keywords: `install_requires`, and for development `tests_require`
    and the extras named for it. None when nothing is written out literally."""

    def quoted(found: re.Match[str] | None) -> set[str]:
        return (
            {_req_name(q) for q in re.findall(r"['\"]([^'\"]+)['\"]", found.group(1))}
            if found
            else set()
        )

    items = r"\[((?:[^\]'\"]|'[^']*'|\"[^\"]*\")*)\]"  # brackets inside strings allowed
    runtime = quoted(re.search(r"install_requires\s*=\s*" + items, text))
    dev = quoted(re.search(r"tests_require\s*=\s*" + items, text))
    extras = re.search(r"extras_require\s*=\s*\{((?:[^{}'\"]|'[^']*'|\"[^\"]*\")*)\}", text)
    for group, specs in re.findall(
        r"['\"]([\w.-]+)['\"]\s*:\s*" + items, extras.group(1) if extras else ""
    ):
        if _DEVELOPMENT_EXTRA.search(group):
            dev |= {_req_name(q) for q in re.findall(r"['\"]([^'\"]+)['\"]", specs)}
    name = re.search(r"\bname\s*=\s*['\"]([^'\"]+)['\"]", text)
    dev -= {name.group(1)} if name else set()
    return (runtime, dev) if runtime or dev else None


def _requirements(files: dict[str, str], read: list[str]) -> tuple[set[str], set[str]]:
    """The packages of top-level requirements files, as (plain, for development): named for
    development or installing the project itself (`-e .`) is for working on it. Files the
    build `read` for the package's own needs are left out."""
    plain: set[str] = set()
    dev: set[str] = set()
    for path, text in files.items():
        if "/" in path or not re.fullmatch(r"requirements[\w.-]*\.txt", path) or path in read:
            continue
        lines = [ln.split("#")[0].strip() for ln in text.splitlines()]
        installs_itself = any(re.fullmatch(r"(-e\s+)?\.(\[.*\])?", ln) for ln in lines)
        names = {_req_name(ln) for ln in lines if ln and not ln.startswith(("-", "."))}
        named = _DEVELOPMENT_EXTRA.search(path[len("requirements") :])
        (dev if installs_itself or named else plain).update(names)
    return plain, dev


# Extras that are for working on the project, by the names projects give them.
_DEVELOPMENT_EXTRA = re.compile(r"dev|test|lint|doc|typing|check|style|ci|bench", re.I)


_JAVADOC_INLINE = re.compile(r"\{@\w+\s+([^}]*)\}")


def _inline_words(found: re.Match[str]) -> str:
    """`{@code <body>}` reads "body": the element's name, not a tag to strip."""
    return found.group(1).replace("<", " ").replace(">", " ")


_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def _req_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0]


@dataclass
class Finding:
    sentence: str
    problem: str

    def __str__(self) -> str:
        return f"{self.problem}\n    in: {self.sentence}"


def sentences(text: str) -> list[str]:
    """Split prose on sentence ends, never inside backticks."""
    out, current, inside = [], [], False
    for index, char in enumerate(text):
        current.append(char)
        if char == "`":
            inside = not inside
        nxt = text[index + 1 : index + 2]
        if not inside and char in ".!?" and (nxt in {" ", "\n", ""}):
            out.append("".join(current).strip())
            current = []
    if "".join(current).strip():
        out.append("".join(current).strip())
    return [s for s in out if s]


def _split_quote(sentence: str) -> tuple[str, str | None]:
    """The narrator's words and, if any, the quoted authors' words after an opener."""
    match = QUOTE_OPENER.search(sentence)
    if match is None:
        return sentence, None
    return sentence[: match.end()], sentence[match.end() :].strip()


def defines(text: str, path: str, name: str) -> bool:
    """Whether the file declares `name`, read with the language's own keywords."""
    if "~" in name or name.startswith("operator"):
        return name in text
    for suffixes, pattern in DEFINES.items():
        if path.endswith(suffixes):
            return re.search(pattern.format(n=re.escape(name)), text, re.M) is not None
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


# C-family comments, and the literals a comment marker may sit in (a route `"/*"`, a glob
# `"**/*"`): those are kept whole, and so is a quote in a character literal (`'"'`). Raw
# strings are Rust's `r#"..."#`, and Go's and JavaScript's backquoted ones.
_STRINGS = r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\\n])\''
_RAW_STRINGS = {
    ".rs": r'\br(#*)"[\s\S]*?"\1',
    ".go": r"`[^`]*`",
    ".js": r"`[^`]*`",
    ".ts": r"`[^`]*`",
}
_COMMENT = r"(?P<comment>//[^\n]*|/\*[\s\S]*?\*/)"


def _without_comments(text: str, path: str) -> str:
    raw = _RAW_STRINGS.get(path[path.rfind(".") :], "")
    tokens = re.compile("|".join(p for p in (raw, _STRINGS, _COMMENT) if p))
    return tokens.sub(lambda m: " " if m.group("comment") else m.group(0), text)


def _rounds_to(actual: int, said: int, about: bool) -> bool:
    """`about 1,000` is true of 1,037: a spoken number is rounded to its own size."""
    if not about:
        return actual == said
    for limit, step in ((1_000, 10), (10_000, 100), (1_000_000, 1_000)):
        if said < limit:
            return abs(actual - said) <= step // 2
    return abs(actual - said) <= 50_000


def _number(text: str) -> int:
    return int(text.replace(",", ""))


class Checker:
    def __init__(self, tree: Tree, expect: dict[str, object]) -> None:
        self.tree = tree
        self.expect = expect
        if expect.get("version"):
            tree.version = str(expect["version"])
        self.findings: list[Finding] = []
        self.last_path: list[str] = []  # the file the paragraph is about, for "it"

    def fail(self, sentence: str, problem: str) -> None:
        self.findings.append(Finding(sentence, problem))

    # Backticked spans.
    def check_span(self, span: str, sentence: str) -> None:
        tree = self.tree
        if tree.exists(span) or self._is_dependency(span):
            return
        if "/" not in span and span in self._file_names:
            return  # a file's own name, said once its folder is named
        if "*" in span and "/" not in span and " " not in span:
            # A family of file names (`cmd-*.c`): some file must be named so.
            if not any(fnmatch(p.rsplit("/", 1)[-1], span) for p in tree.files):
                self.fail(sentence, f"no file is named like `{span}`")
            return
        if "/" in span and " " not in span and "(" not in span:
            self.fail(sentence, f"`{span}` is not a path in the tree")
            return
        if span in self.allowed_commands() or span in self.container_commands():
            return
        # JavaScript's private members are named with their `#` (`Queue.#flush`).
        if re.fullmatch(r"[\w.:\-~#]+", span):
            parts = [p.lstrip("#") for p in re.split(r"[.:~-]+", span) if p.lstrip("#")]
            missing = [p for p in parts if not tree.mentions(p)]
            dependency = self._is_dependency(span)
            if missing and not dependency:
                self.fail(sentence, f"`{span}`: {missing} occur nowhere in the tree")
            return
        if self._is_dependency(span):
            return
        # A signature or expression: it must be the text of some file, spaces aside.
        self.check_signature(span, sentence)

    def _is_dependency(self, name: str) -> bool:
        declared = self.tree.dependencies()
        if declared is not None and name in declared[0] | declared[1]:
            return True
        # A package the tree builds itself, named by its own manifest (an npm workspace's).
        named = re.compile(rf'"name"\s*:\s*"{re.escape(name)}"')
        return any(
            p.endswith("package.json") and named.search(t) for p, t in self.tree.files.items()
        )

    @cached_property
    def _file_names(self) -> set[str]:
        return {p.rsplit("/", 1)[-1] for p in self.tree.files}

    @cached_property
    def normal_texts(self) -> dict[str, str]:
        """Each file on one line; comments out of C-family code, as a signature leaves them."""
        return {
            p: _normal(t if p.endswith(".py") else _without_comments(t, p))
            for p, t in self.tree.files.items()
        }

    def check_signature(self, span: str, sentence: str) -> None:
        wanted = _normal(span.rstrip("…").strip())
        named = [p for p in BACKTICKED.findall(sentence) if p in self.tree.files]
        places = named or list(self.tree.files)
        # As written, or with comments out where they sat inside it.
        if not any(wanted in self.normal_texts[p] or wanted in self.plain_texts[p] for p in places):
            self.fail(sentence, f"`{span}` is not the text of {named or 'any file'}")

    @cached_property
    def plain_texts(self) -> dict[str, str]:
        return {p: _normal(t) for p, t in self.tree.files.items()}

    def container_commands(self) -> set[str]:
        """What a Dockerfile's CMD or ENTRYPOINT runs; the exec form `["node", "a.js"]` is
        the command `node a.js`."""
        found: set[str] = set()
        for path, text in self.tree.files.items():
            if path.rsplit("/", 1)[-1].startswith("Dockerfile"):
                for raw in re.findall(r"^\s*(?:CMD|ENTRYPOINT)\s+(.+)$", text, re.M | re.I):
                    raw = raw.strip()
                    found.add(
                        " ".join(re.findall(r'"([^"]*)"', raw)) if raw.startswith("[") else raw
                    )
        return found

    def allowed_commands(self) -> set[str]:
        files = self.tree.files
        commands = {"pytest", "tox", "nox", "python -m unittest", "ctest"}
        if "package.json" in files:
            commands |= {"npm test", "node --test"}  # npm's script, Node's own runner
        # Python runs a package's `__main__.py` as `python -m package` (from `src/` when
        # the package sits there).
        for path in files:
            parts = path.split("/")
            if parts[-1] == "__main__.py" and len(parts) > 1:
                package = parts[1:-1] if parts[0] == "src" and len(parts) > 2 else parts[:-1]
                commands.add("python -m " + ".".join(package))
        if "go.mod" in files:
            commands.add("go test ./...")
        if "Cargo.toml" in files:
            commands.add("cargo test")
            if "workspace" in tomllib.loads(files["Cargo.toml"]):
                commands.add("cargo test --workspace")  # every member crate's tests
        if "build.gradle" in files or "build.gradle.kts" in files:
            commands.add("./gradlew test" if "gradlew" in files else "gradle test")
        if "pom.xml" in files:
            commands.add("mvn test")
            if "mvnw" in files:
                commands.add("./mvnw test")
        # Task runners beside or instead of make: a task they declare is theirs to run.
        for taskfile in ("Taskfile.yml", "Taskfile.yaml"):
            for task in re.findall(r"^\s{2}([\w:.-]+):\s*$", files.get(taskfile, ""), re.M):
                commands.add(f"task {task}")
        for justfile in ("justfile", "Justfile", ".justfile"):
            for recipe in re.findall(r"^@?([\w-]+)[^:\n=]*:(?!=)", files.get(justfile, ""), re.M):
                commands.add(f"just {recipe}")
        for target in re.findall(r"^func ([A-Z]\w*)\(", files.get("magefile.go", ""), re.M):
            commands.add(f"mage {target.lower()}")
        # A `configure` script writes the Makefile from `Makefile.in`: its targets are make's.
        configured = ("Makefile.in",) if "configure" in self.tree.paths else ()
        for makefile in ("Makefile", "GNUmakefile", "makefile", "Makefile.am", *configured):
            for target in re.findall(r"^([\w\-]+)\s*:", files.get(makefile, ""), re.M):
                commands.add(f"make {target}")
        # A folder's own Makefile is run there: `make -C regress`.
        for makefile in (p for p in files if re.fullmatch(r"[^/]+/(GNU)?[Mm]akefile", p)):
            commands.add(f"make -C {makefile.split('/')[0]}")
        # Automake's top-level `make check` runs the TESTS of every subdirectory too.
        automake = [t for p, t in files.items() if p.rsplit("/", 1)[-1] == "Makefile.am"]
        if "Makefile.am" in files and any(re.search(r"^TESTS\s*\+?=", t, re.M) for t in automake):
            commands.add("make check")
        return commands

    # Claims about places: "`X`, a class in `P`", "`X` lives in `P`", "`X` in `P`".
    def check_commands(self, sentence: str) -> None:
        """A command named in the story is a word a user could type, and the tree has it."""
        listed = re.search(r"command-line commands?: (.*)", sentence)
        for name in BACKTICKED.findall(listed.group(1)) if listed else []:
            if not re.fullmatch(r"\w[\w:.-]*", name):
                self.fail(sentence, f"`{name}` is not a command anyone could type")
            elif not all(self.tree.mentions(part) for part in re.findall(r"\w+", name)):
                self.fail(sentence, f"the command `{name}` is nowhere in the tree")

    def check_placements(self, sentence: str) -> None:
        for name, path in re.findall(
            r"`([^`]+)`(?:,? (?:is )?an? [\w ]+?| lives)? in `([^`]+)`", sentence
        ):
            if path not in self.tree.files:
                continue
            self._defined(sentence, name, path)
        for name, path in re.findall(r"the \w+ `([^`]+)` in `([^`]+)`", sentence):
            self._defined(sentence, name, path)
        # Names of one kind in one file: "the functions `a`, `b` and `c` in `x.c`".
        for names, path in re.findall(
            r"the \w+s ((?:`[^`]+`(?:, | and ))+`[^`]+`) in `([^`]+)`", sentence
        ):
            for name in BACKTICKED.findall(names):
                self._defined(sentence, name, path)
        defined = re.match(
            r"(?:The header )?`([^`]+)`,? (?:has|about|\d|is short|is long|a header|is a header)"
            r"[^`]*? (?:defines|declares|declaring) (.*)",
            sentence,
        )
        if defined and defined.group(1) in self.tree.files:
            for name in BACKTICKED.findall(defined.group(2)):
                self._defined(sentence, name, defined.group(1))

    def check_made_value(self, sentence: str) -> None:
        """A value a factory makes (`ky`, the value `createInstance` in `index.ts` makes):
        some file binds ky to a call of createInstance and hands ky out by default (the
        factory's own file, or the package's index that imports it)."""
        for value, factory, _path in re.findall(
            r"`([\w$]+)`, the value `([\w$]+)` in `([^`]+)` makes", sentence
        ):
            made = re.compile(
                rf"\b(?:const|let|var)\s+{re.escape(value)}\b[^=;\n]*=\s*"
                rf"(?:await\s+)?{re.escape(factory)}\s*\("
            )
            exported = re.compile(
                rf"^\s*export\s+default\s+{re.escape(value)}\s*;?\s*$"
                rf"|module\.exports\s*=\s*{re.escape(value)}\s*;?\s*$",
                re.MULTILINE,
            )
            if not any(made.search(t) and exported.search(t) for t in self.tree.files.values()):
                self.fail(sentence, f"no file hands out `{value}` made by `{factory}`")

    def _defined(self, sentence: str, name: str, path: str) -> None:
        if path not in self.tree.files:
            return
        last = re.split(r"[.:]+", name)[-1]
        if not defines(self.tree.files[path], path, last):
            self.fail(sentence, f"`{path}` does not define `{name}`")

    # Numbers.
    def check_numbers(self, sentence: str) -> None:
        mask = list(sentence)
        checks = [
            (r"`([^`]+)`(?: has|,| is short,| is long,|, a header of| is a header of) (about )?"
             r"(\d[\d,]*) lines",
             self._lines),
            # C's headers are included, Rust's modules used, the rest imported.
            (r"(about )?(\d[\d,]*) (?:other )?(?:modules|files) (?:import|include|use) it",
             self._importers),
            (r"(?:imported|included|used) by (about )?(\d[\d,]*) other modules?", self._importers),
            (r"`([^`]+)` is imported by (about )?(\d[\d,]*)", self._importers_of),
            (r"package, `([^`]+)`, is imported by (\d[\d,]*) other files?", self._package_users),
            (r"used from (about )?(\d[\d,]*) other files?", self._users),
            (r"(\d[\d,]*) (?:named )?`([^`/ ]*\*[^`/ ]*)`", self._family),
            (r"`([^`]+)`, (\d[\d,]*) test files?", self._folder_test_files),
            (r"`([^`]+)`, (\d[\d,]*) files?", self._folder_files),
            (r"`([^`]+)` (?:has|holds) [\w ]+: (\d[\d,]*) (?:test )?files?", self._folder_files),
            (r"(\d[\d,]*) (?:test )?files? (?:in|across|next to|beside)", self._test_files),
            # The test suite's one folder: its own files, not the whole tree's.
            (r"(\d[\d,]*) files? in `([^`]+)`(?! and)",
             lambda sentence, said, folder: self._folder_test_files(sentence, folder, said)),
            (r"(\d[\d,]*) beside the code", self._test_files),
            (r"plus (\d[\d,]*) test files?", self._test_files_total),
            (r"tests inside (\d[\d,]*) source files?", self._inline_test_files),
            (r"The test suite(?: \([^)]*\))? has (\d[\d,]*) files?", self._test_files_total),
            (r"and (\d[\d,]*) other folders?", self._test_folders),
            (r"workspace (?:adds|of) (\d[\d,]*) packages?", self._workspace_members),
            (r"asked about ([\w ]+), and (\d[\d,]*) files? carr", self._named_files),
            (r"(JUnit \d|C\+\+\d\d|Python \d)", lambda *_: None),
            (r"(\d[\d,]*) in `([^`]+)`", self._in_folder),
            (r"at the top level: (\d[\d,]*) source files?", self._top_level_code),
            (r"(about )?(\d[\d,.]*)( million)? lines of the project's own code", self._own_lines),
            (r"needs (?:just |a long list of )?(\d[\d,]*) dependenc", self._runtime_count),
            (r"adds (\d[\d,]*) more packages?", self._dev_count),
            (r"(?:only|lists) (\d[\d,]*) packages? for development", self._dev_count),
            (r"development it takes (\d[\d,]*) packages?", self._dev_count),
            (r"version ([\d][\w.\-]*)", self._version),
            (r"release in its changelog is ([\d][\w.\-]*), dated (\d{4}-\d\d-\d\d)", self._release),
            (r"release in its changelog is ([\d][\w.\-]*?)\.?$", self._undated_release),
            (r"(\d[\d,]*) (?:examples?|files of|source files?|command-line|HTTP|data models?|"
             r"background|configuration|generated|vendored|minified|commands?:|routes?\b)",
             self._roleish),
        ]  # fmt: skip
        for pattern, check in checks:
            for match in re.finditer(pattern, sentence):
                check(sentence, *match.groups())
                mask[match.start() : match.end()] = " " * (match.end() - match.start())
        left = re.findall(r"(?<![\w.])\d[\d,.]*", BACKTICKED.sub("", "".join(mask)))
        if left:
            self.fail(sentence, f"numbers {left} are claims the checker has no rule for")

    def _lines(self, sentence: str, path: str, about: str | None, said: str) -> None:
        if path in self.tree.files and not _rounds_to(
            self.tree.line_count(path), _number(said), bool(about)
        ):
            self.fail(sentence, f"`{path}` has {self.tree.line_count(path)} lines, not {said}")

    def _stem_mentions(self, sentence: str) -> tuple[str, int] | None:
        paths = [p for p in BACKTICKED.findall(sentence) if p in self.tree.files]
        paths = paths or self.last_path
        if not paths:
            return None
        path = paths[0]
        base = path.rsplit("/", 1)[-1]
        stem = base.split(".")[0]
        if stem in {"mod", "index", "__init__", "lib"}:
            stem = path.rsplit("/", 2)[-2] if "/" in path else stem
        if WORD.fullmatch(stem):
            return path, len(self.tree.mentions(stem) - {path})
        return path, sum(1 for p, t in self.tree.files.items() if p != path and stem in t)

    def _importers(self, sentence: str, about: str | None, said: str) -> None:
        found = self._stem_mentions(sentence)
        if found and found[1] < _number(said):
            self.fail(sentence, f"only {found[1]} files mention `{found[0]}`, not {said}")

    def _importers_of(self, sentence: str, path: str, about: str | None, said: str) -> None:
        self._importers(sentence, about, said)

    def _package_users(self, sentence: str, folder: str, said: str) -> None:
        """Go imports a folder and names it by its last part: `syntax.Parse`."""
        folder = folder.rstrip("/")
        name = folder.rsplit("/", 1)[-1]

        def outside(path: str) -> bool:  # a subpackage importing its parent is another file
            return path.rpartition("/")[0] != folder

        users = {p for p in self.tree.mentions(name) if outside(p)}
        # An import path ending in the folder is evidence too, where the folder's name is
        # not the word the code uses (`go-yaml`, a `v2` directory).
        suffix = f'/{folder}"'
        users |= {
            p
            for p, text in self.tree.files.items()
            if p.endswith(".go") and outside(p) and suffix in text
        }
        if len(users) < _number(said):
            self.fail(sentence, f"only {len(users)} files outside `{folder}` name it, not {said}")

    def _users(self, sentence: str, about: str | None, said: str) -> None:
        names = BACKTICKED.findall(sentence)
        paths = [n for n in names if n in self.tree.files]
        symbols = [n for n in names if n not in self.tree.files]
        if not symbols:
            return
        symbol = re.split(r"[.:~]+", symbols[0])[-1]
        users = self.tree.mentions(symbol) - set(paths)
        if len(users) < _number(said):
            self.fail(sentence, f"only {len(users)} other files mention `{symbol}`, not {said}")

    def _folder_files(self, sentence: str, folder: str, said: str) -> None:
        if folder in self.tree.directories and len(self.tree.files_under(folder)) < _number(said):
            self.fail(sentence, f"`{folder}` holds {len(self.tree.files_under(folder))} files")

    def _top_level_code(self, sentence: str, said: str) -> None:
        """Code files next to the README, not counting tests and files it may read as
        something else (generated code, build scripts): at most that many, at least half."""
        code = [
            p
            for p in self.tree.files
            if "/" not in p
            and p.rsplit(".", 1)[-1] in CODE_EXTENSIONS
            and p not in self.test_like()
        ]
        if not len(code) / 2 <= _number(said) <= len(code):
            self.fail(sentence, f"the top level holds {len(code)} code files, not {said}")

    def _family(self, sentence: str, said: str, pattern: str) -> None:
        """`63 named `cmd-*.c`` in the folder the sentence names (the top level if none)."""
        folders = [s for s in BACKTICKED.findall(sentence) if s in self.tree.directories]
        folder = folders[0] if folders else ""
        prefix = f"{folder}/" if folder else ""
        named = [
            p
            for p in self.tree.files
            if p.startswith(prefix) and "/" not in p[len(prefix) :]
            and fnmatch(p[len(prefix) :], pattern)
        ]  # fmt: skip
        if len(named) < _number(said):
            where = f"`{folder}`" if folder else "the top level"
            self.fail(sentence, f"{where} has {len(named)} files named `{pattern}`, not {said}")

    def _in_folder(self, sentence: str, said: str, folder: str) -> None:
        self._folder_files(sentence, folder, said)

    @cached_property
    def _test_like(self) -> list[str]:
        return [
            p
            for p in self.tree.files
            if re.search(r"(^|/)(tests?|testing|__tests__|spec|fuzz|ossfuzz|regress)/", p)
            or re.search(r"(^|/)[\w-]+[._-](tests?|testing)/", p)  # `manual.test/`, `unit-tests/`
            or re.search(r"(^|/)t/[^/]+\.t$", p)  # TAP scripts, run by `prove`
            or re.search(r"(^|/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.\w+)$", p)
            or re.search(r"(^|/)tests?\.(c|cc|cpp)$", p)  # a C project's one test program
            or INLINE_TEST.search(self.tree.files[p])
        ]

    def test_like(self) -> list[str]:
        return self._test_like

    def _test_folders(self, sentence: str, said: str) -> None:
        folders = {d for d in self.tree.directories if re.search(r"(^|/)(tests?|spec)$", d)}
        if len(folders) < _number(said) + 1:
            self.fail(sentence, f"the tree has {len(folders)} test folders")

    def _named_files(self, sentence: str, word: str, said: str) -> None:
        token = word.lower().strip()
        forms = {token, token.rstrip("s"), token + "s"}
        named = [p for p in self.tree.paths if forms & set(re.split(r"[/._-]", p.lower()))]
        if len(named) < _number(said):
            self.fail(sentence, f"{len(named)} paths carry {word!r}, not {said}")

    def _folder_test_files(self, sentence: str, folder: str, said: str) -> None:
        inside = [p for p in self.test_like() if p.startswith(folder.rstrip("/") + "/")]
        if len(inside) < _number(said):
            self.fail(sentence, f"`{folder}` holds {len(inside)} test files, not {said}")

    def _workspace_members(self, sentence: str, said: str) -> None:
        """Cargo's `[workspace] members` (globs of crate folders), npm's `workspaces` or
        pnpm's `packages` in pnpm-workspace.yaml (where `!glob` leaves folders out)."""
        files = self.tree.files
        patterns: list[str] = []
        if "Cargo.toml" in files:
            patterns = tomllib.loads(files["Cargo.toml"]).get("workspace", {}).get("members", [])
        elif "package.json" in files:
            declared = json.loads(files["package.json"]).get("workspaces", [])
            patterns = declared.get("packages", []) if isinstance(declared, dict) else declared
            listed = re.search(
                r"^packages:\s*\n((?:[ \t-].*\n?|\s*\n)*)",
                files.get("pnpm-workspace.yaml", ""),
                re.M,
            )
            if listed:
                patterns = patterns + re.findall(r"^\s*-\s*['\"]?([^'\"#\s]+)", listed[1], re.M)
        folders = {
            p.rpartition("/")[0] for p in files if p.endswith(("/Cargo.toml", "/package.json"))
        }
        kept = [p.removeprefix("./").rstrip("/") for p in patterns if not p.startswith("!")]
        left = [p[1:].removeprefix("./").rstrip("/") for p in patterns if p.startswith("!")]
        members = {
            f
            for f in folders
            if any(fnmatch(f, p) for p in kept) and not any(fnmatch(f, p) for p in left)
        }
        if len(members) != _number(said):
            self.fail(sentence, f"the workspace joins {len(members)} packages, not {said}")

    def _inline_test_files(self, sentence: str, said: str) -> None:
        """Rust's unit tests live in the file they test, in `#[cfg(test)]` or `#[test]`."""
        inline = [p for p, t in self.tree.files.items() if INLINE_TEST.search(t)]
        if len(inline) < _number(said):
            self.fail(sentence, f"{len(inline)} source files carry their own tests, not {said}")

    def _test_files(self, sentence: str, said: str) -> None:
        self._test_files_total(sentence, said)

    def _test_files_total(self, sentence: str, said: str) -> None:
        if len(self.test_like()) < _number(said):
            self.fail(sentence, f"the tree has {len(self.test_like())} test files, not {said}")

    def _own_lines(self, sentence: str, about: str | None, said: str, million: str | None) -> None:
        language = str(self.expect["language"])
        # A header-only library's `single_include/` is its `include/` amalgamated by a script.
        amalgamated = "include" in self.tree.directories
        # "mostly JavaScript, with TypeScript beside it: about 590 lines" counts them all.
        beside = re.search(r"with ([\w+ ,]+?) beside it", sentence)
        languages = [language] + [
            n for n in re.split(r", | and ", beside.group(1) if beside else "") if n in EXTENSIONS
        ]
        suffixes = tuple(s for n in languages for s in EXTENSIONS[n])
        total = sum(
            len(text.splitlines())
            for path, text in self.tree.files.items()
            if path.endswith(suffixes)
            and not NOT_OWN_CODE.search("/" + path)
            and not GO_SKIPPED.search(path)
            and not (amalgamated and path.startswith("single_include/"))
            # Tests beside the code, by the names their runners collect (Jest's `.spec.ts`).
            and not re.search(r"(^|/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.\w+)$", path)
        )
        claimed = float(said.replace(",", "")) * (1_000_000 if million else 1)
        if not 0.6 * total <= claimed <= 1.6 * total:
            told = " and ".join(languages)
            self.fail(sentence, f"the tree has about {total} lines of {told}, not {said}")

    def _runtime_count(self, sentence: str, said: str) -> None:
        # "`core/pom.xml`, the module with most of the code, needs ...": that manifest.
        module = re.search(r"`([^`]*/)[^`/]+`, the module with most of the code", sentence)
        folder = module.group(1) if module else ""
        declared = self.tree.dependencies(folder)
        # Counted with the build's own modules, when the sentence names them as its own.
        with_own = (
            self.tree.dependencies(folder, keep_own=True) if "of its own" in sentence else None
        )
        counts = {len(d[0]) for d in (declared, with_own) if d is not None}
        if counts and _number(said) not in counts:
            self.fail(sentence, f"the manifest declares {min(counts)} dependencies")

    def _dev_count(self, sentence: str, said: str) -> None:
        declared = self.tree.dependencies()
        if declared is not None and len(declared[1] - declared[0]) != _number(said):
            self.fail(sentence, f"the manifest declares {len(declared[1])} development packages")

    def _version(self, sentence: str, said: str) -> None:
        said = said.rstrip(".")
        expected = str(self.expect.get("version"))
        if said != expected and said.removesuffix(".0") != expected.removesuffix(".0"):
            self.fail(sentence, f"the release is {self.expect.get('version')}, not {said}")

    def _release(self, sentence: str, version: str, date: str) -> None:
        """A changelog's latest release is checked against the changelogs, not the key."""
        logs = [t for p, t in self.tree.files.items() if re.search(r"(?i)change|history|news", p)]
        near = rf"{re.escape(version)}[\s\S]{{0,200}}?{date}"
        if not any(re.search(near, t) for t in logs):
            self.fail(sentence, f"no changelog gives {version} the date {date}")

    def _undated_release(self, sentence: str, version: str) -> None:
        logs = [t for p, t in self.tree.files.items() if re.search(r"(?i)change|history|news", p)]
        if not any(re.search(rf"(?<![\w.])[vV]?{re.escape(version)}(?![\w])", t) for t in logs):
            self.fail(sentence, f"no changelog names release {version}")

    def _roleish(self, sentence: str, said: str) -> None:
        # Counts of examples or roles are bounded by the files that could hold them.
        if _number(said) > len(self.tree.files):
            self.fail(sentence, f"{said} is more than the tree's {len(self.tree.files)} files")

    # Quotes.
    def check_quote(self, sentence: str, quote: str) -> None:
        words = _words(BACKTICKED.sub(" ", quote))
        if len(words) < 3:
            return
        runs = {" ".join(words[i : i + 3]) for i in range(min(len(words) - 2, 6))}
        if not any(run in self.tree.flat_words for run in runs):
            self.fail(sentence, f"the quote is not the authors' words: {' '.join(words[:8])!r}")

    # The whole story.
    def check_script(self, chapters: list[tuple[str, str]]) -> list[Finding]:
        for _title, text in chapters:
            for paragraph in text.split("\n\n"):
                quoting = False
                self.last_path = []
                for sentence in sentences(paragraph):
                    named = [p for p in BACKTICKED.findall(sentence) if p in self.tree.files]
                    self.last_path = named[:1] or self.last_path
                    if quoting and not NARRATOR_AGAIN.match(sentence):
                        self.check_quote(sentence, sentence)
                        continue
                    said, quote = _split_quote(sentence)
                    quoting = quote is not None
                    for span in BACKTICKED.findall(said):
                        self.check_span(span, sentence)
                    self.check_placements(said)
                    self.check_made_value(said)
                    self.check_commands(said)
                    self.check_numbers(said)
                    if quote:
                        self.check_quote(sentence, quote)
        self.check_claims(chapters)
        return self.findings

    def check_tooling(self, folder: str) -> None:
        """A folder called build and helper tooling holds at least one script or build file."""
        for path in self.tree.files_under(folder):
            name = path.rsplit("/", 1)[-1]
            if path.endswith(BUILD_SUFFIXES) or name in BUILD_NAMES:
                return
            if self.tree.files.get(path, "").startswith("#!"):
                return
        self.fail(
            f"`{folder}`", "called build and helper tooling, but holds no script or build file"
        )

    def check_claims(self, chapters: list[tuple[str, str]]) -> None:
        whole = "\n".join(text for _, text in chapters)
        expect = self.expect
        if f"written in {expect['language']}" not in whole and f"mostly {expect['language']}" \
                not in whole:  # fmt: skip
            self.fail("(whole story)", f"the story never says it is {expect['language']}")
        no_tests = re.search(r"No (automated )?tests? (files )?(were|was) found", whole)
        if expect.get("tests") and no_tests:
            self.fail(no_tests.group(0), "the tree has tests")
        if expect.get("tests") and "test" not in whole.lower():
            self.fail("(whole story)", "the tree has tests and the story never says where")
        if not expect.get("tests") and re.search(r"The test suite has", whole):
            self.fail("(whole story)", "the story describes tests the tree does not have")
        suite = re.search(r"The test suite(?: \([^)]*\))? has ([^.]*)\.", whole)
        least = int(expect.get("min_test_files", 0))  # type: ignore[call-overload]
        if suite and least:
            # Files in test folders, and source files carrying their own tests (Rust's).
            claimed = re.findall(r"(\d[\d,]*) (?:test |source )?files?", suite.group(1))
            if sum(_number(n) for n in claimed) < least:
                self.fail(suite.group(0), f"the tree runs at least {least} test files")
        for folder in re.findall(
            r"build and helper tooling (?:sits? )?in `([^`]+)`|`([^`]+)` has build and helper",
            whole,
        ):
            self.check_tooling(next(f for f in folder if f))
        run = re.search(r"Run (?:it|them) with `([^`]+)`", whole)
        commands = list(expect.get("test_commands", []))  # type: ignore[call-overload]
        if commands and (run is None or run.group(1) not in commands):
            said = run.group(1) if run else "nothing"
            self.fail("(whole story)", f"tests are run with {commands}, the story says {said}")
        if expect.get("library"):
            if "entry point is" in whole:
                self.fail("(whole story)", "a library is given an entry point")
        else:
            entries = list(expect.get("entry", []))  # type: ignore[call-overload]
            if not any(f"`{e}`" in whole for e in entries):
                self.fail("(whole story)", f"the real entry point {entries} is never named")
