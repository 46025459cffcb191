"""Pull metric names out of PromQL expressions (dashboards, alert rules, KEDA queries)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = {
    "abs",
    "absent",
    "absent_over_time",
    "avg",
    "avg_over_time",
    "bottomk",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "count",
    "count_over_time",
    "count_values",
    "delta",
    "deriv",
    "exp",
    "floor",
    "group",
    "histogram_quantile",
    "idelta",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "last_over_time",
    "ln",
    "log2",
    "log10",
    "max",
    "max_over_time",
    "min",
    "min_over_time",
    "predict_linear",
    "quantile",
    "quantile_over_time",
    "rate",
    "resets",
    "round",
    "scalar",
    "sort",
    "sort_desc",
    "sqrt",
    "stddev",
    "stdvar",
    "sum",
    "sum_over_time",
    "time",
    "timestamp",
    "topk",
    "vector",
}
KEYWORDS = {
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
}


def metric_names(expr: str) -> set[str]:
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings, including label values
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    tokens = set(re.findall(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*", text))
    return {t for t in tokens if t.lower() not in KEYWORDS and t not in FUNCTIONS}


def dashboard_exprs() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "charts" / "codestory" / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel["targets"]:
                found[f"{path.name}: {panel['title']} {target['refId']}"] = target["expr"]
        for variable in board["templating"]["list"]:
            if variable.get("type") == "query":
                # label_values(<selector>, <label>): the selector may hold commas itself
                query = re.sub(r"label_values\((.*),\s*\w+\)$", r"\1", variable["query"])
                found[f"{path.name}: ${variable['name']}"] = query
    return found


def rendered_rules(
    values: dict[str, Any] | None = None, *, release: str = "cs", namespace: str = "codestory"
) -> dict[str, Any]:
    """The alert rules as the chart renders them for one release (thresholds follow the
    values; selectors follow its namespace and name)."""
    from tests.chart.rendering import named, render

    enabled = {"metrics": {"prometheusRule": {"enabled": True}}}
    objects = render(merge_values(enabled, values or {}), release=release, namespace=namespace)
    spec: dict[str, Any] = named(objects, "PrometheusRule", "-codestory")["spec"]
    return spec


def merge_values(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    from tests.chart.rendering import merge

    return merge(base, extra)


def rule_exprs() -> dict[str, str]:
    rules = rendered_rules()
    return {
        f"alert {rule['alert']}": rule["expr"]
        for group in rules["groups"]
        for rule in group["rules"]
    }
