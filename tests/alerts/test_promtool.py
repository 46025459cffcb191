"""The alert rules as the chart renders them, through the real promtool: syntax, and each
alert's unit tests; and the thresholds follow the release's values."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from codestory.core.domain import CLIENT_ERRORS
from tests.promql import metric_names, rendered_rules

HERE = Path(__file__).resolve().parent
RUNBOOKS = HERE.parents[1] / "docs" / "runbooks.md"
CASES = HERE / "codestory_test.yaml"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: `make test` installs Debian's prometheus package"
    return path


# One Prometheus, two releases: the same chart installed as `cs` in two namespaces, each
# with its own rules, the way the cases in codestory_test.yaml expect them.
RELEASES = {"codestory.yaml": "codestory", "other.yaml": "other"}


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered rules of both releases beside the unit tests, which name them by file."""
    folder = tmp_path_factory.mktemp("rules")
    for file, namespace in RELEASES.items():
        spec = rendered_rules(namespace=namespace)
        (folder / file).write_text(yaml.safe_dump(spec, sort_keys=False))
    cases = yaml.safe_load(CASES.read_text())
    assert cases["rule_files"] == list(RELEASES)
    (folder / "codestory_test.yaml").write_text(yaml.safe_dump(cases, sort_keys=False))
    return folder


def test_rules_are_valid(promtool: str, rules_dir: Path) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", *RELEASES],
        cwd=rules_dir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_fires_and_stays_quiet_as_specified(promtool: str, rules_dir: Path) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", "codestory_test.yaml"],
        cwd=rules_dir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def alerts(spec: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    groups = (spec or rendered_rules())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def by_name(spec: dict[str, Any], name: str) -> dict[str, Any]:
    (rule,) = [r for r in alerts(spec) if r["alert"] == name]
    return rule


def test_every_alert_is_unit_tested_both_ways() -> None:
    tests = yaml.safe_load(CASES.read_text())["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    for name in {rule["alert"] for rule in alerts()}:
        mine = [c for c in cases if c["alertname"] == name]
        assert any(c["exp_alerts"] for c in mine), f"{name} is never shown firing"
        assert any(not c["exp_alerts"] for c in mine), f"{name} is never shown staying quiet"


def test_every_alert_has_a_summary_description_and_runbook() -> None:
    runbooks = RUNBOOKS.read_text().lower()
    for rule in alerts():
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"]
        anchor = str(annotations["runbook_url"]).rsplit("#", 1)[1]
        assert f"## {rule['alert']}".lower() in runbooks, f"no runbook section for {rule['alert']}"
        assert anchor == str(rule["alert"]).lower()


def test_thresholds_follow_the_values() -> None:
    spec = rendered_rules(
        {
            "config": {"storyTimeLimit": 600, "storySoftTimeLimit": 500},
            "audio": {"env": {"audioTimeLimitMax": 2400}},
            "metrics": {
                "prometheusRule": {"alerts": {"backlogLength": 50, "oldestMessageSeconds": 1200}},
                "podMonitor": {"scrapeTimeout": "20s"},
            },
        }
    )
    near = by_name(spec, "CodestoryTaskNearHardLimit")["expr"]
    assert "> 480" in near and "> 1920" in near, near
    assert ") > 50\n" in by_name(spec, "CodestoryQueueBacklogGrowing")["expr"]
    oldest = by_name(spec, "CodestoryOldestMessageTooOld")
    assert "> 1200" in oldest["expr"] and "20 minutes" in oldest["annotations"]["summary"]
    assert "> 16" in by_name(spec, "CodestoryBrokerScrapeSlow")["expr"]


def test_client_caused_failures_never_page() -> None:
    spec = rendered_rules()
    wanted = "|".join(sorted(str(e) for e in CLIENT_ERRORS))
    for name in ("CodestoryStoryFailureRateHigh", "CodestoryDLQGrowing"):
        expr = by_name(spec, name)["expr"]
        excluded = expr.split('error_type!~"', 1)[1].split('"', 1)[0]
        assert "|".join(sorted(excluded.split("|"))) == wanted, name


def test_pools_that_must_always_run_are_watched_for_absence() -> None:
    watched = {r["labels"]["pool"] for r in alerts() if r["alert"] == "CodestoryPoolAbsent"}
    assert watched == {"story", "janitor"}, "audio scales to zero: its absence is no alarm"
    spec = rendered_rules({"story": {"autoscaling": {"minReplicas": 0}}})
    watched = {r["labels"]["pool"] for r in alerts(spec) if r["alert"] == "CodestoryPoolAbsent"}
    assert watched == {"janitor"}


def test_every_selector_names_the_release_namespace_and_pods() -> None:
    """One Prometheus often watches several releases, and a monitor may live in another
    namespace (which changes `job`): every series a rule reads is picked by the release's
    namespace and pod names, never by `job`, and every alert keeps `namespace`."""
    spec = rendered_rules(release="blue", namespace="tours")
    scope = re.compile(r'^\{namespace="tours", pod=~"blue-codestory-[^"]+"')
    for rule in alerts(spec):
        expr = str(rule["expr"])
        assert "job" not in expr, rule["alert"]
        for name in metric_names(expr):
            for match in re.finditer(rf"(?<![\w\"]){name}\b", expr):
                selector = expr[match.end() :]
                assert scope.match(selector), (rule["alert"], name, selector[:80])
