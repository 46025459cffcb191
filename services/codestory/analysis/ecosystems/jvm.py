"""Maven and Gradle builds: a program's main class is declared in the build (a jar's
`Main-Class`, the application plugin's `mainClass`)."""

from __future__ import annotations

from codestory.analysis.ecosystems.base import Ecosystem


class Jvm(Ecosystem):
    name = "jvm"
    languages = frozenset({"Java", "Kotlin", "Scala"})
    manifest_ecosystems = frozenset({"Java"})


JVM = Jvm()
