"""A Rust tool's command enum is followed into its handlers the ways clap's users write it:
`Cli::parse().run()` (the derived `parse` makes the type it is called on), a command held
in a plain field (`cli.command.run()`), and a match whose arms hand each variant's payload
on (`Cmd::Add(cmd) => cmd.run()`), even beside a module of the same name (`mod cmd;`)."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from tests.call_graphs import callees_of
from tests.support import write_files as write

_CARGO = '[package]\nname = "jot"\nversion = "0.4.0"\nedition = "2021"\n'
_MAIN = """mod cmd;

use clap::Parser;
use crate::cmd::{Cmd, Run};

fn main() {
    let status = match Cmd::parse().run() {
        Ok(()) => 0,
        Err(_) => 1,
    };
    std::process::exit(status);
}
"""
# The dispatch in the commands' own module, which declares `mod cmd;` for the enum's file.
_DISPATCH = """mod add;
mod cmd;
mod show;

pub use crate::cmd::cmd::*;

pub trait Run {
    fn run(&self) -> Result<(), String>;
}

impl Run for Cmd {
    fn run(&self) -> Result<(), String> {
        match self {
            Cmd::Add(cmd) => cmd.run(),
            Cmd::Show(cmd) => cmd.run(),
        }
    }
}
"""
_ENUM = """use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
pub enum Cmd {
    Add(Add),
    Show(Show),
}

#[derive(Debug, Parser)]
pub struct Add {
    pub text: String,
}

#[derive(Debug, Parser)]
pub struct Show {
    pub all: bool,
}
"""


def _handler(name: str, steps: list[str]) -> str:
    field = "text" if name == "Add" else "all"
    calls = "".join(f"        {step}(&self.{field});\n" for step in steps)
    text = (
        f"use crate::cmd::{{{name}, Run}};\n\nimpl Run for {name} {{\n"
        f"    fn run(&self) -> Result<(), String> {{\n{calls}        Ok(())\n    }}\n}}\n\n"
    )
    for step, onward in zip(steps, [*steps[1:], None], strict=True):
        call = f"    {onward}(value);\n" if onward else ""
        text += (
            f"fn {step}<T: std::fmt::Debug>(value: &T) {{\n{call}"
            '    println!("{:?}", value);\n}\n\n'
        )
    return text


def _files() -> dict[str, str]:
    return {
        "Cargo.toml": _CARGO,
        "src/main.rs": _MAIN,
        "src/cmd/mod.rs": _DISPATCH,
        "src/cmd/cmd.rs": _ENUM,
        "src/cmd/add.rs": _handler("Add", ["store_note"]),
        "src/cmd/show.rs": _handler("Show", ["load_notes", "sort_notes", "print_notes"]),
    }


def _callees(files: dict[str, str], caller: str) -> list[tuple[str, str]]:
    return callees_of(files, caller, "Rust", suffix=".rs")


def test_a_derived_parse_makes_the_type_it_is_called_on() -> None:
    assert ("src/cmd/mod.rs", "Cmd.run") in _callees(_files(), "src/main.rs::main")


def test_each_arm_hands_its_variant_payload_on_to_that_payload_types_method() -> None:
    found = _callees(_files(), "src/cmd/mod.rs::Cmd.run")
    # One call as written, the same trait method of every variant: the first arm's.
    assert found == [("src/cmd/add.rs", "Add.run")]


def test_a_call_only_some_variants_can_take_is_not_guessed() -> None:
    files = _files()
    files["src/cmd/mod.rs"] = _DISPATCH.replace(
        "Cmd::Show(cmd) => cmd.run(),", "Cmd::Show(cmd) => cmd.print(),"
    ).replace("Cmd::Add(cmd) => cmd.run(),", "Cmd::Add(cmd) => cmd.print(),")
    files["src/cmd/add.rs"] += "impl Add {\n    pub fn print(&self) {}\n}\n"
    assert _callees(files, "src/cmd/mod.rs::Cmd.run") == []


def test_a_single_arm_payload_is_its_variants_type() -> None:
    files = _files()
    files["src/cmd/mod.rs"] = _DISPATCH.replace(
        "Cmd::Show(cmd) => cmd.run(),", "Cmd::Show(_) => Ok(()),"
    ).replace("Cmd::Add(cmd) => cmd.run(),", "Cmd::Add(add) => add.run(),")
    assert _callees(files, "src/cmd/mod.rs::Cmd.run") == [("src/cmd/add.rs", "Add.run")]


def test_a_command_held_in_a_plain_field_is_followed() -> None:
    files = _files()
    files["src/cmd/cmd.rs"] = _ENUM + (
        "\n#[derive(Debug, Parser)]\npub struct Cli {\n    #[command(subcommand)]\n"
        "    pub command: Cmd,\n    pub verbose: bool,\n}\n"
    )
    files["src/main.rs"] = (
        "mod cmd;\n\nuse clap::Parser;\nuse crate::cmd::{Cli, Run};\n\nfn main() {\n"
        "    let cli = Cli::parse();\n    cli.command.run().unwrap();\n}\n"
    )
    assert ("src/cmd/mod.rs", "Cmd.run") in _callees(files, "src/main.rs::main")


def test_the_tour_goes_from_main_through_the_enum_into_a_command(tmp_path: Path) -> None:
    facts = analyse(write(tmp_path / "repo", _files()), name="jot")
    told = [(s.path, s.name) for path in facts.control_paths for s in path]
    assert told[:3] == [
        ("src/main.rs", "main"),
        ("src/cmd/mod.rs", "Cmd.run"),
        ("src/cmd/add.rs", "Add.run"),
    ]
