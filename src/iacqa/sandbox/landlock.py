"""Kernel-enforced write restriction for the process fallback: Landlock (Linux 5.13+, no privileges needed).

Where bubblewrap or user namespaces are unavailable (some containers), Landlock often still is. Run as the first
program of a fallback child, it restricts itself and execs the command; the restriction is inherited by every
process the command starts, native code, shells and ctypes included:
- writes, deletes, renames, links and new files only beneath the writable directories (and /dev);
- with Landlock ABI 6+, no signals to processes outside the sandbox and no abstract unix sockets outside it.
Reads and the network are not restricted here (the Python guard and the loopback-only environment cover them).

    python -S landlock.py --rw DIR [--rw DIR ...] -- argv...      (standard library only)
"""

from __future__ import annotations

import ctypes
import os
import sys

_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # same numbers on x86_64 and aarch64
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_PDEATHSIG = 1
_RULE_PATH_BENEATH = 1
WRITE_FILE, REMOVE_DIR, REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = (1 << i for i in range(6, 13))
REFER, TRUNCATE = 1 << 13, 1 << 14
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1


class _Ruleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi() -> int:
    """Landlock ABI version of this kernel, 0 when unavailable."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        v = _libc().syscall(_SYS_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0
    return v if v > 0 else 0


def restrict(writable: list[str]) -> int:
    """Restrict this process (and what it starts) to writing beneath `writable`; returns the ABI used (0: none)."""
    version = abi()
    if version < 1:
        return 0
    libc = _libc()
    handled = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO
               | MAKE_BLOCK | MAKE_SYM)
    if version >= 2:
        handled |= REFER
    if version >= 3:
        handled |= TRUNCATE
    attr = _Ruleset(handled, 0, (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if version >= 6 else 0)
    size = 24 if version >= 6 else 16 if version >= 4 else 8
    fd = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        return 0
    try:
        rules = [(p, handled) for p in writable] + [("/dev", WRITE_FILE | (TRUNCATE if version >= 3 else 0))]
        for path, access in rules:
            try:
                pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rule = _PathBeneath(access, pfd)
                libc.syscall(_SYS_ADD_RULE, ctypes.c_int(fd), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                             ctypes.c_uint32(0))
            finally:
                os.close(pfd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return 0
        if libc.syscall(_SYS_RESTRICT, ctypes.c_int(fd), ctypes.c_uint32(0)) != 0:
            return 0
    finally:
        os.close(fd)
    return version


def main(argv: list[str]) -> None:
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    writable = [opts[i + 1] for i, a in enumerate(opts) if a == "--rw"]
    version = restrict(writable)
    os.environ["IACQA_LANDLOCK"] = str(version)
    try:  # die with iacqa even when it is killed outright (SIGKILL leaves no time to end its children)
        _libc().prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
