"""The guard against server-side request forgery: where a webhook may connect.

A webhook URL names a host chosen by a tenant administrator, so a careless or hostile
one could point Warkat at its own network (the database, an admin port, the cloud
metadata service at 169.254.169.254). ``vet`` resolves the name itself and refuses
any address that is not public — private, loopback, link-local, unique-local IPv6,
carrier-grade NAT, multicast, reserved — unless the tenant listed the host (or its
network) as internal. The sender then connects to the vetted address only
(``http.py``), so a second DNS answer cannot swap in another address between the
check and the connection. Link-local and unspecified addresses are refused even when
listed: nothing legitimate listens on the metadata address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from warkat.webhooks import errors

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the vetted IP to connect to


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an http(s) URL without credentials."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise errors.url_invalid() from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.url_invalid()
    if parts.username or parts.password:
        raise errors.url_invalid()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname.lower(), port or default, path


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (the literal itself for an IP)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise errors.host_unresolvable(host) from exc
    return sorted({str(info[4][0]) for info in infos})


def _plain(address: str) -> IpAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _never(ip: IpAddress) -> bool:
    return ip.is_link_local or ip.is_unspecified or ip.is_multicast


def _listed(host: str, ip: IpAddress, internal: Iterable[str]) -> bool:
    for entry in internal:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host:
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def address_allowed(host: str, address: str, internal: Iterable[str]) -> bool:
    ip = _plain(address)
    if _never(ip):
        return False
    return ip.is_global or _listed(host, ip, internal)


def vet(url: str, *, internal: Iterable[str]) -> Target:
    """The address to connect to for ``url``, or a ``DomainError`` before any
    connection is attempted."""
    scheme, host, port, path = split_url(url)
    allowed = list(internal)
    addresses = resolve(host, port)
    refused = [a for a in addresses if not address_allowed(host, a, allowed)]
    # One refused answer refuses the URL: a name that also points inside is a probe.
    if refused or not addresses:
        raise errors.address_refused(host)
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
