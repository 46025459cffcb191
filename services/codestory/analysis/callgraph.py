"""Who calls whom: calls resolved to the repository's own definitions, conservatively.

A call is linked only when the name is bound for certain: defined in the same file or
package, imported by name from a repository module, a method on `self`/`this` of the same
class, or `module.name` through an imported repository module. Anything else stays unlinked,
so a control path told from this graph is always one the code really contains.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from codestory.analysis.ecosystems import Ecosystem, of_language
from codestory.analysis.ecosystems.base import Binding, ImportResolver
from codestory.analysis.parameters import parameter_names
from codestory.analysis.resolve import Resolver, parent_dir
from codestory.analysis.return_type import return_type
from codestory.analysis.syntax import (
    ADDRESS,
    HANDED_ON,
    INSIDE,
    VARIANT,
    Call,
    Definition,
    FileSyntax,
    ImportRef,
)

_SELF = frozenset({"self", "this", "cls", "Self"})
_CONTAINER_KINDS = frozenset({"class", "struct", "interface", "trait", "enum", "annotation"})
_TYPE_KINDS = _CONTAINER_KINDS | {"type"}
_CALLABLE_KINDS = frozenset({"function", "method"})
# A type named as an error in any language: Python's and Java's exceptions, Go's and
# Rust's error structs, Throwable.
_ERROR_NAME = re.compile(r"(?:Error|Exception|Exc|Err|Throwable)$")
ERROR_BASE_DEPTH = 6
INHERITANCE_DEPTH = 4  # base classes deep: a hierarchy's chain is short
_GO_TYPE_KINDS = frozenset({"type", "struct", "interface"})
# A type written with its package's name, `*buffered.Writer`: the package and the type.
_QUALIFIED_TYPE = re.compile(r"(\w+)\.(\w+)$")
_R = TypeVar("_R", bound=ImportResolver)
# The keys of the symbols a file uses, its calls to the project's names, those followed.
FileUses = tuple[tuple[str, ...], int, int]


@dataclass(frozen=True)
class Symbol:
    path: str
    definition: Definition

    @property
    def key(self) -> str:
        return f"{self.path}::{self.definition.qualified_name}"


# A call's receiver made in the same expression: `new T(...)` or `T(...)`, one line.
_RUST_MADE_BY_TYPE = re.compile(r"([A-Z]\w*)::[a-z_]\w*\s*\((?:[^()\n]|\([^()\n]*\))*\)")
_MADE_IN_PLACE = re.compile(
    r"(?:new\s+)?([A-Za-z_][\w.]*)\s*(?:<[^()]*>)?\s*\((?:[^()\n]|\([^()\n]*\))*\)"
)


class CallGraph:
    def __init__(self, syntaxes: dict[str, FileSyntax], resolver: Resolver) -> None:
        self.syntaxes = syntaxes
        self.resolver = resolver
        self.top: dict[str, dict[str, Definition]] = {}
        self.members: dict[str, dict[tuple[str, str], Definition]] = {}
        # Overloads (Java's and C++'s same-named methods with other parameters) share one
        # name, so one symbol: its calls are those of every overload, the way a reader
        # follows `generate(args)` into `generate(file)`.
        self.overloads: dict[str, list[Definition]] = {}
        for path, syntax in syntaxes.items():
            named: dict[str, list[Definition]] = defaultdict(list)
            for d in syntax.definitions:
                named[d.qualified_name].append(d)
            self.overloads.update(
                (f"{path}::{name}", same) for name, same in named.items() if len(same) > 1
            )
            self.top[path] = {d.name: d for d in syntax.definitions if d.parent is None}
            self.members[path] = {
                (d.parent, d.name): d for d in syntax.definitions if d.parent is not None
            }
        self.go_package_defs: dict[str, dict[str, tuple[str, Definition]]] = defaultdict(dict)
        for directory, files in resolver.go_packages.items():
            for path in files:
                for name, definition in self.top.get(path, {}).items():
                    self.go_package_defs[directory].setdefault(name, (path, definition))
        self._callees: dict[str, list[Symbol]] = {}  # paths and reaches ask again and again
        self._type_index: dict[str, list[Symbol]] | None = None
        self._asking: set[tuple[str, int, str]] = set()  # variables whose type is being found
        # What each function's variables hold, by (file, id of the function, variable).
        self._types_of: dict[tuple[str, int, str], Symbol | None] = {}
        self._held_maps: dict[int, dict[str, str]] = {}
        self._parameters: dict[int, frozenset[str]] = {}  # by id of the function
        self._module_maps: dict[str, dict[str, str]] = {}
        self._named_types: dict[tuple[str, str], Symbol | None] = {}
        self.resolution = 1.0  # measured by references()
        self.file_uses: dict[str, FileUses] = {}  # what references() found each file uses
        # (caller, callee) where the caller hands the callee on rather than calling it.
        self.handed: set[tuple[str, str]] = set()
        # (caller, callee) -> the overload of the caller that makes the call, where it is not
        # the definition the caller's key names (Java's `toJson(Object)` and the
        # `toJson(Object, Type, Appendable)` that calls on): a step is shown as that one.
        self.overload_calling: dict[tuple[str, str], Definition] = {}
        self._member_index: dict[tuple[str, str], list[Symbol]] | None = None
        self._bodies: dict[str, list[Symbol]] | None = None  # C/C++ definitions with a body
        self._heirs: dict[str, list[Symbol]] | None = None  # type key -> types built on it
        self._bases: dict[str, list[Symbol]] = {}  # type key -> the types it is built on
        self.imported_names: dict[str, dict[str, Binding]] = {}
        for path in syntaxes:
            self.imported_names[path] = self._bindings(path)
        # The types of each declared package, for languages whose package-mates see each
        # other without an import.
        self.java_package_types: dict[str, dict[str, str]] = defaultdict(dict)
        for qualified, target in resolver.java_classes.items():
            package, _, name = qualified.rpartition(".")
            if name in self.top.get(target, {}):
                self.java_package_types[package][name] = target
        self.c_definitions: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        for path, syntax in syntaxes.items():
            if of_language(syntax.language).global_functions(syntax):
                for definition in syntax.definitions:
                    if definition.kind == "function" and definition.lines > 1:
                        self.c_definitions[definition.name].append((path, definition))

    def _bindings(self, path: str) -> dict[str, Binding]:
        """Local name -> (file, name in that file, or None when the name is the module), by
        the convention of the file's language."""
        syntax = self.syntaxes[path]
        model = of_language(syntax.language)
        bound: dict[str, Binding] = {}
        for ref in syntax.imports:
            model.bind_import(path, ref, self, bound)
        return bound

    # What an ecosystem's import convention binds names from (`ImportScope`).
    def imported_files(self, importer: str, ref: ImportRef) -> list[str]:
        return self.resolver.resolve(importer, ref)

    def index(self, kind: type[_R]) -> _R:
        return self.resolver.index(kind)

    def defines(self, path: str, name: str) -> bool:
        return name in self.top.get(path, {})

    def defined(self, path: str, name: str, hops: int = 2) -> Symbol | None:
        """`name` as `path` offers it: its own definition, or one it re-exports by import
        (a package's `__init__.py` saying `from .app import Flask`), followed `hops` deep."""
        own = self.top.get(path, {}).get(name)
        if own is not None:
            return Symbol(path, own)
        binding = self.imported_names.get(path, {}).get(name)
        if hops and binding and binding[1] and binding[0] != path:
            return self.defined(binding[0], binding[1], hops - 1)
        return None

    def resolve_call(self, path: str, caller: Definition | None, call: Call) -> Symbol | None:
        syntax = self.syntaxes[path]
        return self._resolve_call(path, syntax, of_language(syntax.language), caller, call)

    def _resolve_call(
        self,
        path: str,
        syntax: FileSyntax,
        model: Ecosystem,
        caller: Definition | None,
        call: Call,
    ) -> Symbol | None:
        """`resolve_call` with the file's syntax and ecosystem found once per file."""
        name, qualifier = call.name, call.qualifier
        if qualifier in HANDED_ON:  # call.passed, without a property's call
            return self._handed_on(path, caller, call)
        if qualifier is None:
            if self._a_parameter(path, caller, name):
                return None  # `callback()` with a parameter `callback`: whatever it holds
            local = self.top[path].get(name)
            if local is not None and local is not caller:
                return Symbol(path, local)
            if model.package_scope(syntax):
                found = self.go_package_defs.get(parent_dir(path), {}).get(name)
                if found and found[1] is not caller:
                    return Symbol(*found)
            if caller is not None and caller.parent and model.class_scope(syntax):
                member = self.members[path].get((caller.parent, name))
                if member is not None and member is not caller:
                    return Symbol(path, member)
                inherited = self._inherited_by_name(path, caller.parent, name)
                if inherited is not None:
                    return inherited
            binding = self.imported_names[path].get(name)
            if binding and binding[1]:
                found_symbol = self.defined(binding[0], binding[1])
                if found_symbol is not None:
                    return found_symbol
            if model.global_functions(syntax):
                candidates = self.c_definitions.get(name, [])
                if len(candidates) == 1:
                    return Symbol(*candidates[0])
            return None
        own_receiver = caller is not None and qualifier == caller.receiver
        if (qualifier in _SELF or own_receiver) and caller is not None and caller.parent:
            member = self.members[path].get((caller.parent, name))
            if member is not None:
                return Symbol(path, member)
            return self._inherited_by_name(path, caller.parent, name)
        own_type = self.top[path].get(qualifier)
        if own_type is not None and own_type.kind in _CONTAINER_KINDS:
            member = self.members[path].get((qualifier, name))
            return Symbol(path, member) if member is not None else None
        stated = self._held(caller).get(qualifier) if caller is not None else None
        if stated is not None and stated.startswith(VARIANT) and "|" in stated:
            return self._every_variant(path, caller, stated[len(VARIANT) :].split("|"), name)
        if stated is not None:
            # A parameter or local hides an import of its name: Rust's `Cmd::Add(cmd) =>
            # cmd.run()` beside `mod cmd;` calls the command, not the module.
            local_type = self._type_of(path, caller, qualifier)
            if local_type is not None:
                return self._member(local_type, name)
        binding = self.imported_names[path].get(qualifier)
        if binding is None and model.package_mates(syntax) and syntax.package:
            sibling = self.java_package_types[syntax.package].get(qualifier)
            binding = (sibling, qualifier) if sibling and sibling != path else None
        if binding and binding[1] is not None:  # `Type.method` on an imported type
            member = self.members.get(binding[0], {}).get((binding[1], name))
            return Symbol(binding[0], member) if member is not None else None
        if binding and binding[1] is None:
            target_path = binding[0]
            if model.package_scope(syntax):
                found = self.go_package_defs.get(parent_dir(target_path), {}).get(name)
                return Symbol(*found) if found else None
            return self.defined(target_path, name)
        # `parser.parse()` where the code says what `parser` is
        held = self._type_of(path, caller, qualifier)
        if held is not None:
            return self._member(held, name)
        # `cmd::cat::run(argv)`: a module named by its path from where the call is written.
        module_file = model.path_module(path, qualifier, self)
        return self.defined(module_file, name) if module_file is not None else None

    def _handed_on(self, path: str, caller: Definition | None, call: Call) -> Symbol | None:
        """A function given as a value (a callback, a handler, a table entry): bound for
        certain by the file or its imports; C's global names only when written `&name`."""
        if self._a_parameter(path, caller, call.name):
            return None  # `compile(format)` hands on its argument, not the function `format`
        found: Symbol | None = None
        local = self.top[path].get(call.name)
        syntax = self.syntaxes[path]
        member = (
            self.members[path].get((caller.parent, call.name))
            if caller is not None and caller.parent
            else None
        )
        if local is not None and local is not caller:
            found = Symbol(path, local)
        elif (
            caller is not None
            and member is not None
            and member is not caller
            and of_language(syntax.language).handed_member(caller, member)
        ):
            found = Symbol(path, member)  # `Apply(FullMatchN, ...)`: its own class's static
        elif of_language(syntax.language).package_scope(syntax):
            hit = self.go_package_defs.get(parent_dir(path), {}).get(call.name)
            found = Symbol(*hit) if hit and hit[1] is not caller else None
        else:
            binding = self.imported_names[path].get(call.name)
            if binding and binding[1]:
                found = self.defined(binding[0], binding[1])
            elif call.qualifier == ADDRESS:
                candidates = self.c_definitions.get(call.name, [])
                found = Symbol(*candidates[0]) if len(candidates) == 1 else None
        if found is None or found.definition.kind not in _CALLABLE_KINDS:
            return None
        return found

    def _a_parameter(self, path: str, caller: Definition | None, name: str) -> bool:
        """Whether `name` is one of the caller's parameters, which hide the outer names."""
        if caller is None or not caller.signature or name not in caller.signature:
            return False
        found = self._parameters.get(id(caller))
        if found is None:
            model = of_language(self.syntaxes[path].language)
            found = self._parameters[id(caller)] = parameter_names(
                caller.signature, name_last=model.parameter_name_last
            )
        return name in found

    def _type_of(self, path: str, caller: Definition | None, qualifier: str) -> Symbol | None:
        """The project's type a variable holds, where a parameter, a local, a field of the
        caller's class or a module-level name says so (`self.parser`, `this.parser` and
        `parser` alike). Found once per function and variable: each method called on it
        asks (`p.feed(); p.close()`), and a variable made by a call resolves that call."""
        if self._asking:
            # Within another variable's search its guards against cycles may cut this one
            # short: found afresh, and not kept.
            return self._find_type_of(path, caller, qualifier)
        key = (path, id(caller) if caller is not None else 0, qualifier)
        if key in self._types_of:
            return self._types_of[key]
        found = self._types_of[key] = self._find_type_of(path, caller, qualifier)
        return found

    def _find_type_of(self, path: str, caller: Definition | None, qualifier: str) -> Symbol | None:
        variable = qualifier[5:] if qualifier.startswith(("self.", "this.")) else qualifier
        if caller is not None and caller.receiver and variable.startswith(f"{caller.receiver}."):
            variable = variable[len(caller.receiver) + 1 :]  # Go's `t.merger`: a field of t
        # Only a call makes one: most variables are passed over without the search.
        # `new JUnitCore().runMain(...)`, `Parser(text).parse()`: the object made in place;
        # `self.make_signer(salt).sign(...)`: the object the own method returns, `self` kept.
        made_here = _MADE_IN_PLACE.fullmatch(qualifier) if "(" in qualifier else None
        stated = f"(){made_here.group(1)}" if made_here else None
        if stated is None and "::" in qualifier:
            # Rust's `Cli::parse().run()`: a type's associated function makes the type, as
            # `let cli = Cli::parse()` says (clap's derived `parse` is defined nowhere here).
            made_by_type = _RUST_MADE_BY_TYPE.fullmatch(qualifier)
            if made_by_type and of_language(self.syntaxes[path].language).makes_itself():
                stated = made_by_type.group(1)
        if stated is None and caller is not None:
            stated = self._held(caller).get(variable)
        if stated is None and caller is not None and caller.parent:
            holder = self.top[path].get(caller.parent)
            stated = self._held(holder).get(variable) if holder is not None else None
        if stated is None:
            stated = self._module_held(path).get(variable)
        if stated is None and "." in variable and "(" not in variable:
            # `cli.command.run()`: a field of what a variable holds, where both are stated.
            return self._field_type(path, caller, variable)
        if stated is None:
            return None
        if stated.startswith(VARIANT):  # `Command::Run(args)`: what the variant holds
            variants = stated[len(VARIANT) :].split("|")
            return self._variant_type(path, caller, variants[0]) if len(variants) == 1 else None
        if stated.startswith(INSIDE):  # `Some(cmd)` out of `args.command`: its field's type
            inside = stated[len(INSIDE) :]
            return self._field_type(path, caller, inside) if "." in inside else None
        if stated.startswith("()"):  # made by a call: a constructor or a factory
            # `core.NewTerminal`: the call as written, its qualifier kept.
            qualified, _, called = stated[2:].rpartition(".")
            asked = (path, id(caller) if caller is not None else 0, variable)
            if asked in self._asking:
                return None  # `x = x.next()`: what x holds depends on what x holds
            self._asking.add(asked)
            try:
                made = self.resolve_call(path, caller, Call(called, qualified or None, None, 0))
            finally:
                self._asking.discard(asked)
            if made is None:
                return None
            if made.definition.kind in _CONTAINER_KINDS or made.definition.kind == "type":
                return made
            returned = return_type(
                made.definition.signature, made.definition.name, made.definition.parent
            )
            return self._type_named(made.path, returned) if returned else None
        return self._type_named(path, stated)

    def _every_variant(
        self, path: str, caller: Definition | None, variants: list[str], name: str
    ) -> Symbol | None:
        """A dispatch over an enum's variants (`Cmd::Add(cmd) => cmd.run(), Cmd::Query(cmd)
        => cmd.run()`): the first variant's `name`, when every variant's type has one, so the
        call is the same method of each (a trait's) rather than one arm's own."""
        members = []
        for variant in variants:
            held = self._variant_type(path, caller, variant)
            member = self._member(held, name) if held is not None else None
            if member is None:
                return None
            members.append(member)
        return members[0]

    def _variant_type(self, path: str, caller: Definition | None, written: str) -> Symbol | None:
        """The project's type an enum's variant holds (`Command::Run(args)` with the enum's
        `Run(RunArgs)`: a RunArgs); `Self::Run` inside the enum's own methods."""
        enum, _, variant = written.rpartition("::")
        if enum == "Self":
            enum = caller.parent if caller is not None and caller.parent else ""
        owner = self._type_named(path, enum) if enum else None
        if owner is None or owner.definition.kind != "enum":
            return None
        held = self._held(owner.definition).get(variant)
        if held is None or held.startswith(("()", INSIDE, VARIANT)):
            return None
        return self._type_named(owner.path, held)

    def _field_type(self, path: str, caller: Definition | None, expression: str) -> Symbol | None:
        """The project's type a field holds, where the code says what holds the field and
        its type declares the field's (`args.command` with `args: Args` and Args's
        `command: Option<Command>`: a Command)."""
        holder, _, field = expression.rpartition(".")
        asked = (path, id(caller) if caller is not None else 0, expression)
        if asked in self._asking:
            return None
        self._asking.add(asked)
        try:
            held = self._type_of(path, caller, holder)
        finally:
            self._asking.discard(asked)
        if held is None or held.definition.kind not in _CONTAINER_KINDS:
            return None
        stated = self._held(held.definition).get(field)
        if stated is None or stated.startswith(("()", INSIDE)):
            return None
        return self._type_named(held.path, stated)

    def _held(self, definition: Definition) -> dict[str, str]:
        """A definition's stated types as a map, made once (calls ask again and again)."""
        held = self._held_maps.get(id(definition))
        if held is None:
            held = self._held_maps[id(definition)] = dict(definition.types)
        return held

    def _module_held(self, path: str) -> dict[str, str]:
        """A file's module-level stated types as a map, made once: made for every call that
        asked, it cost the file's bindings times its calls."""
        held = self._module_maps.get(path)
        if held is None:
            held = self._module_maps[path] = dict(self.syntaxes[path].module_types)
        return held

    def _type_named(self, path: str, name: str) -> Symbol | None:
        """The type `name` as seen from `path`: its own, imported, of its Go or Java package,
        or the only type of that name in the project."""
        key = (path, name)
        if key not in self._named_types:
            self._named_types[key] = self._find_type(path, name)
        return self._named_types[key]

    def _find_type(self, path: str, name: str) -> Symbol | None:
        syntax = self.syntaxes[path]
        model = of_language(syntax.language)
        qualified = _QUALIFIED_TYPE.search(re.sub(r"<.*$", "", name))
        if qualified and model.qualified_types_imported(syntax):
            # `io.Writer`: the project's only through an import of one of its packages.
            return self._go_type(path, qualified.group(1), qualified.group(2))
        name = re.sub(r"<.*$|^.*\.", "", name)
        own = self.top.get(path, {}).get(name)
        if own is not None and own.kind in _TYPE_KINDS:
            return Symbol(path, own)
        found = self.defined(path, name)
        if found is None and model.package_scope(syntax):
            hit = self.go_package_defs.get(parent_dir(path), {}).get(name)
            found = Symbol(*hit) if hit else None
        package = syntax.package
        if found is None and package and model.package_mates(syntax):
            sibling = self.java_package_types[package].get(name)
            found = self.defined(sibling, name) if sibling else None
        if found is None:
            everywhere = self._types_by_name().get(name, [])
            found = everywhere[0] if len(everywhere) == 1 else None
        return found if found is not None and found.definition.kind in _TYPE_KINDS else None

    def _types_by_name(self) -> dict[str, list[Symbol]]:
        if self._type_index is None:
            index: dict[str, list[Symbol]] = defaultdict(list)
            for path, names in self.top.items():
                for name, definition in names.items():
                    if definition.kind in _TYPE_KINDS:
                        index[name].append(Symbol(path, definition))
            self._type_index = index
        return self._type_index

    def _with_body(self, symbol: Symbol) -> Symbol:
        """A C or C++ declaration (`bool FullMatchN(...);` in a header) is followed into the
        one definition of the same name elsewhere that has a body (`re2.cc`)."""
        definition = symbol.definition
        if not declared_only(definition):
            return symbol
        syntax = self.syntaxes[symbol.path]
        if not of_language(syntax.language).global_functions(syntax):
            return symbol
        if self._bodies is None:
            bodies: dict[str, list[Symbol]] = defaultdict(list)
            for path, each in self.syntaxes.items():
                if of_language(each.language).global_functions(each):
                    for d in each.definitions:
                        if d.kind in _CALLABLE_KINDS and not declared_only(d):
                            bodies[d.qualified_name].append(Symbol(path, d))
            self._bodies = bodies
        elsewhere = {
            s.path: s
            for s in self._bodies.get(definition.qualified_name, [])
            if s.path != symbol.path
        }
        return next(iter(elsewhere.values())) if len(elsewhere) == 1 else symbol

    def _implementation(self, symbol: Symbol) -> Symbol:
        """A method an interface or an abstract class declares without a body (`void
        stubbingStarted();`) is followed into the one project type built on it that defines
        it with a body (`MockingProgressImpl`): where the work is done."""
        definition = symbol.definition
        if not declared_only(definition) or definition.parent is None:
            return symbol
        owner = self.top.get(symbol.path, {}).get(definition.parent)
        if owner is None or owner.kind not in _CONTAINER_KINDS:
            return symbol
        found: dict[str, Symbol] = {}
        for heir in self.descendants(Symbol(symbol.path, owner)):
            member = self.members.get(heir.path, {}).get((heir.definition.name, definition.name))
            if member is not None and not declared_only(member):
                found[f"{heir.path}::{member.qualified_name}"] = Symbol(heir.path, member)
        return next(iter(found.values())) if len(found) == 1 else symbol

    def descendants(self, held: Symbol) -> list[Symbol]:
        """The project's types built on `held`, nearest first, each once."""
        if self._heirs is None:
            heirs: dict[str, list[Symbol]] = defaultdict(list)
            for path, syntax in self.syntaxes.items():
                for definition in syntax.definitions:
                    if definition.kind not in _CONTAINER_KINDS or definition.parent:
                        continue
                    for named in (_base_name(b).split() for b in definition.bases):
                        typed = self._type_named(path, named[-1]) if named else None
                        if typed is not None:
                            heirs[typed.key].append(Symbol(path, definition))
            self._heirs = heirs
        found: list[Symbol] = []
        seen = {held.key}
        layer = [held]
        for _ in range(INHERITANCE_DEPTH):
            layer = [h for s in layer for h in self._heirs.get(s.key, []) if h.key not in seen]
            seen.update(h.key for h in layer)
            found += layer
        return found

    def _member(self, held: Symbol, name: str) -> Symbol | None:
        """`name` on the type `held`: in its own file, or, where a language lets methods
        live apart from the type (Go's package, C++'s out-of-line definitions, Rust's impl
        blocks), the one definition of that name for that type in the project."""
        owner = held.definition.name
        member = self.members.get(held.path, {}).get((owner, name))
        if member is not None:
            return Symbol(held.path, member)
        if self._member_index is None:
            index: dict[tuple[str, str], list[Symbol]] = defaultdict(list)
            for path, members in self.members.items():
                for key, definition in members.items():
                    index[key].append(Symbol(path, definition))
            self._member_index = index
        elsewhere = self._member_index.get((owner, name), [])
        return elsewhere[0] if len(elsewhere) == 1 else None

    def bases(self, held: Symbol) -> list[Symbol]:
        """The project's types `held` is built on, nearest first (its own bases as written,
        then theirs), each once: where a method it does not define comes from. Found once
        per type: every `self.name()` in its methods that it does not define asks."""
        known = self._bases.get(held.key)
        if known is None:
            known = self._bases[held.key] = self._find_bases(held)
        return known

    def _find_bases(self, held: Symbol) -> list[Symbol]:
        found: list[Symbol] = []
        seen = {held.key}
        layer = [held]
        for _ in range(INHERITANCE_DEPTH):
            onward: list[Symbol] = []
            for symbol in layer:
                for base in symbol.definition.bases:
                    named = _base_name(base).split()
                    typed = self._type_named(symbol.path, named[-1]) if named else None
                    if typed is not None and typed.key not in seen:
                        seen.add(typed.key)
                        onward.append(typed)
            found += onward
            layer = onward
        return found

    def made_by(self, made: Symbol) -> Symbol | None:
        """The project type a call of `made` gives back: the type itself when it is one (its
        constructor), else the type its signature says it returns (`fn builder() -> Builder`)."""
        if made.definition.kind in _TYPE_KINDS:
            return made
        returned = return_type(
            made.definition.signature, made.definition.name, made.definition.parent
        )
        return self._type_named(made.path, returned) if returned else None

    def member_of(self, held: Symbol, name: str) -> Symbol | None:
        """`name` on the type `held`: its own, or the one it has from a project base."""
        return self._member(held, name) or self.inherited(held, name)

    def inherited(self, held: Symbol, name: str) -> Symbol | None:
        """`name` as `held` has it from the nearest of its project bases that defines it
        (`URLSafeSerializer(Serializer)`'s `dumps` is `Serializer.dumps`)."""
        for base in self.bases(held):
            member = self.members.get(base.path, {}).get((base.definition.name, name))
            if member is not None:
                return Symbol(base.path, member)
        return None

    def _inherited_by_name(self, path: str, owner: str, name: str) -> Symbol | None:
        """`self.name()` in a method of `owner` where `owner` has no `name` of its own."""
        own = self.top.get(path, {}).get(owner)
        if own is None or own.kind not in _CONTAINER_KINDS:
            return None
        return self.inherited(Symbol(path, own), name)

    @cached_property
    def error_types(self) -> frozenset[str]:
        """The names of the project's error types: named so (`...Error`, `...Exception`) or
        built on one, its own or the language's (`class BadPayload(BadData)`, `BadData(
        Exception)`). Making one is a failure being reported, never where the work goes."""
        types = [
            d for s in self.syntaxes.values() for d in s.definitions if d.kind in _CONTAINER_KINDS
        ]
        errors = {d.name for d in types if _ERROR_NAME.search(d.name)}
        # Each type's bases by name, read once rather than in every round; a base named as
        # an error (the language's own `Exception`) makes its heir one from the first round.
        based = [(d.name, {_base_name(b) for b in d.bases}) for d in types if d.bases]
        named = {b for _, bases in based for b in bases if _ERROR_NAME.search(b)}
        # Each round adds the types built on one found so far; a chain of bases is short.
        for _ in range(ERROR_BASE_DEPTH):
            grown = errors | {
                name for name, bases in based if not bases.isdisjoint(errors) or bases & named
            }
            if grown == errors:
                break
            errors = grown
        return frozenset(errors)

    def callees(self, symbol: Symbol) -> list[Symbol]:
        """Resolved callees in the order the calls appear, each once."""
        known = self._callees.get(symbol.key)
        if known is None:
            known = self._callees[symbol.key] = self._resolve_callees(symbol)
        return known

    def _resolve_callees(self, symbol: Symbol) -> list[Symbol]:
        seen: set[str] = set()
        found: list[Symbol] = []
        definition = symbol.definition
        bodies = [definition]
        if definition.kind in _CONTAINER_KINDS:
            # Calling a class runs its constructor: follow that instead (`__init__`,
            # `constructor`, `new`, or Java's and C++'s method named for the class).
            init = next(
                (
                    d
                    for (parent, name), d in self.members[symbol.path].items()
                    if parent == definition.name
                    and name in {"__init__", "constructor", "new", definition.name}
                ),
                None,
            )
            if init is None:
                return []
            bodies = [init]
        elif symbol.key in self.overloads:
            bodies += [d for d in self.overloads[symbol.key] if d is not definition]
        for body in bodies:
            for call in body.calls:
                target = self.resolve_call(symbol.path, body, call)
                # A path goes on into the body; uses are still counted at the declaration.
                target = self._implementation(self._with_body(target)) if target else None
                if target is not None and target.key not in seen and target.key != symbol.key:
                    seen.add(target.key)
                    found.append(target)
                    if call.passed:
                        self.handed.add((symbol.key, target.key))
                    if body is not definition:
                        self.overload_calling[(symbol.key, target.key)] = body
        return found

    def references(
        self,
        include: set[str],
        tally: set[str] | None = None,
        known: dict[str, FileUses] | None = None,
    ) -> dict[str, set[str]]:
        """Symbol key -> the other files (among `include`) that call or import it by name.

        For the files in `tally`, it also measures `resolution`: of the calls to names the
        project defines, the share followed for certain (a name shared with a method of
        another object, or reached dynamically, stays unfollowed). `known` holds what files
        used before (`uses`), found again only for the files it lacks; `self.file_uses`
        then holds every file's."""
        users: dict[str, set[str]] = defaultdict(set)
        tally = tally or set()
        known = known or {}
        names: set[str] | None = None
        reachable: set[str] | None = None
        asked = followed = 0
        self.file_uses = {}
        for path in include:
            found = known.get(path)
            if found is None:
                if names is None or reachable is None:
                    names = {d.name for p in tally for d in self.syntaxes[p].definitions}
                    # A call can only reach a definition of that name, or one imported under
                    # it: the rest (`append`, `println`) are someone else's, need no resolving.
                    reachable = {d.name for s in self.syntaxes.values() for d in s.definitions}
                found = self.uses(path, reachable, names, counted=path in tally)
            self.file_uses[path] = found
            keys, calls, calls_followed = found
            for key in keys:
                users[key].add(path)
            asked += calls
            followed += calls_followed
        self.resolution = round(followed / asked, 3) if asked else 1.0
        return users

    def uses(self, path: str, reachable: set[str], names: set[str], *, counted: bool) -> FileUses:
        """The keys of the other files' symbols `path` calls or imports by name and, when
        `counted`, its calls to `names` and how many of them were followed. A function of
        the file's own syntax and the other files' surfaces (`surface`), nothing else."""
        syntax = self.syntaxes[path]
        model = of_language(syntax.language)
        resolve = self._resolve_call
        bound = self.imported_names[path]
        used: dict[str, None] = {}  # ordered, each once
        asked = followed = 0
        for local, (target_path, name) in bound.items():
            if name and local == name:
                target = self.defined(target_path, name)
                if target is not None and target.path != path:
                    used[target.key] = None
        # The calls `owned_calls` lists, without a pair made for each call of the tree.
        owners = [(None, syntax.module_calls)] + [(d, d.calls) for d in syntax.definitions]
        for owner, calls in owners:
            # A call resolves by its name and qualifier within its owner: the same call
            # again (`StringUtils.isEmpty` ten times in one method) is looked up once.
            resolved: dict[tuple[str | None, str], Symbol | None] = {}
            for call in calls:
                if call.name not in reachable and call.name not in bound:
                    continue
                key = (call.qualifier, call.name)
                if key in resolved:
                    symbol = resolved[key]
                else:
                    symbol = resolved[key] = resolve(path, syntax, model, owner, call)
                if counted and call.qualifier not in HANDED_ON and call.name in names:
                    asked += 1
                    followed += symbol is not None
                if symbol is not None and symbol.path != path:
                    used[symbol.key] = None
                    container = symbol.definition.parent
                    if container and container in self.top.get(symbol.path, {}):
                        # `StringUtils.isEmpty(...)` uses StringUtils as much as isEmpty.
                        used[f"{symbol.path}::{container}"] = None
        for package, name in syntax.type_refs:
            found = self._go_type(path, package, name)
            if found is not None and found.path != path:
                used[found.key] = None
        return tuple(used), asked, followed

    def _go_type(self, path: str, package: str | None, name: str) -> Symbol | None:
        """The type `package.name` (or `name` in this package) names, if the repository has it."""
        directory = parent_dir(path)
        if package is not None:
            binding = self.imported_names[path].get(package)
            if not binding or binding[1] is not None:
                return None
            directory = parent_dir(binding[0])
        found = self.go_package_defs.get(directory, {}).get(name)
        return Symbol(*found) if found and found[1].kind in _GO_TYPE_KINDS else None


def follow(
    graph: CallGraph,
    start: Symbol,
    *,
    hops: int,
    allowed: set[str],
    avoid: frozenset[str] = frozenset(),
) -> list[Symbol]:
    """One control path from `start`: at each step the callee where the work goes, never
    one of `avoid` (the steps a path already told has walked)."""
    path = [start]
    seen = {start.key, *avoid}
    current = start
    for _ in range(hops):
        options = _onward(graph, current, seen=seen, allowed=allowed)
        if not options:
            break
        if len(path) >= 3 and _is_hub(graph, current, allowed):
            break  # an engine or dispatcher: its callees are its parts, not the next step
        current = options[0]
        seen.add(current.key)
        path.append(current)
    return path


def declared_only(definition: Definition) -> bool:
    """A function declared without its body: C's and C++'s prototype ends with `;`."""
    return definition.kind in _CALLABLE_KINDS and (definition.signature or "").endswith(";")


def _base_name(base: str) -> str:
    """`exc.BadData`, `Exception`, `std::runtime_error` -> the last name, no generics."""
    return _SCOPE.split(_GENERIC.split(base, 1)[0].strip())[-1].strip()


_GENERIC = re.compile(r"[<\[(]")
_SCOPE = re.compile(r"\.|::")


def _onward(
    graph: CallGraph, current: Symbol, *, seen: set[str], allowed: set[str]
) -> list[Symbol]:
    """The callees of `current` a path may go on to, where the work goes first."""
    options = [
        s
        for s in graph.callees(current)
        if s.key not in seen
        and s.path in allowed
        and s.definition.lines >= 2
        and not (s.definition.kind in _CONTAINER_KINDS and s.definition.name in graph.error_types)
    ]
    masses = {o.key: mass(graph, o, allowed=allowed) for o in options}
    # A getter or a chore at the end of a path is a side step, not where work is done.
    options = [
        o for o in options if masses[o.key] > o.definition.lines or not is_side_step(o.definition)
    ]
    caller = current.definition.name
    options.sort(
        key=lambda s: (
            # (a class named like its method is made there, not implemented)
            not implements(caller, s.definition.name) or s.definition.kind in _CONTAINER_KINDS,
            is_side_step(s.definition),
            # Making an object is set-up: the work is what is then done with it.
            (is_setup(s.definition) or s.definition.kind in _CONTAINER_KINDS)
            and not is_setup(current.definition),
            not does_work(s.definition),
            -masses[s.key],
            s.path == current.path,
        )
    )
    return options


# A branch is worth telling when it walks at least this many steps of its own; a shorter
# one (a call and the one it makes) only in a story that is short of things to tell.
BRANCH_STEPS = 3
SHORT_BRANCH_STEPS = 2


def branch(
    graph: CallGraph,
    walked: list[Symbol],
    *,
    told: set[str],
    hops: int,
    allowed: set[str],
    least: int = BRANCH_STEPS,
) -> list[Symbol] | None:
    """A second path out of a path already told: from the earliest of its steps that also
    calls somewhere the told paths never went, that call followed on its own. Returned with
    the step it leaves from first (`main` again, then where its other call leads)."""
    # Setting up (parsing options, making a handler) is a branch only where nothing else is.
    for setup in (False, True):
        for fork in walked[:-1]:
            # The call where the work goes, of this pass's sort; never a type being made.
            option = next(
                (
                    o
                    for o in _onward(graph, fork, seen=told, allowed=allowed)
                    if o.definition.kind not in _CONTAINER_KINDS
                    and is_setup(o.definition) is setup
                    # reporting a failure (`error::print_error`) is no other way the work goes
                    and not is_side_step(o.definition)
                ),
                None,
            )
            if option is not None:
                onward = follow(graph, option, hops=hops, allowed=allowed, avoid=frozenset(told))
                if len(onward) >= least:
                    return [fork, *onward]
    return None


# Words that name a chore beside the work in any language: reporting, guarding, tearing down.
_CHORE_WORDS = frozenset(
    {
        "log", "logf", "debug", "warn", "warning", "error", "errorf", "errf", "fail", "panic",
        "abort", "die", "fatal", "assert", "usage", "version", "help", "trace", "report", "bug",
        "close", "free", "cleanup", "destroy", "dispose", "teardown", "shutdown", "protect",
        "dotenv", "env", "deprecated", "deprecation", "exception", "raise", "throw",
    }
)  # fmt: skip
_RUN_TOGETHER_CHORES = ("error", "debug", "warn", "fatal", "panic", "abort", "usage", "check")
_ACCESSOR = re.compile(r"^_*(get|is|has|set|can|should|with)(?=[A-Z_]|$)", re.IGNORECASE)
# An implementation beside its wrapper: `Execute` -> `ExecuteC`, `run` -> `_run`, `item_get`
# -> `do_item_get`, `parse` -> `parseImpl`. Compared without case or underscores.
_IMPL_PREFIXES = ("do", "real", "inner", "internal", "run")
_IMPL_SUFFIXES = ("c", "impl", "internal", "inner", "real", "core", "0", "1", "2", "ex", "generic")


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\s_]+", spaced) if w]


def _is_hub(graph: CallGraph, current: Symbol, allowed: set[str]) -> bool:
    """A long body with many calls: the place the work is done (an interpreter loop, a
    request dispatcher), so the path ends there instead of wandering into one of its parts."""
    fanout = sum(1 for s in graph.callees(current) if s.path in allowed)
    return fanout >= HUB_CALLEES and current.definition.lines >= HUB_LINES


def mass(graph: CallGraph, start: Symbol, *, allowed: set[str], depth: int = 3) -> int:
    """Lines of the project's own code a call runs within a few calls: the work behind it,
    measured near enough that shared helpers do not make every call look alike."""
    seen = {start.key}
    total = start.definition.lines
    frontier = [start]
    for _ in range(depth):
        following: list[Symbol] = []
        for current in frontier:
            for callee in graph.callees(current):
                if callee.key not in seen and callee.path in allowed:
                    seen.add(callee.key)
                    total += callee.definition.lines
                    following.append(callee)
        frontier = following
    return total


HUB_CALLEES = 12
HUB_LINES = 150
_SETUP_WORDS = frozenset({"new", "create", "init", "initialize", "setup", "alloc", "make", "open"})
# What a program is told before it works: its options, arguments and configuration.
_SETTINGS_WORDS = frozenset(
    {"options", "opts", "args", "argv", "flags", "config", "configuration", "settings"}
)
# Verbs that name the work itself, in the names programs give their main loops.
_DOING_WORDS = frozenset(
    {"run", "execute", "exec", "process", "handle", "serve", "dispatch", "loop", "eval", "main"}
)


def is_setup(definition: Definition) -> bool:
    """Building the things the work needs: a main makes its state and reads its options,
    then runs."""
    words = _words(definition.name)
    if definition.parent:
        words += _words(definition.parent)
    if any(w in _SETTINGS_WORDS for w in words):
        return True
    ends = {words[0], words[-1]} if words else set()
    # C names run words together: `luaL_newstate`, `initscr`.
    return bool(ends & _SETUP_WORDS) or any(w.startswith(_SETUP_STEMS) for w in ends)


_SETUP_STEMS = ("new", "init", "create", "alloc", "setup")


def does_work(definition: Definition) -> bool:
    return any(w in _DOING_WORDS for w in _words(definition.name))


def is_side_step(definition: Definition) -> bool:
    """A chore (logging, error reports, teardown) or a short accessor."""
    words = _words(definition.name)
    if any(w in _CHORE_WORDS for w in words):
        return True
    # C runs words together (`luaG_runerror`, `checkstack`): a chore at either end counts.
    if any(w.endswith(_RUN_TOGETHER_CHORES) or w.startswith(_RUN_TOGETHER_CHORES) for w in words):
        return True
    return bool(_ACCESSOR.match(definition.name)) and definition.lines <= 8


def implements(caller: str, callee: str) -> bool:
    """`callee` is the implementation `caller` wraps, by the naming habit shared by C, Go,
    Python, Java and JavaScript code alike."""
    a, b = caller.replace("_", "").lower(), callee.replace("_", "").lower()
    if a == b or not a or not b:
        return a == b and bool(a)
    if b.startswith(a):
        return b[len(a) :] in _IMPL_SUFFIXES
    return any(b == p + a for p in _IMPL_PREFIXES)


def reach(graph: CallGraph, start: Symbol, *, allowed: set[str], limit: int = 200) -> int:
    """How much of the project's own code a start reaches through calls it can see: a main
    that does the program's work reaches far, one that prints a version reaches nothing."""
    seen = {start.key}
    frontier = [start]
    while frontier and len(seen) < limit:
        current = frontier.pop()
        for callee in graph.callees(current):
            if callee.key not in seen and callee.path in allowed:
                seen.add(callee.key)
                frontier.append(callee)
    return len(seen) - 1
