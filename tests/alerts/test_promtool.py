"""The alert rules through the real promtool: syntax, and each alert's unit tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[1] / "charts" / "codestory" / "rules" / "codestory.yaml"
RUNBOOKS = HERE.parents[1] / "docs" / "runbooks.md"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: `make test` installs Debian's prometheus package"
    return path


def test_rules_are_valid(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_fires_and_stays_quiet_as_specified(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", "codestory_test.yaml"], cwd=HERE, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_every_alert_is_unit_tested_both_ways() -> None:
    tests = yaml.safe_load((HERE / "codestory_test.yaml").read_text())["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    for rule in alerts():
        name = rule["alert"]
        mine = [c for c in cases if c["alertname"] == name]
        assert any(c["exp_alerts"] for c in mine), f"{name} is never shown firing"
        assert any(not c["exp_alerts"] for c in mine), f"{name} is never shown staying quiet"


def test_every_alert_has_a_summary_description_and_runbook() -> None:
    runbooks = RUNBOOKS.read_text().lower()
    for rule in alerts():
        annotations = rule["annotations"]
        assert isinstance(annotations, dict)
        assert annotations["summary"] and annotations["description"]
        anchor = str(annotations["runbook_url"]).rsplit("#", 1)[1]
        assert f"## {rule['alert']}".lower() in runbooks, f"no runbook section for {rule['alert']}"
        assert anchor == str(rule["alert"]).lower()
