"""A Go program whose `main` sets up logging and then runs its cobra root command
(`rootCmd.Execute()`): the run is toured from the root command's handler (`RunE`), not
from `main` into the setup it calls first."""

from __future__ import annotations

from pathlib import Path

from codestory.analysis import analyse
from codestory.narrative.template import write_script
from tests.support import write_files as write

_MAIN = """package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:  "pager [FILE]",
	RunE: execute,
}

func execute(cmd *cobra.Command, args []string) error {
	text := readSource(args[0])
	return render(text)
}

// readSource reads the file a reader asked for.
func readSource(name string) string {
	data, _ := os.ReadFile(name)
	return string(data)
}

// render prints the text, wrapped to the terminal.
func render(text string) error {
	fmt.Println(wrap(text))
	return nil
}

func wrap(text string) string { return text }

func main() {
	closer, err := setupLog()
	if err != nil {
		os.Exit(1)
	}
	if err := rootCmd.Execute(); err != nil {
		_ = closer()
		os.Exit(1)
	}
	_ = closer()
}
"""

_LOG = """package main

import "os"

// setupLog opens the log file in the cache folder.
func setupLog() (func() error, error) {
	f, err := os.Create(logPath())
	return f.Close, err
}

func logPath() string { return os.TempDir() + "/pager.log" }
"""


def test_main_running_its_root_command_is_toured_from_its_handler(tmp_path: Path) -> None:
    files = {
        "go.mod": "module example.com/pager\n\ngo 1.22\n\nrequire github.com/spf13/cobra v1.8.0\n",
        "main.go": _MAIN,
        "log.go": _LOG,
    }
    facts = analyse(write(tmp_path / "repo", files), name="pager")
    # No path walks `main` into its setup; the first is the root command's run.
    assert all(s.name != "setupLog" for path in facts.control_paths for s in path)
    assert facts.control_paths[0][0].name == "execute"
    told = "\n".join(c.text for c in write_script(facts).chapters)
    assert "`setupLog`" not in told
    assert "Take the `pager` command: `execute` in `main.go` handles it" in told
