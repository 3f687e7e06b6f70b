"""Refuse outbound connections to anything but loopback inside a sandboxed child.

Installed in the child before user code runs. It only refuses; iacqa never tries a non-loopback address itself.
"""

from __future__ import annotations

import ipaddress
import socket

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(ConnectionRefusedError):
    pass


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def install() -> None:
    if getattr(socket, "_iacqa_guard", False):
        return
    orig_connect, orig_connect_ex = socket.socket.connect, socket.socket.connect_ex
    orig_getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not _is_loopback(address[0]):
                raise NetworkBlocked(f"iacqa sandbox: connection to {address[0]} refused (only loopback is allowed)")

    def connect(self: socket.socket, address: object) -> None:
        _check(self, address)
        return orig_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        _check(self, address)
        return orig_connect_ex(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if host is not None and not _is_loopback(host if not isinstance(host, bytes) else host.decode()):
            raise socket.gaierror(socket.EAI_NONAME, f"iacqa sandbox: name resolution of {host!r} is disabled")
        return orig_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket._iacqa_guard = True  # type: ignore[attr-defined]
