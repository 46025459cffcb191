"""OpenTelemetry tracing: one trace per story, from the POST to the last upload.

Configured only by the standard variables: `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`), `OTEL_TRACES_EXPORTER`
(`otlp`, `console`, `none`) and the `OTEL_BSP_*` batch settings. With no endpoint and no
exporter named, nothing is sent anywhere and spans are not recorded (sampled out, unless
`OTEL_TRACES_SAMPLER` says otherwise): trace ids still reach logs and story records, but
no process pays for attributes and events that nobody collects.

Celery carries the context in message headers (opentelemetry-instrumentation-celery), so
the story task's span is a child of the gateway's publish span, and so on down the chain.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, Sampler

TRACER_NAME = "codestory"
_provider: TracerProvider | None = None


def chosen_exporter(env: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """Which exporter the standard variables ask for: otlp, console or none."""
    named = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if named:
        return named.split(",")[0]
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return "otlp"
    return "none"


def chosen_sampler(
    kind: str, env: dict[str, str] | os._Environ[str] = os.environ
) -> Sampler | None:
    """ALWAYS_OFF when spans go nowhere; None (the SDK's choice, which reads
    OTEL_TRACES_SAMPLER) when they are exported or a sampler is named."""
    if kind == "none" and not env.get("OTEL_TRACES_SAMPLER", "").strip():
        return ALWAYS_OFF
    return None


def _exporter(kind: str) -> SpanExporter | None:
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()  # endpoint, headers, timeout: from OTEL_EXPORTER_OTLP_*
    if kind == "console":
        return ConsoleSpanExporter()
    return None


def configure_tracing(service: str | None) -> TracerProvider:
    """Install the tracer provider once per process; later calls return the same one.

    `service` names the default `service.name`; OTEL_SERVICE_NAME, when set, wins.
    """
    global _provider
    if _provider is not None:
        return _provider
    # Resource.create also merges OTEL_RESOURCE_ATTRIBUTES.
    name = os.environ.get("OTEL_SERVICE_NAME") or f"codestory-{service or 'service'}"
    resource = Resource.create({"service.name": name})
    kind = chosen_exporter()
    provider = TracerProvider(resource=resource, sampler=chosen_sampler(kind))
    exporter = _exporter(kind)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def instrument_celery() -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor

    instrumentor = CeleryInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def instrument_redis() -> None:
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    instrumentor = RedisInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


@contextmanager
def untraced() -> Iterator[None]:
    """Probes and background checks: their Redis calls would be a trace every few seconds
    per pod, burying the stories' traces."""
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    with suppress_instrumentation():
        yield


def shutdown_tracing() -> None:
    """Flush what is batched; called as a process ends."""
    if _provider is not None:
        _provider.shutdown()


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[trace.Span]:
    with tracer().start_as_current_span(name, attributes=attributes) as current:
        yield current


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else None


def current_span_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return trace.format_span_id(context.span_id) if context.is_valid else None
