"""Docs that name facts defined in code must name the same ones."""

from __future__ import annotations

import re
from pathlib import Path

from codestory.core.settings import env_names

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_doc_lists_every_setting_and_nothing_else() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, re.MULTILINE))
    assert documented == env_names()


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands[:2] == ["make run", "make test"]


_NUMBERS = {"twelve": 12, "fifteen": 15, "eighteen": 18, "nineteen": 19, "twenty": 20}


def test_readme_counts_the_alerts_the_chart_ships() -> None:
    text = (ROOT / "README.md").read_text()
    said = re.search(r"dashboards and (\w+) alerts", text)
    assert said is not None
    rules = (ROOT / "charts" / "codestory" / "rules" / "codestory.yaml").read_text()
    shipped = set(re.findall(r"alert: ([A-Za-z]+)", rules))
    assert _NUMBERS[said.group(1)] == len(shipped)
