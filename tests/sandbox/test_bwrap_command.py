"""The one function that builds the bubblewrap command line: the rules it must always state."""

from __future__ import annotations

import os
from pathlib import Path

from iacqa.sandbox.bwrap import command


def _pairs(cmd: list[str], flag: str) -> list[tuple[str, str]]:
    return [(cmd[i + 1], cmd[i + 2]) for i, a in enumerate(cmd) if a == flag]


def test_isolation_flags_and_argv_last(tmp_path: Path) -> None:
    cmd = command(["python", "prog.py"], cwd=tmp_path, writable=[tmp_path])
    for flag in ("--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                 "--unshare-uts"):
        assert flag in cmd
    assert cmd[cmd.index("--cap-drop") + 1] == "ALL"
    assert cmd[-3:] == ["--", "python", "prog.py"]
    assert cmd[cmd.index("--chdir") + 1] == str(tmp_path)


def test_only_named_directories_are_writable(tmp_path: Path) -> None:
    w = tmp_path / "scratch"
    w.mkdir()
    cmd = command(["true"], cwd=w, writable=[w])
    assert _pairs(cmd, "--bind") == [(str(w.resolve()), str(w.resolve()))]
    assert "/" not in [src for src, _ in _pairs(cmd, "--ro-bind")]  # never the whole file system
    assert ("/usr", "/usr") in _pairs(cmd, "--ro-bind") or ("usr/bin", "/bin") in _pairs(cmd, "--symlink")


def test_private_tmp_new_proc_and_no_home(tmp_path: Path) -> None:
    cmd = command(["true"], cwd=tmp_path)
    i = cmd.index("--proc")
    assert cmd[i + 1] == "/proc"
    tmpfs = [cmd[j + 1] for j, a in enumerate(cmd) if a == "--tmpfs"]
    assert "/tmp" in tmpfs and "/run" in tmpfs
    mounted = {d for _, d in _pairs(cmd, "--ro-bind")} | {d for _, d in _pairs(cmd, "--bind")}
    home = os.path.expanduser("~")
    assert home not in mounted and "/home" not in mounted and "/root" not in mounted


def test_secrets_under_etc_masked() -> None:
    cmd = command(["true"], cwd=Path("/"))
    masked = [d for s, d in _pairs(cmd, "--ro-bind") if s == "/dev/null"]
    if os.path.exists("/etc/shadow"):
        assert "/etc/shadow" in masked


def test_copy_bound_at_the_original_path_after_its_parents(tmp_path: Path) -> None:
    work, copy, orig = tmp_path / "w", tmp_path / "w" / "project", tmp_path / "orig" / "proj"
    copy.mkdir(parents=True)
    orig.mkdir(parents=True)
    cmd = command(["true"], cwd=orig, writable=[work], binds=[(copy, orig)])
    binds = _pairs(cmd, "--bind")
    assert (str(copy.resolve()), str(orig)) in binds
    tmp_i = cmd.index("/tmp") if "/tmp" in cmd else 0
    assert all(cmd.index(src) > tmp_i for src, _ in binds)  # after the private /tmp that would hide them


def test_share_net_keeps_the_network_namespace(tmp_path: Path) -> None:
    assert "--unshare-net" not in command(["true"], cwd=tmp_path, share_net=True)


def test_readable_paths_are_read_only_and_deduplicated(tmp_path: Path) -> None:
    a = tmp_path / "a"
    (a / "b").mkdir(parents=True)
    cmd = command(["true"], cwd=tmp_path, readable=[a, a / "b"])
    ro = [s for s, _ in _pairs(cmd, "--ro-bind")]
    assert str(a.resolve()) in ro and str((a / "b").resolve()) not in ro
    assert str(a.resolve()) not in [s for s, _ in _pairs(cmd, "--bind")]
