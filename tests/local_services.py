"""Small HTTP servers on 127.0.0.1 that speak the OpenAI chat and speech protocols.

They stand where a hosted model or speech service would, so the narrator and the voice are
tested over real HTTP, including the ways such services fail: errors, silence, nonsense.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.json_http import serving

SLOW_SECONDS = 3.0


class _Handler(BaseHTTPRequestHandler):
    server: LocalService

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        del format, args

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), **body})
        mode = self.server.mode
        if mode == "slow":
            time.sleep(SLOW_SECONDS)
        if mode == "error":
            self._send(503, b'{"error": {"message": "overloaded"}}', "application/json")
            return
        if self.path.endswith("/chat/completions"):
            self._send(200, *self.server.chat(body))
        elif self.path.endswith("/audio/speech"):
            self._send(200, *self.server.speech(body))
        else:
            self._send(404, b"{}", "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client stopped waiting: what the "slow" mode is for


class LocalService(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.requests: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    # --- chat completions: a model that retells the outline ------------------------------
    def chat(self, body: dict[str, Any]) -> tuple[bytes, str]:
        outline = json.loads(body["messages"][-1]["content"])["chapters"]
        if self.mode == "garbage":
            content = "Sure! Here is your story: once upon a time..."
        else:
            chapters = [self._retell(c, first=i == 0) for i, c in enumerate(outline)]
            content = json.dumps({"chapters": chapters})
        reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        return json.dumps(reply).encode(), "application/json"

    def _retell(self, chapter: dict[str, Any], *, first: bool) -> dict[str, Any]:
        paragraphs = [f"Let us look closer. {p}" for p in chapter["paragraphs"]]
        if self.mode == "one-lie" and first:  # one invented claim in the whole story
            paragraphs[0] += " It also ships `src/secret_engine.py` with 4,242 tests."
        if self.mode == "liar":  # every paragraph invented
            paragraphs = ["The core lives in `src/imaginary.py`, about 9,999 lines."] * len(
                paragraphs
            )
        return {"title": chapter["title"], "paragraphs": paragraphs}

    # --- speech: a voice that hums for as long as the text would take --------------------
    def speech(self, body: dict[str, Any]) -> tuple[bytes, str]:
        if self.mode == "garbage":
            return b"ID3 this is not a wav file", "audio/wav"
        words = len(re.findall(r"\w+", body["input"]))
        seconds = max(words, 1) * 60 / 165 / float(body.get("speed", 1.0))
        return tone_wav(seconds, rate=16_000), "audio/wav"


def tone_wav(seconds: float, rate: int, channels: int = 2) -> bytes:
    """A stereo 220 Hz hum: a voice's rate and layout that the engine must convert."""
    frames = int(seconds * rate)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        sample = [int(8000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(frames)]
        wav.writeframes(b"".join(struct.pack("<h", s) * channels for s in sample))
    return out.getvalue()


@contextmanager
def local_service(mode: str = "faithful") -> Iterator[LocalService]:
    with serving(LocalService(mode)) as server:
        yield server
