"""A Go tool's own command table: `&Cmd{Name: "allow", Action: withConfig(allowAction)}`
values of its own `Cmd` type, each handler named, perhaps wrapped in a conversion or a
decorator. The tour takes a command there as it does a framework's."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.analysis.syntax import parse_source
from tests.support import write_files as write

_COMMANDS = """package cmd

type action func(args []string) error

// Cmd is one sub-command.
type Cmd struct {
	Name   string
	Action action
}

func withTimeout(fn action) action { return fn }

func withConfig(fn func(args []string) error) action { return action(fn) }

// CmdAllow is `envy allow`.
var CmdAllow = &Cmd{
	Name:   "allow",
	Action: withTimeout(withConfig(allowAction)),
}

var CmdHelp = &Cmd{
	Name: "help",
	Action: func(args []string) error {
		return nil
	},
}

var CmdList = []*Cmd{CmdAllow, CmdHelp}

// Dispatch runs the command named by the first argument.
func Dispatch(args []string) error {
	for _, c := range CmdList {
		if c.Name == args[1] {
			return c.Action(args)
		}
	}
	return nil
}

func allowAction(args []string) error {
	path := findRC(args[0])
	return grant(path)
}

func findRC(dir string) string {
	name := dir + "/.envrc"
	return hashed(name)
}

func hashed(name string) string {
	out := name + ".sum"
	return out
}

func grant(path string) error {
	_ = path
	return nil
}
"""


def test_a_tools_own_command_table_names_its_handlers() -> None:
    syntax = parse_source("internal/cmd/commands.go", "Go", _COMMANDS.encode())
    assert syntax is not None
    found = {(name, handler) for name, handler, _, _ in syntax.commands}
    # The wrapped handler is named; a handler written in place in one's own table is not
    # taken (a framework's package writes its help command so).
    assert found == {("allow", "allowAction")}


def test_the_tour_takes_the_command_the_readme_shows(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.org/envy\n\ngo 1.22\n",
        "README.md": "# envy\n\nLoads `.envrc` files.\n\n```sh\n$ envy allow .\n```\n",
        "main.go": 'package main\n\nimport (\n\t"os"\n\n\t"example.org/envy/internal/cmd"\n)\n\n'
        "func main() {\n\tcmd.Dispatch(os.Args)\n}\n",
        "internal/cmd/commands.go": _COMMANDS,
    }
    facts = analyse(write(tmp_path / "repo", files), name="envy")
    commanded = [p for p in facts.control_paths if p[0].command == "allow"]
    assert commanded, [[s.name for s in p] for p in facts.control_paths]
    assert [s.name for s in commanded[0]][:2] == ["allowAction", "findRC"]
