"""Every setting codestory reads, from the environment, in one class.

`REDIS_URL`, `CELERY_BROKER_URL` and `CELERY_RESULT_BACKEND` keep their conventional names;
everything else is `CODESTORY_*`. The Helm chart sets only names that are fields here.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import sys
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_ADMIN_TOKEN_LENGTH = 24
API_KEY_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class Environment(StrEnum):
    LOCAL = "local"
    PRODUCTION = "production"


class SpeechEngineChoice(StrEnum):
    HIBARI = "hibari"
    ESPEAK = "espeak-ng"


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


def redis_url_with_db(url: str, db: int) -> str:
    """Return `url` pointing at database `db` (broker on 0, results on 1)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def redis_url_with_tls(url: str, ca_file: str, insecure: bool) -> str:
    """Spell the TLS policy out in a rediss:// URL, where every client reads it: redis-py,
    Celery's broker and result backend, RedBeat and Flower. Options already in the URL win.

    Left to themselves, Kombu verifies nothing for a bare rediss:// URL and Celery's result
    backend refuses to start; here verification is on unless switched off by name.
    """
    parts = urlsplit(url)
    if parts.scheme != "rediss":
        return url
    query = dict(parse_qsl(parts.query))
    query.setdefault("ssl_cert_reqs", "none" if insecure else "required")
    if insecure:
        query.setdefault("ssl_check_hostname", "false")
    if ca_file and not insecure:
        query.setdefault("ssl_ca_certs", ca_file)
    query_text = urlencode(query, safe="/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query_text, parts.fragment))


def redis_url_with_password(url: str, password: str) -> str:
    """Put `password` into a redis:// URL that has none."""
    parts = urlsplit(url)
    if not password or parts.password or parts.scheme == "unix":
        return url
    netloc = f"{parts.username or ''}:{quote(password, safe='')}@{parts.netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


PositiveSeconds = Annotated[float, Field(gt=0)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CODESTORY_", extra="ignore")

    # Redis: one server, broker on db 0, results on db 1, records wherever REDIS_URL points.
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0", validation_alias=AliasChoices("REDIS_URL")
    )
    celery_broker_url: str = Field(default="", validation_alias=AliasChoices("CELERY_BROKER_URL"))
    celery_result_backend: str = Field(
        default="", validation_alias=AliasChoices("CELERY_RESULT_BACKEND")
    )
    # Kept apart from the URLs so they can live in a ConfigMap and this in a Secret.
    redis_password: str = ""
    # rediss:// URLs: the server's certificate is always verified, against this CA bundle
    # (empty: the system's), unless verification is switched off explicitly.
    redis_tls_ca_file: str = ""
    redis_tls_insecure: bool = False

    environment: Environment = Environment.LOCAL
    # Outside local mode: at least 24 characters, or the process refuses to start. In local
    # mode an empty token becomes a random one (`codestory up` generates and prints its own).
    admin_token: str = ""
    # API keys, name -> SHA-256 hex digest of the key (never the key itself): when any is
    # set, every story route needs one, and a key sees only the stories it submitted.
    # `codestory api-key NAME` makes a key and prints its entry.
    api_keys: dict[str, str] = Field(default_factory=dict)
    instance: str = ""  # set by `codestory up` so it talks only to the gateway it started
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.JSON

    # Gateway
    gateway_host: str = "127.0.0.1"
    # Where /metrics listens; empty: the gateway's interface (loopback unless set otherwise).
    metrics_host: str = ""
    gateway_port: int = Field(default=8000, ge=1, le=65535)
    public_base_url: str = ""
    # Host names the gateway answers to (a request naming another gets 400): a page on
    # another site that rebinds its name to this server is refused. Empty: loopback names
    # in local mode, otherwise any (set the ingress host and the Service's names).
    server_names: list[str] = Field(default_factory=list)
    allow_local_paths: bool = False
    # Local folders are read only under these, and only for a caller with the admin token.
    local_roots: list[Path] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(default_factory=list)
    allowed_ports: list[int] = Field(default_factory=lambda: [443])  # for https Git URLs
    max_url_length: int = Field(default=2048, ge=64)
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)  # a story request is a few hundred
    # Request headers: a larger block or more fields get 431; headers not all in within
    # the timeout (from a connection's first byte, or a request's) get 408 and a close.
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    max_headers: int = Field(default=100, ge=10)
    header_timeout_seconds: PositiveSeconds = 10.0
    # Peers (addresses or networks, e.g. an ingress controller's pod range) whose
    # X-Forwarded-For / X-Forwarded-Proto are believed; empty: no one's, the peer address
    # is the client. "*" trusts every peer: only when nothing but a proxy can connect.
    trusted_proxies: list[str] = Field(default_factory=list)
    # Per client (its address; the admin is exempt), and for the whole service.
    submit_rate_per_minute: int = Field(default=20, ge=1)
    # Every client together (0: no such limit); shared by all gateways through Redis.
    submit_rate_per_minute_total: int = Field(default=300, ge=0)
    max_active_per_client: int = Field(default=10, ge=1)
    max_queued_stories: int = Field(default=1000, ge=1)
    max_streams_per_client: int = Field(default=20, ge=1)  # open SSE/WebSocket progress streams
    max_focus_areas: int = Field(default=5, ge=0, le=20)
    sse_ping_seconds: PositiveSeconds = 15.0
    redis_retry_after_seconds: int = Field(default=5, ge=1)

    # Artifact store: file:///dir or s3://bucket/prefix
    artifact_url: str = "file:///var/lib/codestory/artifacts"
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""

    # Celery behaviour
    # Celery's rate limit applies per worker process, which throttles one worker rather than
    # protecting the system: off by default (the gateway's limits do that), "" means none.
    story_rate_limit: str = ""
    story_soft_time_limit: PositiveSeconds = 240.0
    story_time_limit: PositiveSeconds = 300.0
    audio_soft_time_limit_min: PositiveSeconds = 60.0
    audio_time_limit_max: PositiveSeconds = 1800.0
    visibility_timeout: PositiveSeconds = 3600.0
    worker_max_tasks_per_child: int = Field(default=50, ge=1)
    worker_concurrency: int = Field(default=1, ge=1, le=64)
    task_max_retries: int = Field(default=3, ge=0)
    retry_backoff_max_seconds: int = Field(default=60, ge=1)
    # A stage whose worker died this many times in a row is a poison pill: it goes to the DLQ.
    max_deliveries: int = Field(default=3, ge=1)

    # Records, progress and leases
    progress_ttl_seconds: int = Field(default=3600, ge=60)
    lease_ttl_seconds: int = Field(default=30, ge=3)
    stuck_after_seconds: int = Field(default=300, ge=1)
    max_requeues: int = Field(default=3, ge=0)  # janitor recoveries before a story fails
    # Degraded mode: with the broker unreachable (the record store still up), the gateway
    # runs a submitted story itself in a small pool instead of answering 503.
    sync_fallback: bool = False
    sync_fallback_workers: int = Field(default=1, ge=1, le=8)
    sync_fallback_queue: int = Field(default=4, ge=0, le=100)  # waiting beyond those running
    janitor_sweep_seconds: PositiveSeconds = 30.0
    # Watched repositories: how often the janitor looks for watches that are due, the
    # shortest interval a watch may ask for, and how many watches one client may keep.
    watch_scan_seconds: PositiveSeconds = 60.0
    watch_min_interval_seconds: int = Field(default=900, ge=1)
    max_watches_per_client: int = Field(default=20, ge=0)
    janitor_expire_seconds: PositiveSeconds = 3600.0
    # In Kubernetes: the janitor keeps each worker pod's pod-deletion-cost at the tasks it
    # runs, so scale-in removes idle workers first (needs RBAC to patch pods; the chart's).
    pod_deletion_cost: bool = False
    pod_deletion_cost_seconds: PositiveSeconds = 15.0
    retention_days: PositiveSeconds = 7.0
    idempotency_ttl_seconds: int = Field(default=86400, ge=60)

    # Fetching
    clone_timeout_seconds: PositiveSeconds = 120.0
    max_repo_bytes: int = Field(default=500 * 1024 * 1024, ge=1024)
    max_repo_files: int = Field(default=50_000, ge=1)
    # Processes that parse a large repository; 0: as many as the pod's CPU limit allows.
    analysis_processes: int = Field(default=0, ge=0, le=64)
    # One file may take this long to parse; a slower one (a crafted input) is left out.
    analysis_file_seconds: PositiveSeconds = 5.0
    # Commits of history to read (blob-less, so old file contents are never fetched); 1: none.
    history_depth: int = Field(default=200, ge=1, le=10_000)
    work_dir: Path = Path("/tmp/codestory-work")
    # Parsed files kept by content under work_dir, so a retell re-parses only what changed;
    # 0 keeps none.
    syntax_cache_bytes: int = Field(default=200 * 1024 * 1024, ge=0)

    # Speech: hibari (a neural voice, in the audio image) by default; espeak-ng speaks a
    # story when hibari is missing or fails, or always when chosen here.
    speech_engine: SpeechEngineChoice = SpeechEngineChoice.HIBARI
    # hibari's voice: `heart` ships in its wheel; others only from HIBARI_HOME, never fetched.
    hibari_voice: str = Field(default="heart", pattern=r"^[a-z][a-z0-9_]{0,31}$")
    voice: str = "en-us"  # espeak-ng's
    speech_words_per_minute: int = Field(default=165, ge=80, le=450)
    # espeak-ng's pause between words: 30 ms makes its words far easier to make out.
    espeak_word_gap_ms: int = Field(default=30, ge=0, le=500, multiple_of=10)
    mp3_bitrate_kbps: int = Field(default=64, ge=32, le=320)
    # Chapters of one story hibari speaks at once, in threads over its one model;
    # 0: as many as the CPUs the cgroup quota allows.
    speech_chapter_workers: int = Field(default=0, ge=0, le=64)

    # Optional LLM narrator: an OpenAI-compatible chat-completions endpoint. Empty: off.
    llm_base_url: str = ""
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = ""  # from the Secret
    llm_timeout_seconds: PositiveSeconds = 60.0
    # More of the model's sentences than this failing the fact check: use the template.
    llm_max_dropped_share: float = Field(default=0.25, ge=0.0, le=1.0)

    # Optional speech service: an OpenAI-compatible /v1/audio/speech endpoint. Empty: off.
    tts_base_url: str = ""
    tts_model: str = "tts-1"
    tts_voice: str = "alloy"
    tts_api_key: str = ""  # from the Secret
    tts_timeout_seconds: PositiveSeconds = 60.0

    # Worker health
    heartbeat_dir: Path = Path("/tmp/codestory-heartbeat")
    heartbeat_interval_seconds: PositiveSeconds = 5.0
    worker_ttl_seconds: int = Field(default=30, ge=5)
    # How long a worker's loop may stall while the broker answers before liveness fails.
    liveness_grace_seconds: PositiveSeconds = 60.0
    # A broker that does not answer is ridden out this long (alive, not ready), so an outage
    # never restarts every worker at once; past it, a restart may help after all.
    broker_outage_tolerance_seconds: PositiveSeconds = 900.0
    # Work waiting, a free slot, and nothing taken for this long: the consumer is wedged.
    consume_stall_seconds: PositiveSeconds = 120.0
    # Queues whose workers scale to zero when idle (KEDA minReplicaCount 0): with nothing
    # waiting, no consumer there is no fault for /health/celery. The chart sets it.
    scale_to_zero_queues: list[str] = Field(default_factory=list)

    # Metrics: every service serves /metrics on this port (0 turns it off).
    metrics_port: int = Field(default=9100, ge=0, le=65535)
    # Prefork workers' multiprocess metric files; emptied when a worker starts.
    metrics_dir: Path = Path("/tmp/codestory-metrics")

    # Slows each pipeline stage down; only scripts/fault_injection.py and tests set it.
    debug_stage_delay_seconds: float = Field(default=0.0, ge=0.0, le=60.0)

    @field_validator("redis_url", "celery_broker_url", "celery_result_backend")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("artifact_url")
    @classmethod
    def _artifact_scheme(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme == "file" and parts.path.startswith("/"):
            return value
        if parts.scheme == "s3" and parts.netloc:
            return value
        raise ValueError("must be file:///absolute/dir or s3://bucket[/prefix]")

    @property
    def answered_hosts(self) -> list[str]:
        if self.server_names:
            return self.server_names
        if self.environment is Environment.LOCAL:
            return ["127.0.0.1", "localhost", "::1"]
        return ["*"]  # behind an ingress: the chart's config.serverNames narrows it

    @property
    def metrics_bind(self) -> str:
        return self.metrics_host or self.gateway_host

    @field_validator("api_keys")
    @classmethod
    def _api_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for name, digest in value.items():
            if not API_KEY_NAME.fullmatch(name):
                raise ValueError(f"key name {name[:64]!r} must be 1-64 of A-Z a-z 0-9 . _ -")
            if not SHA256_HEX.fullmatch(digest):
                raise ValueError(
                    f"the entry for {name!r} must be the key's SHA-256 as 64 hex digits, "
                    "never the key itself (`codestory api-key NAME` prints one)"
                )
        return {name: digest.lower() for name, digest in value.items()}

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry[:64]!r} is not an address or a network like 10.0.0.0/8"
                ) from None
        return value

    @field_validator("llm_base_url", "tts_base_url")
    @classmethod
    def _service_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme in {"http", "https"} and parts.netloc and not parts.query:
            return value.rstrip("/")
        raise ValueError("must be an http(s) base URL such as https://api.example.com/v1")

    @field_validator("story_rate_limit")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        if not value:
            return value
        number, _, unit = value.partition("/")
        if not number.replace(".", "", 1).isdigit() or unit not in {"", "s", "m", "h"}:
            raise ValueError("must look like 10/m, 1/s or 100/h")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if not self.celery_broker_url:
            self.celery_broker_url = redis_url_with_db(self.redis_url, 0)
        if not self.celery_result_backend:
            self.celery_result_backend = redis_url_with_db(self.redis_url, 1)
        tls = (self.redis_tls_ca_file, self.redis_tls_insecure)
        self.redis_url = redis_url_with_tls(
            redis_url_with_password(self.redis_url, self.redis_password), *tls
        )
        self.celery_broker_url = redis_url_with_tls(
            redis_url_with_password(self.celery_broker_url, self.redis_password), *tls
        )
        self.celery_result_backend = redis_url_with_tls(
            redis_url_with_password(self.celery_result_backend, self.redis_password), *tls
        )
        if self.story_soft_time_limit >= self.story_time_limit:
            raise ValueError("CODESTORY_STORY_SOFT_TIME_LIMIT must be below the hard limit")
        longest = max(self.story_time_limit, self.audio_time_limit_max)
        if self.visibility_timeout <= longest:
            # A shorter timeout would redeliver a task that is still running.
            raise ValueError(
                f"CODESTORY_VISIBILITY_TIMEOUT ({self.visibility_timeout:g}s) must exceed the "
                f"longest hard time limit ({longest:g}s)"
            )
        if self.environment is not Environment.LOCAL:
            if len(self.admin_token) < MIN_ADMIN_TOKEN_LENGTH:
                raise ValueError(
                    f"CODESTORY_ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_LENGTH} characters "
                    "outside local mode"
                )
        elif not self.admin_token:
            self.admin_token = secrets.token_urlsafe(MIN_ADMIN_TOKEN_LENGTH)
        return self


def env_name(field: str) -> str:
    """The environment variable that sets `field`."""
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        assert isinstance(first, str)
        return first
    return f"CODESTORY_{field.upper()}"


def env_names() -> set[str]:
    return {env_name(name) for name in Settings.model_fields}


def describe_error(error: ValidationError) -> str:
    """One line naming the variable and what is wrong with it."""
    first: dict[str, Any] = dict(error.errors()[0])
    loc = first.get("loc") or ()
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if loc:
        field = str(loc[0])
        name = env_name(field) if field in Settings.model_fields else field.upper()
        return f"invalid setting {name}: {message}"
    return f"invalid settings: {message}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Load settings once; a bad value ends the process with one clear line (exit 2)."""
    try:
        return Settings()
    except ValidationError as error:
        print(f"codestory: {describe_error(error)}", file=sys.stderr)
        raise SystemExit(2) from None
