from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from codestory.observability.tracing import chosen_exporter, chosen_sampler


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


def test_spans_that_go_nowhere_are_not_recorded_but_keep_their_trace_id() -> None:
    assert chosen_sampler("none", {}) is ALWAYS_OFF
    assert chosen_sampler("none", {"OTEL_TRACES_SAMPLER": "always_on"}) is None
    assert chosen_sampler("otlp", {}) is None
    tracer = TracerProvider(sampler=chosen_sampler("none", {})).get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        assert not span.is_recording()
        assert span.get_span_context().is_valid  # logs and records still get a trace id
