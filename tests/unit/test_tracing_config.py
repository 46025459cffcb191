from __future__ import annotations

import pytest

from codestory.observability.tracing import chosen_exporter


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "none"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "otlp"),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, "otlp"),
        ({"OTEL_TRACES_EXPORTER": "console"}, "console"),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, "none"),
        ({"OTEL_TRACES_EXPORTER": " OTLP,console"}, "otlp"),
    ],
)
def test_exporter_follows_the_standard_variables(env: dict[str, str], expected: str) -> None:
    assert chosen_exporter(env) == expected
