"""A Rust command-line tool's dispatch is followed into one command's handler: a call
written as a module path (`cmd::cat::run(argv)`, `cat::run(a)` beside `mod cat;`) reaches
the function of that module's file, and a type's path (`Config::new`) is no module."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.call_graphs import callees_of
from tests.support import write_files as write

_CARGO = '[package]\nname = "csvx"\nversion = "0.3.0"\nedition = "2018"\n'
_MAIN = """mod cmd;
mod config;

use config::Config;

enum Command {
    Cat,
    Count,
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let config = Config::new(&argv);
    let command = if argv.len() > 2 { Command::Cat } else { Command::Count };
    let status = match command {
        Command::Cat => cmd::cat::run(&config),
        Command::Count => cmd::count::run(&config),
    };
    std::process::exit(status);
}
"""
_CMD = "pub mod cat;\npub mod count;\n"


def _work(name: str, onward: str) -> str:
    return (
        f"pub fn {name}(rows: &[String]) -> usize {{\n    let mut total = rows.len();\n"
        f"    total += {onward}(rows);\n    total += 1;\n    total\n}}\n\n"
    )


_CAT = (
    "use config::Config;\n\npub fn run(config: &Config) -> i32 {\n"
    "    let rows = config.rows();\n    let joined = join_rows(&rows);\n"
    "    if joined > 0 { 0 } else { 1 }\n}\n\n"
    + _work("join_rows", "write_rows")
    + _work("write_rows", "flush_rows")
    + "fn flush_rows(rows: &[String]) -> usize {\n    let n = rows.len();\n    n * 2\n}\n"
)
_COUNT = "use config::Config;\n\npub fn run(config: &Config) -> i32 {\n    let n = 0;\n    n\n}\n"
_CONFIG = (
    "pub struct Config {\n    rows: Vec<String>,\n}\n\nimpl Config {\n"
    "    pub fn new(argv: &[String]) -> Config {\n        let rows = argv.to_vec();\n"
    "        Config { rows }\n    }\n\n    pub fn rows(&self) -> Vec<String> {\n"
    "        let rows = self.rows.clone();\n        rows\n    }\n}\n"
)


def _files() -> dict[str, str]:
    return {
        "Cargo.toml": _CARGO,
        "src/main.rs": _MAIN,
        "src/cmd/mod.rs": _CMD,
        "src/cmd/cat.rs": _CAT,
        "src/cmd/count.rs": _COUNT,
        "src/config.rs": _CONFIG,
    }


def _callees(files: dict[str, str], caller: str) -> list[tuple[str, str]]:
    return callees_of(files, caller, "Rust", suffix=".rs")


def test_a_module_path_call_reaches_that_module_files_function() -> None:
    found = _callees(_files(), "src/main.rs::main")
    assert ("src/cmd/cat.rs", "run") in found
    assert ("src/cmd/count.rs", "run") in found
    # `Config::new` is a type's function, found through the import, not as a module.
    assert ("src/config.rs", "Config.new") in found


def test_a_child_module_of_the_crate_root_is_reached_by_its_name() -> None:
    files = _files()
    files["src/main.rs"] = _MAIN.replace("mod cmd;", "mod cat;").replace("cmd::cat::", "cat::")
    files["src/cat.rs"] = files.pop("src/cmd/cat.rs")
    found = _callees(files, "src/main.rs::main")
    assert ("src/cat.rs", "run") in found


def test_a_path_whose_module_is_missing_is_not_guessed() -> None:
    files = _files()
    files["src/main.rs"] = _MAIN.replace("cmd::cat::run", "cmd::cats::run")
    found = _callees(files, "src/main.rs::main")
    assert not any(callee == "run" and path.endswith("cat.rs") for path, callee in found)


def test_the_tour_goes_from_main_through_the_dispatch_into_a_command(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path / "repo", _files()), name="csvx")
    steps = [(s.path, s.name) for s in facts.control_paths[0]]
    assert steps[0] == ("src/main.rs", "main")
    assert ("src/cmd/cat.rs", "run") in steps
    assert ("src/cmd/cat.rs", "join_rows") in steps


# xsv's shape: options read into a struct, the command enum's own `run` matches on itself.
_ENUM_MAIN = """mod cmd;

struct Args {
    arg_command: Option<Command>,
    flag_list: bool,
}

enum Command {
    Cat,
    Count,
}

impl Command {
    fn run(self) -> i32 {
        let argv: Vec<String> = std::env::args().collect();
        match self {
            Command::Cat => cmd::cat::run(&argv),
            Command::Count => cmd::count::run(&argv),
        }
    }
}

fn main() {
    let args: Args = read_args();
    match args.arg_command {
        None => std::process::exit(0),
        Some(cmd) => std::process::exit(cmd.run()),
    }
}

fn read_args() -> Args {
    Args { arg_command: None, flag_list: false }
}
"""


def test_a_command_matched_out_of_an_option_field_is_followed_into_its_run() -> None:
    files = {**_files(), "src/main.rs": _ENUM_MAIN}
    assert ("src/main.rs", "Command.run") in _callees(files, "src/main.rs::main")
    dispatched = _callees(files, "src/main.rs::Command.run")
    assert ("src/cmd/cat.rs", "run") in dispatched


def test_a_field_holding_many_commands_is_not_read_as_one() -> None:
    text = _ENUM_MAIN.replace("arg_command: Option<Command>", "arg_command: Vec<Command>")
    files = {**_files(), "src/main.rs": text}
    assert ("src/main.rs", "Command.run") not in _callees(files, "src/main.rs::main")


def test_the_tour_goes_from_main_through_the_enum_dispatch(tmp_path: Path) -> None:
    files = {**_files(), "src/main.rs": _ENUM_MAIN}
    facts = analyse(write(tmp_path / "repo", files), name="csvx")
    steps = [(s.path, s.name) for s in facts.control_paths[0]]
    assert steps[:3] == [
        ("src/main.rs", "main"),
        ("src/main.rs", "Command.run"),
        ("src/cmd/cat.rs", "run"),
    ]


def _chain(names: list[str]) -> str:
    """Functions each calling the next, long enough to be steps of a path."""
    text = ""
    for name, onward in zip(names, [*names[1:], None], strict=True):
        call = f"    total += {onward}(rows);\n" if onward else ""
        text += (
            f"pub fn {name}(rows: &[String]) -> usize {{\n    let mut total = rows.len();\n"
            f"{call}    total += 1;\n    total\n}}\n\n"
        )
    return text


def test_a_branch_never_goes_into_reporting_a_failure(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": _CARGO,
        "src/main.rs": (
            "mod error;\nmod load;\nmod show;\n\nfn main() {\n"
            "    let rows: Vec<String> = std::env::args().collect();\n"
            "    let status = run(&rows);\n    if status == 0 {\n"
            "        crate::error::print_error(&rows);\n    }\n}\n\n"
            "fn run(rows: &[String]) -> usize {\n    let mut total = load::load_rows(rows);\n"
            "    total += show::show_rows(rows);\n    total\n}\n"
        ),
        "src/load.rs": _chain(["load_rows", "parse_rows", "split_rows", "clean_rows"]),
        "src/show.rs": _chain(["show_rows", "layout_rows", "paint_rows", "flush_rows"]),
        "src/error.rs": _chain(["print_error", "sanitize_text", "escape_text", "quote_text"]),
    }
    facts = analyse(write(tmp_path / "repo", files), name="csvx")
    told = {s.name for path in facts.control_paths for s in path}
    assert {"load_rows", "show_rows"} <= told
    assert "print_error" not in told
