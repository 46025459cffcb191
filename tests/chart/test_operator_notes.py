"""What an operator is told at install: NOTES name the namespace and release the kubectl
plugin needs, and a mode the chart cannot run is refused at render, with the reason."""

from __future__ import annotations

import shlex

import helm_python as helm
import pytest

from codestory.kubectl_plugin.cli import build_parser
from tests.chart.rendering import BASE_VALUES, chart, render


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
