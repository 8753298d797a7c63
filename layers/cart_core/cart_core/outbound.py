"""Where the service may send a request on a tenant's behalf (webhook URLs), and how it sends it.

A URL is vetted when it is subscribed and again before every delivery: ``https`` only, no
credentials in it, never the AWS endpoint, and a host whose every resolved address is public. The
request then connects to an address that was vetted (the hostname is not resolved a second time),
so a DNS answer that changes between the check and the connection (rebinding) cannot redirect it.
TLS still verifies the certificate for the hostname and sends it as SNI and ``Host``.

The local cloud sets ``allow_loopback``: ``http`` and loopback addresses are then allowed too, for
receivers on the developer's machine. Private, link-local and every other non-public range stay
refused. Stdlib only.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Literal
from urllib.parse import urlsplit

from cart_core.errors import InvalidRequest

MAX_URL_BYTES = 2048
MAX_RESPONSE_BYTES = 64 * 1024  # read and ignored: only the status matters
# A subscriber controls its DNS: a name with many unreachable addresses must not spend the worker's time.
MAX_ADDRESSES_TRIED = 3
_AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)
# Every label a number (decimal, octal or hex): inet_aton would read it as an IPv4 address
# (``2130706433``, ``0x7f000001``, ``017700000001``, ``127.1``). Only canonical dotted quads are taken.
_NUMERIC_HOST = re.compile(r"^((0x[0-9a-f]*|[0-9]+)\.?)+$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class RefusedUrl(InvalidRequest):
    """The URL may not be called by this service."""


@dataclass(frozen=True)
class OutboundPolicy:
    # The local cloud only: http, and loopback addresses, for receivers on the developer's machine.
    allow_loopback: bool = False
    # ``AWS_ENDPOINT_URL`` when set: the service's own AWS endpoint is never a webhook target.
    aws_endpoint_url: str | None = None


@dataclass(frozen=True)
class Target:
    """A vetted URL and the addresses its host resolved to when it was vetted."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def vet(url: str, policy: OutboundPolicy) -> Target:
    """The target to connect to, or ``RefusedUrl`` saying why not. Resolves the host (DNS)."""
    scheme, host, port, path = _parse(url, policy)
    _refuse_aws(host, port, policy)
    literal = _ip_literal(host)
    if literal is not None:
        _require_allowed(literal, policy)
        return Target(scheme, host, port, path, (str(literal),))
    addresses = _resolve(host, port)
    for address in addresses:
        _require_allowed(address, policy)
    return Target(scheme, host, port, path, tuple(dict.fromkeys(str(a) for a in addresses)))


def _parse(url: str, policy: OutboundPolicy) -> tuple[str, str, int, str]:
    if len(url.encode()) > MAX_URL_BYTES:
        raise RefusedUrl(f"The URL is longer than {MAX_URL_BYTES} bytes")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise RefusedUrl("The URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RefusedUrl(f"The URL is not valid: {error}") from None
    scheme = parts.scheme.lower()
    allowed_schemes = ("https", "http") if policy.allow_loopback else ("https",)
    if scheme not in allowed_schemes:
        raise RefusedUrl("The URL must use https")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise RefusedUrl("The URL must not contain credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedUrl("The URL has no host")
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        raise RefusedUrl("The URL's host is not a valid name") from None
    if _ip_literal(host) is None:
        if _NUMERIC_HOST.match(host):
            raise RefusedUrl("The URL's host is a numeric address in a non-standard form")
        if not _HOSTNAME.match(host):
            raise RefusedUrl("The URL's host is not a valid name")
        if (host == "localhost" or host.endswith(".localhost")) and not policy.allow_loopback:
            raise RefusedUrl("The URL must not point at this machine")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _refuse_aws(host: str, port: int, policy: OutboundPolicy) -> None:
    if any(host == domain or host.endswith("." + domain) for domain in _AWS_DOMAINS):
        raise RefusedUrl("The URL must not point at AWS service endpoints")
    if not policy.aws_endpoint_url:
        return
    endpoint = urlsplit(policy.aws_endpoint_url)
    endpoint_host = (endpoint.hostname or "").rstrip(".").lower()
    endpoint_port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    # With loopback allowed, the local AWS emulator shares 127.0.0.1 with the receivers: its port tells them apart.
    if host == endpoint_host and (port == endpoint_port or not policy.allow_loopback):
        raise RefusedUrl("The URL must not point at the AWS endpoint")


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise RefusedUrl(f"The URL's host {host} does not resolve") from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        try:
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            raise RefusedUrl(f"The URL's host {host} resolves to an unusable address") from None
    if not addresses:
        raise RefusedUrl(f"The URL's host {host} does not resolve")
    return addresses


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), which is what it reaches."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None or address in _NAT64_LOCAL or address.scope_id:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _require_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: OutboundPolicy) -> None:
    if is_public(address):
        return
    if policy.allow_loopback:
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        if (mapped or address).is_loopback:
            return
    raise RefusedUrl("The URL must point at a public internet address")


# ----- sending to a vetted target ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """``delivered`` (2xx), ``retry`` (3xx, 5xx, 408, 429, no answer) or ``final`` (any other 4xx)."""

    result: Literal["delivered", "retry", "final"]
    reason: str


def _connect(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to an IP address, with no name resolution at all (not even of the literal)."""
    family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a vetted address instead of resolving the host again; ``Host`` stays the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified for the hostname (SNI and certificate), not for the address."""

    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = _connect(self._address, self.port, self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(
    target: Target, body: bytes, headers: dict[str, str], timeout: float, tls: ssl.SSLContext | None = None
) -> Outcome:
    """POST once, to the first vetted address that accepts a connection. Redirects are not followed.

    ``timeout`` bounds the whole delivery (connects to at most MAX_ADDRESSES_TRIED addresses, the
    request, the response), not each socket operation: a receiver that drips a byte at a time is cut
    off at the deadline. ``tls`` defaults to the system's trust store with hostname verification
    (tests pass their own CA)."""
    deadline = time.monotonic() + timeout
    last_error = "no address"
    for address in target.addresses[:MAX_ADDRESSES_TRIED]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Outcome("retry", f"no response within {timeout:g} s")
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(target.host, target.port, address, remaining, tls or _system_tls())
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, address, remaining)
        try:
            try:
                connection.connect()
            except OSError as error:  # refused or unreachable: the next vetted address may answer
                last_error = f"no connection: {error}"
                continue
            watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut_off, (connection,))
            watchdog.start()
            try:
                connection.request("POST", target.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read(MAX_RESPONSE_BYTES)
                return classify(response.status)
            finally:
                watchdog.cancel()
        except (OSError, http.client.HTTPException) as error:
            return Outcome("retry", f"no response: {type(error).__name__}: {error}")
        finally:
            connection.close()
    return Outcome("retry", last_error)


def _cut_off(connection: http.client.HTTPConnection) -> None:
    """The deadline passed mid-exchange: shutting the socket down ends any blocked read or write."""
    if connection.sock is not None:
        with contextlib.suppress(OSError):  # closed meanwhile: nothing left to cut
            connection.sock.shutdown(socket.SHUT_RDWR)


@cache
def _system_tls() -> ssl.SSLContext:
    """Loading the trust store is costly: one context per execution environment, not per attempt."""
    return ssl.create_default_context()


def classify(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome("delivered", f"HTTP {status}")
    if 400 <= status < 500 and status not in (408, 429):
        return Outcome("final", f"HTTP {status}")
    return Outcome("retry", f"HTTP {status}")
