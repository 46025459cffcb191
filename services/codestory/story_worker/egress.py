"""Where a clone may connect: a public address, checked once and then pinned.

The gateway's check of a URL is a string check; names are resolved here, in the worker,
just before git runs. Every address a name resolves to must be global (no loopback,
private, link-local, shared, metadata or reserved address, in any of its written forms),
and git is then told to use the checked address (`http.curloptResolve`), so a second
lookup cannot swap in another one (DNS rebinding). Redirects are refused by git's options.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from codestory.core.domain import is_public_address

Resolver = Callable[[str, int], list[str]]


class EgressRefusedError(Exception):
    """The URL's host is not a public address; the message is safe to show."""


class ResolutionError(Exception):
    """The name did not resolve: often a passing DNS failure, so worth retrying.

    `unknown_host`: the resolver answered that the name does not exist (NXDOMAIN, or no
    address), the caller's mistake rather than a resolver that failed to answer.
    """

    def __init__(self, message: str, *, unknown_host: bool = False) -> None:
        super().__init__(message)
        self.unknown_host = unknown_host


# getaddrinfo's answers for a name that does not exist (EAI_NODATA is not on every system);
# EAI_AGAIN and EAI_FAIL are a resolver that could not answer: ours to fix.
_UNKNOWN_HOST_ERRORS = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


@dataclass(frozen=True)
class PinnedTarget:
    host: str
    port: int
    address: str

    def curl_resolve(self) -> str:
        """The `http.curloptResolve` entry that pins the host to the checked address."""
        shown = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.host}:{self.port}:{shown}"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ResolutionError(
            f"could not resolve {host}", unknown_host=exc.errno in _UNKNOWN_HOST_ERRORS
        ) from exc
    return [str(info[4][0]) for info in infos]


def is_public(address: str) -> bool:
    # A NAT64 address of a public IPv4 host (DNS64 answers those on IPv6-only clusters)
    # passes; one of a private or metadata address does not.
    return is_public_address(ipaddress.ip_address(address.split("%", 1)[0]))


def pin(url: str, resolve: Resolver = system_resolver) -> PinnedTarget:
    """Resolve the URL's host; refuse it unless every address it has is public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    port = parts.port or 443
    addresses = resolve(host, port)
    if not addresses:
        raise ResolutionError(f"could not resolve {host}", unknown_host=True)
    for address in addresses:
        if not is_public(address):
            raise EgressRefusedError(f"host {host!r} is not a public address")
    return PinnedTarget(host=host, port=port, address=addresses[0])
