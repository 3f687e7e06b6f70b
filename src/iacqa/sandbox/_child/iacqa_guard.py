"""The process-level guard every sandboxed Python process installs at start-up (via sitecustomize).

Under namespaces the kernel enforces the same limits; there the guard adds the findings (who tried, on which line).
Without namespaces (macOS, containers without user namespaces) it is the only guard, best effort:
- memory: RLIMIT_AS from IACQA_MEM_MB (the parent also watches the whole tree's RSS);
- files: an audit hook refuses writes, deletes and renames outside IACQA_SANDBOX_ROOT (os.pathsep-separated: the
  scratch holding the copy of the project, HOME and TMPDIR), dir_fd-relative ones included, and records each refusal
  in IACQA_EVENTS (written through a descriptor opened before the hook, so not itself audited);
- other processes: reading /proc/<pid>/... of any process but this one is refused (the parent's environ);
- network: connect/sendto/getaddrinfo to anything but loopback refused at the C socket layer (`_socket` too), and
  network tools (curl, wget, nc, bash /dev/tcp...) refused as subprocesses.
Standard library only: it runs before anything else in the child. Native code and ctypes can bypass it: that is
why namespaces are preferred.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import sys
import threading

_fd: int | None = None
_roots: tuple[str, ...] = ()
_project = ""
_allowed: tuple[str, ...] = ()
_local = threading.local()
_allow_ports: frozenset[int] | None = None
_ports_file = ""
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# event -> ((path arg index, dir_fd arg index or None), ...)
_PATH_EVENTS = {
    "os.remove": ((0, 1),), "os.unlink": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)), "os.replace": ((0, 2), (1, 3)), "os.symlink": ((1, 2),),
    "os.link": ((1, 3),), "os.chmod": ((0, 2),), "os.chown": ((0, 3),), "os.truncate": ((0, None),),
    "os.utime": ((0, 3),), "shutil.rmtree": ((0, None),), "shutil.move": ((0, None), (1, None)),
    "shutil.copytree": ((1, None),), "os.mkfifo": ((0, 2),), "os.mknod": ((0, 3),),
}
_NET_TOOLS = {"curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "sftp", "ftp", "rsync",
              "nmap", "aws"}
_DEV_NET = re.compile(r"/dev/(tcp|udp)/")
_PROC = re.compile(r"^/proc/(\d+)(/|$)")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def emit(event: dict) -> None:
    if _fd is None:
        return
    try:
        os.write(_fd, (json.dumps(event, default=repr) + "\n").encode())
    except OSError:
        pass


def _test_frame() -> tuple[str | None, int | None]:
    """The innermost frame in the project's own files (not in site-packages): who tried."""
    f = sys._getframe(2)
    first = (None, None)
    while f is not None:
        fn = f.f_code.co_filename
        if _project and fn.startswith(_project + os.sep):
            rel = os.path.relpath(fn, _project)
            if first[0] is None:
                first = (rel, f.f_lineno)
            if "test" in os.path.basename(fn):
                return rel, f.f_lineno
        f = f.f_back
    return first


def _base(dir_fd: object) -> str:
    if isinstance(dir_fd, int) and dir_fd >= 0:
        try:
            return os.readlink(f"/proc/self/fd/{dir_fd}")
        except OSError:
            return "/"  # unknown directory: judge the path as if at the root (refused unless inside a root)
    return os.getcwd()


def _outside(path: object, dir_fd: object = None) -> str | None:
    if isinstance(path, int) or path is None:
        return None
    try:
        p = os.fsdecode(os.fspath(path))  # type: ignore[arg-type]
    except TypeError:
        return None
    full = os.path.realpath(p if os.path.isabs(p) else os.path.join(_base(dir_fd), p))
    if any(full == r or full.startswith(r + os.sep) for r in _roots):
        return None
    if full in ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty") or full.startswith(_allowed):
        return None
    return full


def _refuse(event: str, what: str, exc: type[OSError] = PermissionError, msg: str = "") -> None:
    file, line = _test_frame()
    emit({"kind": "blocked-write" if exc is PermissionError and not msg else "blocked", "event": event,
          "path": what, "file": file, "line": line, "pid": os.getpid()})
    raise exc(13, msg or "iacqa sandbox: writing outside the project directory is refused", what)


def _loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return host is None
    if host in _LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _loopback_port_allowed(port: object) -> bool:
    """Loopback ports the child may reach: the ones the sandbox was given (the emulator) and the ones a process of
    the same run listens on (a test's own server). Another loopback port is a service of the host."""
    if _allow_ports is None or not isinstance(port, int):
        return True
    if port in _allow_ports:
        return True
    try:
        with open(_ports_file) as fh:
            return str(port) in fh.read().split()
    except OSError:
        return False


def _check_net(event: str, args: tuple) -> None:
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        fam = getattr(sock, "family", None)
        if fam in (2, 10) and isinstance(address, tuple):  # AF_INET, AF_INET6
            if not _loopback(address[0]):
                _refuse(event, str(address[0]), ConnectionRefusedError,
                        f"iacqa sandbox: connection to {address[0]} refused (only loopback is allowed)")
            if len(address) > 1 and not _loopback_port_allowed(address[1]):
                _refuse(event, f"{address[0]}:{address[1]}", ConnectionRefusedError,
                        f"iacqa sandbox: connection to {address[0]} port {address[1]} refused (a port of the host, "
                        "not of this run)")
    elif event == "socket.getaddrinfo":
        if not _loopback(args[0]):
            _refuse(event, str(args[0]), PermissionError, f"iacqa sandbox: name resolution of {args[0]!r} is disabled")


def _check_exec(event: str, args: tuple) -> None:
    if event == "os.system":
        words = [str(args[0])]
    elif event == "subprocess.Popen":
        a = args[1]
        words = [os.fsdecode(x) if isinstance(x, (bytes, str)) else str(x) for x in (
            [a] if isinstance(a, (str, bytes)) else list(a or []))]
        if args[0]:
            words.insert(0, os.fsdecode(args[0]))
    else:  # os.exec / os.posix_spawn: (path, argv, env)
        words = [os.fsdecode(args[0]), *(os.fsdecode(x) if isinstance(x, (bytes, str)) else str(x)
                                          for x in list(args[1] or []))]
    text = " ".join(words)
    tools = {os.path.basename(w) for w in re.split(r"[\s;|&()`$]+", text) if w}
    if _DEV_NET.search(text) or tools & _NET_TOOLS:
        _refuse(event, text[:200], PermissionError, "iacqa sandbox: network tools are refused (only loopback)")


def _hook(event: str, args: tuple) -> None:
    if getattr(_local, "busy", False):
        return
    if event.startswith("socket."):
        if event in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
            _local.busy = True
            try:
                _check_net(event, args)
            finally:
                _local.busy = False
        return
    if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn"):
        _local.busy = True
        try:
            _check_exec(event, args)
        finally:
            _local.busy = False
        return
    targets: list[tuple[object, object]]
    if event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        if isinstance(path, str) and path.startswith("/proc/"):
            m = _PROC.match(path)
            if m and int(m.group(1)) != os.getpid():
                _local.busy = True
                try:
                    _refuse(event, path, PermissionError, "iacqa sandbox: reading other processes is refused")
                finally:
                    _local.busy = False
        if isinstance(mode, str):
            if not any(c in mode for c in "wax+"):
                return
        elif not (isinstance(flags, int) and flags & _WRITE_FLAGS):
            return
        targets = [(path, getattr(_local, "dir_fd", None))]
    elif event in _PATH_EVENTS:
        targets = [(args[i], args[d] if d is not None and d < len(args) else None)
                   for i, d in _PATH_EVENTS[event] if i < len(args)]
    else:
        return
    _local.busy = True
    try:
        for t, dfd in targets:
            bad = _outside(t, dfd)
            if bad is not None:
                _refuse(event, bad)
    finally:
        _local.busy = False


def _record_binds() -> None:
    """Ports bound by a process of this run are reachable by the others (a test's own loopback server)."""
    import socket

    orig = socket.socket.bind

    def bind(self, address):  # noqa: ANN001, ANN202
        orig(self, address)
        try:
            if self.family in (socket.AF_INET, socket.AF_INET6) and _ports_file:
                fd = os.open(_ports_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                try:
                    os.write(fd, f"{self.getsockname()[1]}\n".encode())
                finally:
                    os.close(fd)
        except OSError:
            pass

    socket.socket.bind = bind  # type: ignore[method-assign]


def _wrap_os_open() -> None:
    """The `open` audit event carries no dir_fd: remember it for the hook."""
    orig = os.open

    def open(path, flags, mode=0o777, *, dir_fd=None):  # noqa: A001, ANN001, ANN202
        _local.dir_fd = dir_fd
        try:
            return orig(path, flags, mode, dir_fd=dir_fd)
        finally:
            _local.dir_fd = None

    os.open = open


def _memory() -> None:
    mb = os.environ.get("IACQA_MEM_MB")
    if not mb:
        return
    try:
        import resource

        cap = int(mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


def install() -> None:
    global _fd, _roots, _project, _allowed, _allow_ports, _ports_file
    if getattr(sys, "_iacqa_guarded", False):
        return
    sys._iacqa_guarded = True  # type: ignore[attr-defined]
    _roots = tuple(os.path.realpath(r) for r in os.environ["IACQA_SANDBOX_ROOT"].split(os.pathsep) if r)
    _project = os.path.realpath(os.environ.get("IACQA_PROJECT", _roots[0] if _roots else "/"))
    _allowed = tuple(p for p in os.environ.get("IACQA_ALLOW_WRITE", "").split(os.pathsep) if p)
    events = os.environ.get("IACQA_EVENTS")
    if events:
        _fd = os.open(events, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    ports = os.environ.get("IACQA_ALLOW_PORTS")
    if ports is not None:
        _allow_ports = frozenset(int(p) for p in ports.split(",") if p.strip().isdigit())
        _ports_file = os.environ.get("IACQA_PORTS_FILE", "")
    _memory()
    _wrap_os_open()
    _record_binds()
    sys.addaudithook(_hook)
