"""One story, one trace: spans from the gateway and both workers, exported over OTLP/HTTP
to a receiver in this test, linked parent to child as the work flowed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from tests.support import (
    SAMPLE_PROJECT,
    fresh_stack,
    make_repo,
    wait_for,
)

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class ReceivedSpan:
    name: str
    service: str
    trace_id: str
    span_id: str
    parent_id: str


class Receiver:
    """The smallest OTLP/HTTP traces endpoint: decode each export, keep the spans."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest.FromString(body)
                with receiver.lock:
                    for resource_spans in request.resource_spans:
                        attrs = {
                            a.key: a.value.string_value for a in resource_spans.resource.attributes
                        }
                        for scope in resource_spans.scope_spans:
                            for span in scope.spans:
                                receiver.spans.append(
                                    ReceivedSpan(
                                        span.name,
                                        attrs.get("service.name", ""),
                                        span.trace_id.hex(),
                                        span.span_id.hex(),
                                        span.parent_span_id.hex(),
                                    )
                                )
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of_trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.server.shutdown()


def test_one_story_is_one_trace(redis_server_url: str, tmp_path: Path, receiver: Receiver) -> None:
    stack = fresh_stack(
        redis_server_url,
        tmp_path,
        CODESTORY_LOG_FORMAT="json",
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{receiver.port}",
        OTEL_BSP_SCHEDULE_DELAY="100",
    )
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        story_id = stack.submit(repo)
        story = stack.wait_status(story_id, {"complete"})
        trace_id = story["trace_id"]
        assert trace_id and len(trace_id) == 32, "the record carries its trace id"

        # A span is exported when it ends, and parents end after their children: wait for
        # every span asserted on below, not just the last stage.
        expected = {
            "POST /api/v1/stories",
            "apply_async/codestory.story.generate",
            "run/codestory.story.generate",
            "fetch",
            "analyse",
            "narrate",
            "apply_async/codestory.audio.synthesize",
            "run/codestory.audio.synthesize",
            "speak",
            "encode",
            "upload",
        }

        def all_exported() -> bool:
            return expected <= {s.name for s in receiver.of_trace(trace_id)}

        wait_for(all_exported, 30, "every span of the story")
        spans = receiver.of_trace(trace_id)
        by_name: dict[str, list[ReceivedSpan]] = {}
        for span in spans:
            by_name.setdefault(span.name, []).append(span)

        def one(name: str) -> ReceivedSpan:
            assert len(by_name.get(name, [])) == 1, (name, sorted(by_name))
            return by_name[name][0]

        post = one("POST /api/v1/stories")
        publish_story = one("apply_async/codestory.story.generate")
        run_story = one("run/codestory.story.generate")
        publish_audio = one("apply_async/codestory.audio.synthesize")
        run_audio = one("run/codestory.audio.synthesize")
        assert post.service == "codestory-gateway" and post.parent_id == ""
        assert publish_story.service == "codestory-gateway"
        assert run_story.service == "codestory-story-worker"
        assert run_audio.service == "codestory-audio-worker"
        ids = {s.span_id: s for s in spans}

        def ancestors(span: ReceivedSpan) -> list[str]:
            chain = []
            while span.parent_id:
                span = ids[span.parent_id]
                chain.append(span.name)
            return chain

        assert publish_story.span_id in {
            s.parent_id for s in by_name["run/codestory.story.generate"]
        }
        assert run_audio.parent_id == publish_audio.span_id
        for stage in ("fetch", "analyse", "narrate"):
            assert one(stage).parent_id == run_story.span_id, stage
        assert ancestors(publish_audio)[0] == "run/codestory.story.generate"
        for stage in ("speak", "encode", "upload"):
            assert one(stage).parent_id == run_audio.span_id, stage
        chapters = by_name["speak.chapter"]
        assert len(chapters) == len(story["chapters"])
        assert {c.parent_id for c in chapters} == {one("speak").span_id}
        assert ancestors(one("upload"))[-1] == "POST /api/v1/stories", "one unbroken chain"

        # ...and the worker's log lines point into the same trace.
        logged = (stack.log_dir / "story.log").read_text()
        assert f'"trace_id": "{trace_id}"' in logged

        # Probes and KEDA's reads come every few seconds: none of them is a trace.
        with receiver.lock:
            before = len(receiver.spans)
        for path in ("/readyz", "/health", "/scaling", "/healthz") * 3:
            assert stack.http.get(path).status_code == 200
        stack.http.get("/api/v1/stories")  # a traced request, so an export surely follows
        wait_for(lambda: any(s.name == "GET /api/v1/stories" for s in receiver.spans), 30, "export")
        with receiver.lock:
            later = receiver.spans[before:]
        # A Redis command outside any request (the probes' routes are not traced) would be
        # a trace of its own; the story list's commands sit under their request.
        roots = [s for s in later if s.name.isupper() and not s.parent_id]
        assert not roots, f"a health read's Redis command was traced: {roots[:3]}"
    finally:
        stack.stop()
