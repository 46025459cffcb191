"""Maven and Gradle builds: a program's main class is declared in the build (a jar's
`Main-Class`, a plugin's `<mainClass>`, the application plugin's `mainClass`). Without one,
a `main` method in a library is a utility's (JUnit's `Version` prints a version), so it is
still a way in to read but does not make the project a program."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from codestory.analysis.ecosystems.base import (
    Ecosystem,
    HostedStart,
    Project,
    SuiteCommand,
    SuiteEvidence,
)
from codestory.analysis.ecosystems.java_imports import JavaImports
from codestory.analysis.file_kind import FileKind
from codestory.analysis.manifests import Manifest
from codestory.analysis.paths import file_name
from codestory.analysis.role_types import Route
from codestory.analysis.syntax import FileSyntax

_BUILDS = frozenset({"pom.xml", "build.gradle", "build.gradle.kts", "MANIFEST.MF"})
_GRADLE_BUILDS = ("build.gradle", "build.gradle.kts")
# Gradle's project version: `version = '1.2'` in the build, or a property it names
# (`version = "$projectVersion"`) that `gradle.properties` sets; `version=1.2` there too.
_GRADLE_VERSION = re.compile(r"^[^\S\n]*version\s*=?\s*['\"]?\$?\{?([\w.+-]+)\}?['\"]?\s*$", re.M)
_PROPERTY = re.compile(r"^[^\S\n]*([\w.]+)\s*[=:]\s*(\S+)\s*$", re.M)
_VERSION = re.compile(r"^\d+(?:\.\d+)+(?:[-.][\w.-]+)?$")
_MAIN_CLASS = re.compile(
    r"<mainClass>\s*[\w.$]+\s*</mainClass>|Main-Class\s*[:=]|mainClass(?:Name)?\s*(?:\.set\()?\s*[=(]",
)

_NAMED_CLASS = re.compile(
    r"<mainClass>\s*([\w.$]+)\s*</mainClass>|Main-Class\s*:\s*([\w.$]+)"
    r"|mainClass(?:Name)?\s*(?:\.set\()?\s*[=(]\s*['\"]([\w.$]+)['\"]"
)

# Spring's `@GetMapping("/x")` and `@RequestMapping(path = "/x")`, JAX-RS's `@Path("/x")`.
_ROUTE = re.compile(
    r"^(Get|Post|Put|Delete|Patch|Request)Mapping\b(?:\(\s*(?:value\s*=\s*|path\s*=\s*)?"
    r"\"([^\"]*)\")?|^Path\(\"([^\"]*)\"\)"
)


def _imports(syntax: FileSyntax, prefix: str) -> bool:
    return any(ref.target.startswith(prefix) for ref in syntax.imports)


def gradle_version(texts: dict[str, str]) -> str | None:
    """The version a top-level Gradle build declares, its properties looked up."""
    properties: dict[str, str] = dict(_PROPERTY.findall(texts.get("gradle.properties", "")))
    build = next((texts[b] for b in _GRADLE_BUILDS if b in texts), "")
    found = _GRADLE_VERSION.search(build)
    value = found.group(1) if found else "version"
    value = properties.get(value, value)
    return value if _VERSION.match(value) else None


def _release_order(version: str) -> tuple[tuple[int, ...], bool]:
    """1.10 after 1.9; a release after its own prereleases (4.0.0-alpha-3, 2.1-SNAPSHOT)."""
    core, _, tag = version.partition("-")
    return tuple(int(n) for n in re.findall(r"\d+", core)), not tag


_PROCESSOR_SERVICE = "META-INF/services/javax.annotation.processing.Processor"
_AUTO_SERVICE_PROCESSOR = re.compile(r"(?:[\w.]+\.)?AutoService\(\s*(?:[\w.]+\.)?Processor\.class")


def _processor_registry(path: str) -> bool:
    """A jar's list of annotation processors, in the main resources (not a test's)."""
    return path.endswith(_PROCESSOR_SERVICE) and "/test/" not in f"/{path}"


def _processor(path: str, name: str, registry: str) -> HostedStart:
    return HostedStart(
        path=path,
        type_name=name,
        method="process",
        host="the Java compiler",
        role="an annotation processor",
        registry=registry,
    )


class Jvm(Ecosystem):
    name = "jvm"
    languages = frozenset({"Java", "Kotlin", "Scala"})
    parameter_name_last = True  # `Type name`
    manifest_ecosystems = frozenset({"Java"})
    # Surefire's default includes (`Test*`, `*Test`, `*Tests`, `*TestCase`); Maven's and
    # Gradle's `src/test` tree.
    test_file_names = r"(?:Test\w+|\w+Tests?|\w+TestCase)\.(?:java|kt)"
    test_roots = frozenset({"src/test"})
    source_roots = frozenset({"src/main"})
    package_roots = frozenset({"java", "kotlin", "scala", "groovy"})

    def import_resolver(self, syntaxes: dict[str, FileSyntax], paths: set[str]) -> JavaImports:
        """Java: an import names a class by its declared package and its file's stem."""
        return JavaImports(syntaxes, self.languages)

    def class_scope(self, syntax: FileSyntax) -> bool:
        """Java: inside a class, a bare call may name a method of the same class."""
        return syntax.language == "Java"  # Kotlin's and Scala's scoping is not modelled

    def package_mates(self, syntax: FileSyntax) -> bool:
        """Java: the classes of one package see each other without an import."""
        return syntax.language == "Java"

    def routes(self, path: str, syntax: FileSyntax) -> list[Route]:
        """Java: a route is an annotation naming a URL path (Spring's mappings, JAX-RS's
        `@Path`); `@RequestMapping` answers any method."""
        routes: list[Route] = []
        for definition in syntax.definitions:
            for annotation in definition.decorators:
                match = _ROUTE.match(annotation)
                if match and (match.group(2) or match.group(3)):
                    verb = match.group(1) or "Request"
                    method = "ANY" if verb == "Request" else verb.upper()
                    url = match.group(2) or match.group(3)
                    routes.append(Route(method, url, definition.name, path, definition.line))
        return routes

    def test_frameworks(self, evidence: SuiteEvidence) -> list[str]:
        """Java: JUnit 5 is `org.junit.jupiter`, JUnit 4 `org.junit`, in the tests' imports;
        a suite that mixes them is written with the one most of its files import (a module
        or two moved to JUnit 5 does not make the suite JUnit 5's)."""
        syntaxes = [s for s in evidence.syntaxes.values() if s.language in self.languages]
        if not syntaxes:
            return []
        jupiter = sum(1 for s in syntaxes if _imports(s, "org.junit.jupiter"))
        junit = sum(1 for s in syntaxes if _imports(s, "org.junit") or _imports(s, "junit."))
        if jupiter and jupiter * 2 >= junit:
            return ["JUnit 5"]
        if junit or evidence.imported.get("org"):
            return ["JUnit"]
        return []

    def test_commands(
        self, manifests: list[Manifest], frameworks: list[str], paths: set[str]
    ) -> list[SuiteCommand]:
        """Maven: `mvn test`; Gradle: `gradle test`; each through the project's wrapper
        (`./mvnw`, `./gradlew`) when it ships one."""
        kinds = {m.kind for m in self.own(manifests)}
        commands: list[SuiteCommand] = []
        if "Maven project" in kinds:  # through the Maven Wrapper when the project ships one
            commands.append(SuiteCommand("./mvnw test" if "mvnw" in paths else "mvn test"))
        if "Gradle build" in kinds:
            commands.append(SuiteCommand("./gradlew test" if "gradlew" in paths else "gradle test"))
        return commands

    def wanted_texts(self, paths: frozenset[str], kinds: dict[str, FileKind]) -> set[str]:
        # A module's jar manifest sits deeper, in `<module>/src/main/resources/META-INF`.
        return (
            {
                p
                for p in paths
                if file_name(p) in _BUILDS
                and (p.count("/") <= 4 or ("META-INF/" in p and p.count("/") <= 7))
            }
            | ({"gradle.properties"} & paths)
            | {p for p in paths if _processor_registry(p)}
        )

    def hosted_starts(self, project: Project) -> list[HostedStart]:
        """Java: the compiler runs the annotation processors a jar registers, by name in
        `META-INF/services/javax.annotation.processing.Processor` or by annotating the class
        `@AutoService(Processor.class)` (which writes that file), and enters each at its
        `process` method."""
        found: list[HostedStart] = []
        by_type = {
            (d.name, p): d
            for p, syntax in project.syntaxes.items()
            if project.kinds.get(p) is FileKind.SOURCE
            for d in syntax.definitions
            if d.kind == "class" and d.parent is None
        }
        for registry in sorted(p for p in project.texts if _processor_registry(p)):
            for line in project.texts[registry].splitlines():
                qualified = line.split("#", 1)[0].strip()
                if not qualified:
                    continue
                name = qualified.rsplit(".", 1)[-1]
                suffix = qualified.replace(".", "/") + ".java"
                path = next((p for n, p in by_type if n == name and p.endswith(suffix)), None)
                if path is not None:
                    found.append(_processor(path, name, registry))
        for (name, path), definition in sorted(by_type.items(), key=lambda i: i[0][1]):
            marked = any(_AUTO_SERVICE_PROCESSOR.match(d) for d in definition.decorators)
            if marked and not any(h.path == path and h.type_name == name for h in found):
                found.append(_processor(path, name, "@AutoService(Processor.class)"))
        return found

    def superseded(self, project: Project) -> set[str]:
        """A tree built by both Maven and Gradle keeps one of them up to date; the other is
        a leftover of a migration, and the older version it declares gives it away. Its
        dependencies, version and commands are no longer the project's."""
        pom = next((m for m in self.manifests(project, root=True) if m.path == "pom.xml"), None)
        gradle = gradle_version(project.texts)
        if pom is None or not pom.version or not _VERSION.match(pom.version) or not gradle:
            return set()
        if _release_order(pom.version) < _release_order(gradle):
            return {"pom.xml"}
        if _release_order(gradle) < _release_order(pom.version):
            return {b for b in _GRADLE_BUILDS if b in project.paths}
        return set()

    def declared_version(self, project: Project) -> str | None:
        """Gradle: `version` in the build or in `gradle.properties`."""
        return gradle_version(project.texts)

    def named_mains(self, project: Project) -> set[str]:
        """Java: `Main-Class: org.x.Main` (a jar manifest), `<mainClass>org.x.Main</mainClass>`
        (Maven's plugins) or `mainClass = 'org.x.Main'` (Gradle) names a class; the class
        lives in `<package path>/<Class>.java` under some source root."""
        named: set[str] = set()
        for path, text in project.texts.items():
            if PurePosixPath(path).name not in _BUILDS:
                continue
            for match in _NAMED_CLASS.finditer(text):
                named_class = next(g for g in match.groups() if g)
                tail = "/" + named_class.split("$")[0].replace(".", "/")
                named |= {
                    p
                    for p in project.syntaxes
                    if p.endswith((tail + ".java", tail + ".kt", tail + ".scala"))
                }
        return named

    def builds_declare_programs(self, project: Project) -> bool | None:
        # A module's own jar manifest names its tool, not what the project as a whole is.
        builds = [
            t for p, t in project.texts.items() if file_name(p) in _BUILDS and p.count("/") <= 4
        ]
        if not builds:
            return None
        return any(_MAIN_CLASS.search(t) for t in builds)


JVM = Jvm()
