"""Which network addresses a download may reach: the guard against server-side request
forgery.

Any workspace editor can put any URL into an `external` file, and a build often runs
where a URL can reach what the internet cannot (a CI runner's metadata service at
169.254.169.254, an admin page on 10.0.0.5, a database on 127.0.0.1). With
`download_external` the response would be published on the site, so a download may only
reach globally routable addresses, unless the site's owner lists a host or network in
`download_allowed_hosts`.

Host names are judged by every address they resolve to (one private address is enough
to refuse), and the download then connects to an address that was judged (download.py),
so a name that resolves to something else a moment later gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
"""IPv4 addresses written inside IPv6: the gateway that translates them reaches the
IPv4 address, so that address is what counts."""


class Refused(Exception):
    """A download the guard does not allow; the message says why, in a few words."""


def parse_allowed(entry: str) -> str | Network:
    """One `download_allowed_hosts` entry: a network (`10.1.0.0/16`, `192.168.4.7`) or a
    host name (`wiki.internal`), lowercased. ValueError, with the reason, otherwise."""
    text = entry.strip().lower()
    if not text:
        raise ValueError("an empty entry")
    try:
        return ipaddress.ip_network(text.strip("[]"), strict=False)
    except ValueError:
        pass
    label_chars = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    host = text.rstrip(".")
    if not host or not set(host) <= label_chars or any(not part for part in host.split(".")):
        raise ValueError(
            f"{entry!r} is not a host name or an IP network (write 'wiki.internal', "
            "'10.1.0.0/16' or '192.168.4.7')"
        )
    return host


def _embedded_ipv4(address: Address) -> Iterable[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through mapping or tunnelling."""
    if isinstance(address, ipaddress.IPv4Address):
        return ()
    found = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ip for ip in found if ip is not None]


def is_public(address: Address) -> bool:
    """Globally routable unicast, also for any IPv4 address it embeds: loopback,
    private, link-local, shared (100.64/10), reserved, documentation, unspecified and
    multicast addresses are not."""
    if not address.is_global or address.is_multicast:
        return False
    return all(is_public(inner) for inner in _embedded_ipv4(address))


@dataclass(frozen=True)
class AddressPolicy:
    """What a guarded download may connect to: public addresses, plus the hosts and
    networks the site's owner allowed."""

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in entries:
            parsed = parse_allowed(entry)
            if isinstance(parsed, str):
                hosts.add(parsed)
            else:
                networks.append(parsed)
        return cls(frozenset(hosts), tuple(networks))

    def host_allowed(self, host: str) -> bool:
        """A host name the owner listed: trusted whatever it resolves to."""
        return host.lower().rstrip(".") in self.allowed_hosts

    def address_allowed(self, address: Address) -> bool:
        return is_public(address) or any(address in net for net in self.allowed_networks)

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, every one of them allowed; Refused
        when the name does not resolve or any address it resolves to is not allowed."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise Refused(f"{host} does not resolve ({error})") from None
        addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
        if not addresses:
            raise Refused(f"{host} does not resolve")
        if self.host_allowed(host):
            return addresses
        for text in addresses:
            address = ipaddress.ip_address(text)
            if not self.address_allowed(address):
                shown = host if host == text else f"{host} resolves to {text}, which"
                raise Refused(
                    f"{shown} is not a public address (list it in download_allowed_hosts "
                    "if the site may publish files from there)"
                )
        return addresses
