"""The two baselines bench_submission.py measures the gateway against. Served by uvicorn.

`naive`: what a first FastAPI version of the gateway would be: the same request model,
a new Redis client for every request, the record SET and the story id LPUSHed on a list.
`minimum`: the same request model and response, and no Redis at all: the floor of a
FastAPI app on this machine.
"""

from __future__ import annotations

import os
import secrets

import redis
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from codestory.core.domain import StoryRequest

naive = FastAPI()
minimum = FastAPI()


@naive.post("/api/v1/stories", status_code=202)
def naive_submit(body: StoryRequest) -> JSONResponse:
    story_id = secrets.token_hex(16)
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client.set(f"naive:story:{story_id}", body.model_dump_json())
        client.lpush("naive:queue", story_id)
    finally:
        client.close()
    return JSONResponse({"id": story_id, "status": "queued"}, status_code=202)


@minimum.post("/api/v1/stories", status_code=202)
def minimum_submit(body: StoryRequest) -> JSONResponse:
    return JSONResponse({"id": secrets.token_hex(16), "status": "queued"}, status_code=202)
