"""C++: a member declared in a header is followed into its definition in a `.cc`, and a
bare call or a handed-on name inside a member function names a member of its class."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source
from tests.call_graphs import callees_of
from tests.support import write_files as write


def test_a_cpp_declaration_in_a_header_is_followed_into_its_definition(tmp_path: Path) -> None:
    """A README's `Rx::FullMatch` is inline in the header; the member it hands on and the
    member it calls are declared there and defined, with their bodies, in the `.cc`."""
    root = write(
        tmp_path / "repo",
        {
            "CMakeLists.txt": "project(rx)\nadd_library(rx rx/rx.cc rx/scan.cc)\n",
            "README.md": (
                '# rx\n\nRegular expressions.\n\n```cpp\nRx::FullMatch("hello", "h.*o");\n```\n'
            ),
            "rx/rx.h": (
                "class Rx {\n public:\n"
                "  static bool FullMatchN(const char* text, const char* re);\n"
                "  static bool Apply(bool (*f)(const char*, const char*), const char* text,\n"
                "                    const char* re) {\n"
                "    bool ok = f(text, re);\n    return ok;\n  }\n"
                "  static bool FullMatch(const char* text, const char* re) {\n"
                "    bool ok = Apply(FullMatchN, text, re);\n    return ok;\n  }\n"
                "  static bool DoMatch(const char* text, const char* re);\n};\n"
            ),
            "rx/rx.cc": (
                '#include "rx/rx.h"\n#include "rx/scan.h"\n\n'
                "bool Rx::FullMatchN(const char* text, const char* re) {\n"
                "  bool matched = DoMatch(text, re);\n  return matched;\n}\n\n"
                "bool Rx::DoMatch(const char* text, const char* re) {\n"
                "  int found = ScanText(text, re);\n  return found > 0;\n}\n"
            ),
            "rx/scan.h": "int ScanText(const char* text, const char* re);\n",
            "rx/scan.cc": (
                '#include "rx/scan.h"\n\nint ScanText(const char* text, const char* re) {\n'
                "  int n = 0;\n  while (*text) { n += *text++ == *re; }\n  return n;\n}\n"
            ),
        },
    )
    path = analyse(root, name="rx").control_paths[0]
    assert [(s.name, s.path) for s in path] == [
        ("Rx.FullMatch", "rx/rx.h"),
        ("Rx.FullMatchN", "rx/rx.cc"),
        ("Rx.DoMatch", "rx/rx.cc"),
        ("ScanText", "rx/scan.cc"),
    ]


def test_a_parameter_named_like_a_member_is_not_that_member() -> None:
    """`Ctx(int next_id) : next_id_(next_id)` hands on its parameter, not the method
    `next_id`; only a static member is a function a bare name can hand on."""
    header = (
        "class Ctx {\n public:\n  Ctx(int next_id, int pool) : next_id_(next_id) {\n"
        "    Keep(next_id);\n    Keep(Reset);\n    Keep(pool);\n  }\n"
        "  int next_id() {\n    int n = next_id_;\n    return n + 1;\n  }\n"
        "  static int Reset() {\n    int n = 0;\n    return n;\n  }\n"
        "  int pool() {\n    int n = 2;\n    return n;\n  }\n"
        "  static void Keep(int x) {\n    int y = x;\n    (void)y;\n  }\n"
        " private:\n  int next_id_;\n};\n"
    )
    found = callees_of({"ctx.h": header}, "ctx.h::Ctx.Ctx", "C++")
    assert ("ctx.h", "Ctx.Reset") in found
    assert ("ctx.h", "Ctx.next_id") not in found and ("ctx.h", "Ctx.pool") not in found


def test_a_core_type_whose_constructor_only_sets_up_starts_no_path(tmp_path: Path) -> None:
    """`Edit() { Clear(); }` makes an object and resets it: no path through the core, even
    though the bare call names the class's own `Clear`."""
    edit = (
        "namespace db {\n\nclass Edit {\n public:\n  Edit() { Clear(); }\n  void Clear();\n"
        "  void Add(int n);\n private:\n  int count_;\n};\n\n}  // namespace db\n"
    )
    users = {
        f"db/user{n}.cc": f'#include "db/edit.h"\n\nint Use{n}() {{\n  Edit e;\n'
        f"  e.Add({n});\n  return {n};\n}}\n"
        for n in range(3)
    }
    root = write(
        tmp_path / "repo",
        {
            "CMakeLists.txt": "project(db)\nadd_library(db db/edit.cc)\n",
            "README.md": "# db\n\nA small store.\n",
            "db/edit.h": edit,
            "db/edit.cc": (
                '#include "db/edit.h"\n\nvoid Edit::Clear() {\n  count_ = 0;\n  count_ += 0;\n}\n\n'
                "void Edit::Add(int n) {\n  count_ += n;\n  count_ *= 1;\n}\n"
            ),
            **users,
        },
    )
    facts = analyse(root, name="db")
    assert not any(path[0].name == "Edit" for path in facts.control_paths)


def test_a_readme_call_declared_in_a_header_starts_at_its_definition(tmp_path: Path) -> None:
    """`Store::Open` is declared in the public header and defined in `store.cc`: the
    README's call is followed from the definition, where the work is."""
    root = write(
        tmp_path / "repo",
        {
            "CMakeLists.txt": "project(store)\nadd_library(store store/store.cc)\n",
            "README.md": (
                "# store\n\nA key-value store.\n\n```cpp\nStore* s;\n"
                'Store::Open("/tmp/db", &s);\n```\n'
            ),
            "include/store.h": (
                "namespace kv {\n\nclass Store {\n public:\n"
                "  static int Open(const char* name, Store** out);\n};\n\n}  // namespace kv\n"
            ),
            "store/store.cc": (
                '#include "include/store.h"\n#include "store/file.h"\n\n'
                "int Store::Open(const char* name, Store** out) {\n"
                "  int fd = OpenFile(name);\n  *out = nullptr;\n  return fd;\n}\n"
            ),
            "store/file.h": "int OpenFile(const char* name);\nint ScanRecords(int fd);\n",
            "store/file.cc": (
                '#include "store/file.h"\n\nint OpenFile(const char* name) {\n'
                "  int fd = name[0];\n  return ScanRecords(fd);\n}\n\n"
                "int ScanRecords(int fd) {\n  int n = fd;\n  n += 1;\n  return n;\n}\n"
            ),
        },
    )
    path = analyse(root, name="store").control_paths[0]
    assert [(s.name, s.path) for s in path] == [
        ("Store.Open", "store/store.cc"),
        ("OpenFile", "store/file.cc"),
        ("ScanRecords", "store/file.cc"),
    ]
    assert path[0].via == "Store.Open"


def test_a_macro_before_a_qualified_return_type_keeps_the_function_free() -> None:
    """`LOG_INLINE lib::logger *default_logger_raw()`: the parser may read the macro as the
    type and the rest as one qualified name; the function is found, owned by no class."""
    header = (
        "namespace lib {\nLOG_API lib::logger *default_logger_raw();\n"
        "LOG_INLINE lib::logger *default_logger_raw() { return thing(); }\n"
        "lib::logger *Registry::current() { return find(); }\n}\n"
    )
    parsed = parse_source("lib/api.h", "C++", header.encode())
    assert parsed is not None
    found = {(d.kind, d.name, d.parent, d.line) for d in parsed.definitions}
    assert ("function", "default_logger_raw", None, 2) in found
    assert ("function", "default_logger_raw", None, 3) in found
    assert ("method", "current", "Registry", 4) in found
