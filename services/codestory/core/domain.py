"""Stories, chapters, statuses and progress events: data and rules, no I/O."""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Status(StrEnum):
    QUEUED = "queued"
    ANALYZING = "analyzing"
    GENERATING = "generating"
    SYNTHESIZING = "synthesizing"
    COMPLETE = "complete"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL

    @property
    def is_running(self) -> bool:
        return self in RUNNING


PIPELINE_ORDER = (
    Status.QUEUED,
    Status.ANALYZING,
    Status.GENERATING,
    Status.SYNTHESIZING,
    Status.COMPLETE,
)
TERMINAL = frozenset({Status.COMPLETE, Status.FAILED, Status.CANCELLED})
RUNNING = frozenset({Status.ANALYZING, Status.GENERATING, Status.SYNTHESIZING})


class TransitionError(Exception):
    """A status change that would move a story backwards or out of a terminal state."""


def can_transition(current: Status, target: Status) -> bool:
    """Statuses only move forward. A running status may stay put, so a redelivered task
    can resume; a finished story accepts nothing, not even its own status again."""
    if current.is_terminal:
        return False
    if target in (Status.FAILED, Status.CANCELLED):
        return True
    return PIPELINE_ORDER.index(target) >= PIPELINE_ORDER.index(current)


class Style(StrEnum):
    OVERVIEW = "overview"
    DEEP_DIVE = "deep-dive"


class ExpertiseLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"


class Pause(StrEnum):
    """A pause asked for, and a pause a worker has acted on (the story then holds nothing)."""

    REQUESTED = "requested"
    PAUSED = "paused"


class ErrorType(StrEnum):
    """Why a story failed, in words an operator can group alerts by."""

    INVALID_REPOSITORY = "invalid_repository"
    FETCH_FAILED = "fetch_failed"
    REPOSITORY_TOO_LARGE = "repository_too_large"
    NO_SOURCE = "no_source"
    TIMEOUT = "timeout"
    STUCK = "stuck"
    POISON_PILL = "poison_pill"  # its worker died every time it ran this stage
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


# Failures the caller caused: told to them, never counted toward alerts (the chart's rules
# name the same set).
CLIENT_ERRORS = frozenset(
    {ErrorType.INVALID_REPOSITORY, ErrorType.NO_SOURCE, ErrorType.REPOSITORY_TOO_LARGE}
)


class FailureCause(StrEnum):
    """Whose doing a failure was, as the failure metric's `cause` label says: the alerts
    count only the service's own."""

    CLIENT = "client"  # the caller's input: a host, repository, branch or tag that is not there
    SERVER = "server"  # ours: a bug, an outage, a limit of the service


# Error types that are the caller's doing in some cases only, told apart where they arise: a
# branch or tag that does not exist (fetch_failed), a host name that does not exist
# (unavailable, once the retries are spent).
SOMETIMES_CLIENT_ERRORS = frozenset({ErrorType.FETCH_FAILED, ErrorType.UNAVAILABLE})


def failure_cause(error_type: str, cause: FailureCause | None = None) -> FailureCause:
    """The cause a failure was raised with, else the one its error type implies."""
    if cause is not None:
        return cause
    return FailureCause.CLIENT if error_type in CLIENT_ERRORS else FailureCause.SERVER


# Characters a terminal or a log reader acts on rather than shows: C0 and C1 controls
# (ESC starts title changes and OSC 52 clipboard writes, CR/LF forge lines), DEL, lone
# surrogates (not text at all: they fail to encode), line and paragraph separators, and
# the bidirectional overrides that make text read differently from what it holds.
_UNSAFE_TEXT = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def unsafe_character(text: str) -> str | None:
    """The first character of `text` that is not safe to store and show, escaped."""
    found = _UNSAFE_TEXT.search(text)
    return escape_controls(found.group()) if found else None


def escape_controls(text: str) -> str:
    """`text` with every unsafe character written as an escape (`\\x1b`, `\\u202e`), so
    whatever a record holds prints as one inert line."""
    return _UNSAFE_TEXT.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_REF_PATTERN = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/\-]{1,200}$")


class StoryRequest(BaseModel):
    """What a user asks for. Field rules here give 422s that name the field."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not ignored

    # The pattern documents the common shape (clients and API fuzzers read it); the checks
    # in classify_source decide, with a message naming what is wrong.
    repository_url: str = Field(
        min_length=1,
        max_length=4096,
        description="a public https Git URL (or, for the admin, a folder under the allowed roots)",
        json_schema_extra={
            "pattern": r"^https://[a-z0-9-]{2,30}(\.[a-z0-9-]{2,30})*\.[a-z]{2,10}"
            r"/[A-Za-z0-9_.-]{1,40}/[A-Za-z0-9_.-]{1,40}$",
            "examples": ["https://github.com/pallets/click"],
        },
    )
    ref: str | None = Field(default=None, description="branch or tag; default branch if absent")
    since: str | None = Field(
        default=None,
        description="a branch, tag or full commit id: tell what changed from it to `ref` "
        "(a change digest)",
    )
    style: Style = Style.OVERVIEW
    expertise_level: ExpertiseLevel = ExpertiseLevel.INTERMEDIATE
    focus_areas: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("repository_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if (found := unsafe_character(value)) is not None:
            raise ValueError(f"must not contain control characters (found {found})")
        return value

    @field_validator("ref", "since")
    @classmethod
    def _ref(cls, value: str | None) -> str | None:
        if value is not None and not _REF_PATTERN.match(value):
            raise ValueError("must be a branch or tag name (letters, digits, . _ / -)")
        return value

    @field_validator("focus_areas")
    @classmethod
    def _focus(cls, values: list[str]) -> list[str]:
        for value in values:
            if (found := unsafe_character(value)) is not None:
                raise ValueError(f"must not contain control characters (found {found})")
        cleaned = [v.strip() for v in values if v.strip()]
        if any(len(v) > 100 for v in cleaned):
            raise ValueError("each focus area must be at most 100 characters")
        return cleaned


class SourceKind(StrEnum):
    GIT_URL = "git_url"
    LOCAL_PATH = "local_path"


class SourcePolicyError(ValueError):
    """A repository location the server refuses to fetch."""


_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*$")
_INTERNAL_SUFFIXES = (".localhost", ".internal", ".local", ".svc", ".cluster.local", ".home.arpa")


# IPv6 forms that carry an IPv4 address and lead to it: IPv4-compatible (::a.b.c.d,
# deprecated), IPv4-translated (::ffff:0:a.b.c.d) and NAT64's well-known prefix
# (64:ff9b::a.b.c.d, which a NAT64 gateway turns into a.b.c.d: metadata included). Python
# calls them global whatever they carry; they are judged by what they carry. NAT64's
# local-use prefix is the local network's own, never public.
_CARRIES_IPV4 = tuple(
    ipaddress.IPv6Network(net) for net in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to, for the forms that carry one."""
    carried = ip.ipv4_mapped or ip.sixtofour
    if carried is not None:
        return carried
    if any(ip in net for net in _CARRIES_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Global and unicast, judged by the IPv4 address an IPv6 form carries, if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL_USE:
            return False
        carried = embedded_ipv4(ip)
        if carried is not None:
            return carried.is_global and not carried.is_multicast
    return ip.is_global and not ip.is_multicast


def check_host(host: str) -> None:
    """Refuse a host that is, or is written to hide, a non-public address or name.

    This is the cheap check made before a story is accepted; the worker resolves the name
    and checks every address before it connects (story_worker/egress.py).
    """
    if host.endswith("."):
        raise SourcePolicyError(f"host {host!r} ends with a dot; write it without")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        if not is_public_address(address):
            raise SourcePolicyError(f"address {host} is not a public address")
        return
    if _NUMERIC_HOST.match(host):
        # 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 all mean 127.0.0.1 to a resolver.
        raise SourcePolicyError(f"host {host!r} is an address in an unusual form")
    if host == "localhost" or host.endswith(_INTERNAL_SUFFIXES):
        raise SourcePolicyError(f"host {host!r} is internal")
    if "." not in host:
        raise SourcePolicyError(f"host {host!r} is a single name, not a public host name")


# `git@github.com:owner/repo.git`: scp's form of an SSH remote, as `git clone` takes it.
_SCP_REMOTE = re.compile(
    r"^(?:[A-Za-z0-9._-]+@)?(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,}):(?P<path>[^/\s][^\s]*)$"
)


def https_form_of_ssh(location: str) -> str | None:
    """The https URL of an SSH remote (`git@host:owner/repo.git`, `ssh://git@host/owner/repo`),
    or None when `location` is not one: what to suggest to someone who pasted a clone URL
    for SSH, since only https is fetched."""
    match = _SCP_REMOTE.match(location)
    if match is not None:
        host, path = match.group("host"), match.group("path")
    elif location.startswith(("ssh://", "git+ssh://")):
        try:
            parts = urlsplit(location)
        except ValueError:
            return None
        host, path = parts.hostname or "", parts.path.lstrip("/")
        if not host:
            return None
    else:
        return None
    path = path.removesuffix("/").removesuffix(".git")
    return f"https://{host.lower()}/{path}" if path else None


def classify_source(
    location: str,
    *,
    allow_local_paths: bool,
    allowed_hosts: list[str],
    max_length: int,
    allowed_ports: tuple[int, ...] = (443,),
) -> SourceKind:
    """Decide whether `location` is an acceptable https Git URL or local path.

    Refuses other schemes, embedded credentials, queries and fragments, other ports, and
    hosts that point inside the cluster or at private addresses, so a story request cannot
    be used to reach private services.
    """
    if len(location) > max_length:
        raise SourcePolicyError(f"is longer than {max_length} characters")
    if location.startswith("/") or location.startswith("file://"):
        if not allow_local_paths:
            raise SourcePolicyError("local paths are not allowed on this server; use an https URL")
        return SourceKind.LOCAL_PATH
    try:
        parts = urlsplit(location)
        port = parts.port
    except ValueError:
        raise SourcePolicyError("is not a well-formed URL") from None
    if (suggestion := https_form_of_ssh(location)) is not None:
        raise SourcePolicyError(f"is an SSH remote; only https is fetched: use {suggestion}")
    if parts.scheme != "https":
        raise SourcePolicyError(
            f"scheme {parts.scheme or '(none)'!r} is not supported; use an https:// Git URL"
        )
    if parts.username or parts.password or "@" in parts.netloc:
        raise SourcePolicyError(
            "must not contain credentials; only public repositories are fetched"
        )
    if parts.query or parts.fragment or location.endswith(("?", "#")):
        raise SourcePolicyError("must not have a query string or a fragment")
    host = (parts.hostname or "").lower()
    if not host:
        raise SourcePolicyError("has no host")
    if port is not None and port not in allowed_ports:
        raise SourcePolicyError(f"port {port} is not allowed; use https on port 443")
    if allowed_hosts and host not in {h.lower() for h in allowed_hosts}:
        raise SourcePolicyError(f"host {host!r} is not in the allowed hosts list")
    check_host(host)
    if not parts.path.strip("/"):
        raise SourcePolicyError("has no repository path")
    return SourceKind.GIT_URL


def local_path_of(location: str) -> str:
    return location.removeprefix("file://")


def repository_name(location: str) -> str:
    """A short human name for a repository: the last path segment without `.git`."""
    path = urlsplit(location).path if "://" in location else location
    name = PurePosixPath(path.rstrip("/")).name.removesuffix(".git")
    return name or "repository"


class Chapter(BaseModel):
    index: int
    title: str
    start_seconds: float = 0.0
    duration_seconds: float = 0.0
    reused: bool = False  # its audio was another story's: its words had not changed


class Story(BaseModel):
    id: str
    repository_url: str
    ref: str | None = None
    since: str | None = None  # a change digest from this ref to `ref`
    since_commits: int | None = None  # a digest's commits in its range, when its history was read
    style: Style = Style.OVERVIEW
    expertise_level: ExpertiseLevel = ExpertiseLevel.INTERMEDIATE
    focus_areas: list[str] = Field(default_factory=list)
    status: Status = Status.QUEUED
    created_at: float
    updated_at: float
    failure_reason: str | None = None
    error_type: str | None = None
    requeues: int = 0
    retries: int = 0  # times an operator sent it back after it failed
    pause: Pause | None = None
    earlier_failures: list[dict[str, Any]] = Field(default_factory=list)
    chapters: list[Chapter] = Field(default_factory=list)
    duration_seconds: float | None = None
    artifacts: dict[str, str] = Field(default_factory=dict)
    trace_id: str | None = None
    title: str | None = None
    commit: str | None = None  # the commit told, once resolved
    cache: dict[str, str] = Field(default_factory=dict)  # stage -> "hit" or "miss"
    narrator: str | None = None  # "llm" or "template"
    # The engine that spoke the story: "http" (the speech service), "hibari" or "espeak-ng";
    # and its voice (the service's, hibari's or espeak-ng's name for it).
    speech_engine: str | None = None
    speech_voice: str | None = None
    degraded: bool = False  # run by the gateway itself while the broker was unreachable
    owner: str | None = None  # the API key that submitted it (none without keys, or admin)

    @classmethod
    def new(
        cls, request: StoryRequest, *, now: float | None = None, owner: str | None = None
    ) -> Story:
        moment = time.time() if now is None else now
        return cls(
            id=uuid.uuid4().hex,
            repository_url=request.repository_url,
            ref=request.ref,
            since=request.since,
            style=request.style,
            expertise_level=request.expertise_level,
            focus_areas=request.focus_areas,
            created_at=moment,
            updated_at=moment,
            title=repository_name(request.repository_url),
            owner=owner,
        )


class ProgressEvent(BaseModel):
    """One step of a story's progress. `seq` rises by one per event and story."""

    story_id: str
    seq: int = 0
    status: Status
    step: str
    percent: float = Field(ge=0, le=100)
    message: str
    at: float = Field(default_factory=time.time)

    @property
    def is_final(self) -> bool:
        return self.status.is_terminal


# Where each pipeline step sits on the overall progress bar.
STEP_PERCENT: dict[str, tuple[float, float]] = {
    "queued": (0, 0),
    "fetch": (2, 20),
    "analyse": (20, 40),
    "narrate": (40, 50),
    "speak": (50, 90),
    "encode": (90, 95),
    "upload": (95, 99),
    "complete": (100, 100),
}


def format_bytes(size: int) -> str:
    """1536 -> '1.5 KiB': limits in messages a person reads."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return (
                f"{value:.0f} {unit}"
                if unit == "bytes"
                else f"{value:.1f} {unit}".replace(".0 ", " ")
            )
        value /= 1024
    raise AssertionError("unreachable")


def step_percent(step: str, fraction: float = 0.0) -> float:
    low, high = STEP_PERCENT.get(step, (0, 0))
    return round(low + (high - low) * min(max(fraction, 0.0), 1.0), 1)
