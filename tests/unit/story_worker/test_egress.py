"""The worker's last check before git connects: every address public, then pinned."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from codestory.core.domain import FailureCause
from codestory.core.settings import Settings
from codestory.runtime.task_runtime import PermanentError, TransientError
from codestory.story_worker import fetch
from codestory.story_worker.egress import (
    EgressRefusedError,
    PinnedTarget,
    ResolutionError,
    is_public,
    pin,
    system_resolver,
)


def resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise ResolutionError(f"could not resolve {host}")
        return table[host]

    return resolve


PRIVATE = ["127.0.0.1", "10.0.0.8", "172.16.4.4", "192.168.1.1", "169.254.169.254", "100.64.1.1"]
PRIVATE += ["::1", "fe80::1", "fd12::1", "::ffff:10.0.0.1", "2002:a00:1::", "224.0.0.1"]
PRIVATE += ["0.0.0.0"]  # noqa: S104 - checked here, never bound


@pytest.mark.parametrize("address", PRIVATE)
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


def test_a_name_with_any_private_address_is_refused() -> None:
    table = {"git.example.org": ["140.82.112.3", "10.0.0.5"], "ok.example.org": ["140.82.112.4"]}
    with pytest.raises(EgressRefusedError, match="not a public address"):
        pin("https://git.example.org/a/b", resolver(table))
    target = pin("https://ok.example.org/a/b", resolver(table))
    assert target == PinnedTarget("ok.example.org", 443, "140.82.112.4")
    assert target.curl_resolve() == "ok.example.org:443:140.82.112.4"
    v6 = pin("https://v6.example.org:8443/a", resolver({"v6.example.org": ["2606:50c0::153"]}))
    assert v6.curl_resolve() == "v6.example.org:8443:[2606:50c0::153]"


def test_the_clone_uses_the_checked_address_and_follows_no_redirect() -> None:
    pinned = PinnedTarget("ok.example.org", 443, "140.82.112.4")
    command = " ".join(
        fetch.clone_command(
            "https://ok.example.org/a/b", Path("/tmp/x"), None, local=False, pinned=pinned
        )
    )
    assert "http.curloptResolve=ok.example.org:443:140.82.112.4" in command
    assert "http.followRedirects=false" in command
    listing = " ".join(
        fetch.ls_remote_command("https://ok.example.org/a/b", None, local=False, pinned=pinned)
    )
    assert "http.curloptResolve=ok.example.org:443:140.82.112.4" in listing


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A loopback TCP listener that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except TimeoutError:
                continue
            seen.append(str(peer))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def test_a_name_that_resolves_to_loopback_is_never_connected_to(
    listener: tuple[int, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, seen = listener
    # A public-looking name whose DNS answer is this machine (rebinding, or a planted record).
    rebinding = resolver({"repo.example.org": ["127.0.0.1"]})
    monkeypatch.setattr(fetch, "pin", lambda url: pin(url, rebinding))
    settings = Settings(allowed_ports=[443, port])  # type: ignore[call-arg]
    url = f"https://repo.example.org:{port}/team/project"
    with pytest.raises(PermanentError, match="not a public address") as info:
        fetch.fetch_repository(url, None, tmp_path, settings)
    assert info.value.error_type == "invalid_repository"
    assert fetch.resolve_commit(url, None, tmp_path, settings) is None
    assert seen == [], "git connected to a refused address"


def test_a_name_that_does_not_resolve_is_worth_a_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "pin", lambda url: pin(url, resolver({})))
    with pytest.raises(TransientError, match="could not resolve"):
        fetch.fetch_repository("https://gone.example.org/a/b", None, tmp_path, Settings())


def refusing_resolver(code: int):  # type: ignore[no-untyped-def]
    """getaddrinfo as the system's resolver answers with `code` (no DNS traffic leaves)."""

    def getaddrinfo(*_: object, **__: object) -> list[object]:
        raise socket.gaierror(code, "resolver says no")

    return getaddrinfo


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (socket.EAI_NONAME, FailureCause.CLIENT),  # NXDOMAIN: the name does not exist
        (socket.EAI_AGAIN, None),  # the resolver did not answer: ours
        (socket.EAI_FAIL, None),
    ],
)
def test_a_host_that_does_not_exist_is_the_callers_failure_and_a_dns_outage_ours(
    code: int, cause: FailureCause | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", refusing_resolver(code))
    with pytest.raises(ResolutionError) as resolved:
        system_resolver("gone.example.org", 443)
    assert resolved.value.unknown_host is (cause is FailureCause.CLIENT)
    # retried either way (a resolver may say no for a moment); whose it is, is kept
    with pytest.raises(TransientError, match="could not resolve") as fetched:
        fetch.fetch_repository("https://gone.example.org/a/b", None, tmp_path, Settings())
    assert fetched.value.cause is cause


@pytest.mark.parametrize(
    ("stderr", "kind", "said"),
    [
        ("fatal: unable to access 'https://x/': Could not resolve host: x", TransientError,
         "did not resolve"),
        ("fatal: unable to access 'https://10.0.0.1:6379/': Failed to connect to 10.0.0.1 port "
         "6379 after 3 ms: Connection refused", TransientError, "could not connect"),
        ("fatal: unable to access 'https://x/': The requested URL returned error: 502",
         TransientError, "server error"),
        ("fatal: unable to access 'https://x/': server certificate verification failed. CAfile: "
         "/etc/ssl/certs/ca-certificates.crt", PermanentError, "TLS certificate"),
        ("fatal: unable to update url base from redirection: asked for: https://x/info/refs",
         PermanentError, "redirected"),
        ("-ERR wrong number of arguments for 'get' command\r\n+OK", PermanentError,
         "git could not fetch"),
    ],
)  # fmt: skip
def test_git_failures_are_told_without_gits_own_words(
    stderr: str, kind: type[Exception], said: str
) -> None:
    error = fetch.explain_git_failure(stderr, None)
    assert isinstance(error, kind) and said in str(error)
    for leaked in ("10.0.0.1", "6379", "-ERR", "CAfile", "asked for", "https://"):
        assert leaked not in str(error)
