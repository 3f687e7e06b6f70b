"""Reach a parent's loopback port from inside a network namespace through a unix socket bound into it.

Parent side: `UnixToTcp(sock, port)` accepts on a unix socket and connects each client to 127.0.0.1:port.
Sandbox side (`iacqa.sandbox.inner`): `TcpToUnix(port, sock)` listens on 127.0.0.1:port inside the namespace and
connects each client to the unix socket. The child keeps using http://127.0.0.1:port (the emulator's URL) and
cannot reach any other port of the host.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path


def _pipe(a: socket.socket, b: socket.socket) -> None:
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            b.shutdown(socket.SHUT_WR)


def _splice(a: socket.socket, b: socket.socket) -> None:
    def run() -> None:
        t = threading.Thread(target=_pipe, args=(b, a), daemon=True)
        t.start()
        _pipe(a, b)
        t.join()
        a.close()
        b.close()

    threading.Thread(target=run, daemon=True).start()


class _Listener:
    def __init__(self, server: socket.socket, connect: object) -> None:
        self.server, self._connect = server, connect
        self._thread = threading.Thread(target=self._serve, daemon=True, name="iacqa-forward")
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = self._connect()  # type: ignore[operator]
            except OSError:
                client.close()
                continue
            _splice(client, upstream)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.server.close()


class UnixToTcp(_Listener):
    def __init__(self, path: Path, port: int) -> None:
        self.path = Path(path)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(str(self.path))
        os.chmod(self.path, 0o600)
        srv.listen(64)
        super().__init__(srv, lambda: socket.create_connection(("127.0.0.1", port), timeout=30))

    def close(self) -> None:
        super().close()
        with contextlib.suppress(OSError):
            self.path.unlink()


class TcpToUnix(_Listener):
    def __init__(self, port: int, path: str) -> None:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port))
        srv.listen(64)

        def connect() -> socket.socket:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s

        super().__init__(srv, connect)
