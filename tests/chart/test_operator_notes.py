"""What an operator is told at install: NOTES name the namespace and release the kubectl
plugin needs, and a mode the chart cannot run is refused at render, with the reason."""

from __future__ import annotations

import shlex

import helm_python as helm
import pytest

from codestory.kubectl_plugin.cli import build_parser
from tests.chart.rendering import BASE_VALUES, KEDA_CLUSTER, chart, merge, render, render_manifests


def test_notes_give_the_plugin_its_namespace_and_release() -> None:
    manifests = chart().render(BASE_VALUES, name="tours", namespace="prod", is_install=True)
    text = manifests["codestory/templates/NOTES.txt"]
    (line,) = [x.strip() for x in text.splitlines() if x.strip().startswith("kubectl codestory")]
    args = build_parser().parse_args(shlex.split(line)[2:])  # what the plugin makes of it
    assert (args.namespace, args.release, args.command) == ("prod", "tours", "status")
    assert "/docs" not in text, "the gateway serves no docs page"


def test_degraded_mode_is_refused_while_broker_and_store_are_one_redis() -> None:
    with pytest.raises(helm.HelmError, match=r"config\.syncFallback: degraded mode needs a broker"):
        render({"config": {"syncFallback": True}})
    assert render({"config": {"syncFallback": False}})


def _notes(values: dict[str, object], api_versions: tuple[str, ...]) -> str:
    merged = merge(BASE_VALUES, values)
    manifests = render_manifests(merged, release="tours", api_versions=api_versions)
    return manifests["codestory/templates/NOTES.txt"]


def test_notes_say_how_pools_really_scale_when_the_cluster_has_no_keda() -> None:
    keda = {"keda": {"enabled": "auto"}, "story": {"autoscaling": {"mode": "keda"}}}
    assert "Worker pools (story: keda," in _notes(keda, KEDA_CLUSTER)
    # Without KEDA's API the pool runs its fixed replicas, and NOTES must not say "keda".
    assert "Worker pools (story: none," in _notes(keda, ())


def test_notes_tell_where_a_generated_admin_token_is_kept() -> None:
    text = _notes({"adminToken": ""}, ())
    assert "get secret tours-codestory-secrets -o jsonpath='{.data.admin-token}'" in text
    assert "admin-token" not in _notes({"adminToken": "x" * 32}, ())
