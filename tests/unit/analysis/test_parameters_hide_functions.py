"""A parameter hides the file's function of the same name: `function compile (format)`
that hands `format` on, or calls `callback()` with a parameter `callback`, uses its argument,
and the tour does not step into the function that shares the name."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.parameters import parameter_names
from tests.call_graphs import callees_of
from tests.support import write_files as write

_INDEX = (
    "'use strict'\n\nmodule.exports = logger\n\n"
    "/**\n * Create a logger.\n */\n\n"
    "function logger (format, options) {\n"
    "  var line = lookup(format)\n  var opts = options || {}\n"
    "  return function log (req) {\n    return line(req, opts)\n  }\n}\n\n"
    "/**\n * Look up a named format.\n */\n\n"
    "function lookup (name) {\n  var fmt = logger[name] || name\n"
    "  return typeof fmt === 'function' ? fmt : compile(fmt)\n}\n\n"
    "/**\n * Compile a format string into a function.\n */\n\n"
    "function compile (format) {\n  var js = String(JSON.stringify(format))\n"
    "  var body = 'return ' + js\n  return new Function('req', body)\n}\n\n"
    "/**\n * Define a format with the given name.\n */\n\n"
    "function format (name, fmt) {\n  logger[name] = fmt\n  return this\n}\n\n"
    "/**\n * Run a callback when done.\n */\n\n"
    "function finish (callback) {\n  var done = true\n  return callback(done)\n}\n\n"
    "function callback (done) {\n  var ok = done\n  return format('x', ok)\n}\n\n"
    "logger.format = format\nlogger.finish = finish\n"
)
_README = (
    "# logger\n\nA request logger.\n\n```js\nvar logger = require('logger')\nlogger('tiny')\n```\n"
)


def test_a_parameter_list_names_its_parameters_not_their_types_or_defaults() -> None:
    assert parameter_names("function compile (format)") == {"format"}
    assert parameter_names("def run(self, cb=on_done, *, retries: int = 3)") == {"cb", "retries"}
    assert parameter_names("func (c *Command) Run(args []string, a, b int)") == {
        "c",
        "args",
        "a",
        "b",
    }
    assert parameter_names("fn scan(paths: &[PathBuf], mut config: Config<A, B>)") == {
        "paths",
        "config",
    }
    assert parameter_names("constructor(private svc: Service, {a, b}: Opts)") == {
        "svc",
        "a",
        "b",
    }
    # `Type name`: Java, C and C++.
    java = "public Point(final @Nullable Map<String, List<Integer>> map, Point other)"
    assert parameter_names(java, name_last=True) == {"map", "other"}
    c = "int protect(int (*f)(void *), const char *name, char *argv[], int)"
    assert parameter_names(c, name_last=True) == {"f", "name", "argv"}
    assert parameter_names(None) == frozenset()


def test_a_type_named_in_a_parameter_list_is_still_constructed() -> None:
    python = {
        "app/config.py": (
            "class Config:\n    def __init__(self, name):\n        self.name = name\n"
            "        self.ready = True\n"
        ),
        "app/copy.py": (
            "from app.config import Config\n\n\n"
            "def copy(config: Config):\n    fresh = Config(config.name)\n    return fresh\n"
        ),
    }
    assert callees_of(python, "app/copy.py::copy", "Python") == [("app/config.py", "Config")]


def test_a_parameter_handed_on_is_not_the_function_of_its_name(tmp_path: Path) -> None:
    root = write(
        tmp_path / "logger",
        {
            "package.json": '{"name": "logger", "version": "1.0.0", "main": "index.js"}\n',
            "README.md": _README,
            "index.js": _INDEX,
        },
    )
    facts = analyse(root, name="logger")
    steps = [s.name for path in facts.control_paths for s in path]
    assert "compile" in steps, steps  # the path reaches `compile`...
    # ...and stops there: its `format` is the string it was given.
    after = next(p for p in facts.control_paths if any(s.name == "compile" for s in p))
    assert after[-1].name == "compile", [s.name for s in after]
    assert not any(s.name == "callback" for path in facts.control_paths for s in path)


def test_a_parameter_called_is_not_the_function_of_its_name() -> None:
    python = {
        "runner/core.py": (
            "def run(tasks, report):\n    done = [t() for t in tasks]\n"
            "    report(done)\n    return finish(done)\n\n\n"
            "def finish(done):\n    total = len(done)\n    return total\n\n\n"
            "def report(done):\n    line = ', '.join(map(str, done))\n    return line\n"
        )
    }
    callees = callees_of(python, "runner/core.py::run", "Python")
    assert callees == [("runner/core.py", "finish")], callees
    go = {
        "go.mod": "module example.com/runner\n",
        "run.go": (
            "package runner\n\nfunc Run(tasks []int, report func(int) int) int {\n"
            "\tdone := len(tasks)\n\treport(done)\n\treturn finish(done)\n}\n\n"
            "func finish(done int) int {\n\treturn done + 1\n}\n\n"
            "func report(done int) int {\n\treturn done * 2\n}\n"
        ),
    }
    callees = callees_of(go, "run.go::Run", "Go", suffix=".go")
    assert callees == [("run.go", "finish")], callees
