"""Escapes a hostile program tries, checked by their outcome (decoys outside unchanged, no secret reached, no
connection accepted by a listener outside, no process left), under namespaces and under the process fallback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from iacqa.sandbox import safe_env, spawn
from iacqa.sandbox.outcome import Outcome
from tests.sandbox.conftest import PY, unchanged

DRIVER = Path(__file__).with_name("_driver.py")


def run_child(code: str, tmp_path: Path, timeout: float = 20, memory_mb: int = 512,
              ports: tuple[int, ...] = ()) -> Outcome:
    work = tmp_path / "work"
    project = work / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "prog.py").write_text(textwrap.dedent(code))
    env = safe_env(work / "home")
    return spawn([PY, "prog.py"], cwd=project, env=env, timeout=timeout, memory_mb=memory_mb, writable=[work],
                 ports=ports, work=work)


def test_python_writes_outside_are_refused(isolation: str, tmp_path: Path, decoys: dict[str, Path]) -> None:
    d, v = decoys["decoy.txt"], decoys["victim.txt"]
    out = run_child(f"""
        import os, shutil
        tries = []
        def attempt(name, fn):
            try:
                fn(); tries.append(name + ":done")
            except Exception as e:
                tries.append(name + ":" + type(e).__name__)
        attempt("open", lambda: open({str(d)!r}, "w").write("pwned"))
        attempt("os.open", lambda: os.write(os.open({str(d)!r}, os.O_WRONLY | os.O_TRUNC), b"pwned"))
        try:  # under namespaces the directory is not even there
            dfd = os.open({str(d.parent)!r}, os.O_RDONLY)
        except OSError as e:
            tries.append("dirfd:" + type(e).__name__)
        else:
            attempt("unlink-dirfd", lambda: os.unlink("victim.txt", dir_fd=dfd))
            attempt("open-dirfd", lambda: os.write(os.open("new.txt", os.O_CREAT | os.O_WRONLY, dir_fd=dfd), b"x"))
        attempt("rename", lambda: os.rename({str(v)!r}, {str(v)!r} + ".moved"))
        attempt("rmtree", lambda: shutil.rmtree({str(d.parent)!r}))
        attempt("python-child", lambda: __import__("subprocess").run(
            ["{PY}", "-c", "open({str(d)!r}, 'w').write('pwned')"], check=True))
        print(" ".join(tries))
    """, tmp_path)
    assert unchanged(decoys), out.stdout + out.stderr
    assert out.status == "ok" and "open:" in out.stdout
    assert out.isolation == isolation


def test_shell_and_native_writes_outside(isolation: str, tmp_path: Path, decoys: dict[str, Path]) -> None:
    from iacqa.sandbox.spawn import landlock_abi

    if isolation == "process" and not landlock_abi():
        pytest.skip("without namespaces or Landlock nothing stops a shell or ctypes (native code)")
    d, v = decoys["decoy.txt"], decoys["victim.txt"]
    run_child(f"""
        import ctypes, subprocess
        subprocess.run(["sh", "-c", "echo pwned > {d}; rm -f {v}; touch {d.parent}/new"])
        ctypes.CDLL(None).unlink({str(v).encode()!r})
    """, tmp_path)
    assert unchanged(decoys)


def test_writes_inside_the_sandbox_work(isolation: str, tmp_path: Path) -> None:
    out = run_child("""
        import os, tempfile
        open("out.txt", "w").write("ok")
        with open(os.path.join(tempfile.gettempdir(), "t"), "w") as fh:
            fh.write("ok")
        print("wrote", os.path.exists("out.txt"))
    """, tmp_path)
    assert out.status == "ok" and "wrote True" in out.stdout, out.stderr


@pytest.mark.parametrize("mode", ["spawn", "plain"])
def test_parent_secret_not_reachable(isolation: str, tmp_path: Path, mode: str) -> None:
    """The driver process starts with the marker in its initial environment; the child hunts for it in
    /proc/<ppid>/environ and every other /proc/<pid>/environ. The plain run is the control: it must find it."""
    if mode == "plain" and isolation == "namespaces":
        pytest.skip("the control runs once")
    marker = "IACQA-SECRET-" + os.urandom(8).hex()
    code = textwrap.dedent("""
        import os
        found = set()
        pids = [str(os.getppid())] + [p for p in os.listdir("/proc") if p.isdigit()]
        for pid in pids:
            for what in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{what}", "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue
                for item in data.split(b"\\0"):
                    if b"IACQA-SECRET-" in item:
                        found.add(item.decode(errors="replace"))
        print("FOUND", sorted(found))
    """)
    env = {**os.environ, "IACQA_TEST_PARENT_SECRET": marker, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.run([PY, str(DRIVER), json.dumps({"code": code, "work": str(tmp_path / "w"), "mode": mode})],
                       env=env, capture_output=True, text=True, timeout=60)
    res = json.loads(p.stdout)
    if mode == "plain":
        assert marker in res["stdout"], "control: without a sandbox the marker is readable (the test can fail)"
    else:
        assert "FOUND" in res["stdout"], res
        assert marker not in res["stdout"] + res["stderr"]


def test_no_connection_to_a_host_listener(isolation: str, tmp_path: Path, listener) -> None:  # noqa: ANN001
    port = listener.port
    out = run_child(f"""
        import socket, _socket, subprocess, sys
        res = []
        for name, make in (("socket", socket.socket), ("_socket", _socket.socket)):
            try:
                s = make(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(2)
                s.connect(("127.0.0.1", {port})); res.append(name + ":connected")
            except OSError as e:
                res.append(name + ":" + type(e).__name__)
        try:
            subprocess.run([sys.executable, "-c",
                            "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"], timeout=10)
        except Exception as e:
            res.append("python-child:" + type(e).__name__)
        try:
            subprocess.run(["bash", "-c", "echo x > /dev/tcp/127.0.0.1/{port}"], timeout=10)
        except Exception as e:
            res.append("bash:" + type(e).__name__)
        print(" ".join(res))
    """, tmp_path)
    time.sleep(0.3)
    assert "socket:" in out.stdout, out.stderr
    if isolation == "process":
        # The guard stops Python sockets and network tools; bash's /dev/tcp is refused as a command.
        assert listener.accepted == 0, out.stdout + out.stderr
    else:
        assert listener.accepted == 0, out.stdout + out.stderr


def test_loopback_server_of_the_run_is_reachable(isolation: str, tmp_path: Path) -> None:
    """A test's own server on loopback (bound inside the run) keeps working."""
    out = run_child("""
        import socket, threading
        srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
        port = srv.getsockname()[1]
        threading.Thread(target=lambda: srv.accept()[0].sendall(b"hello"), daemon=True).start()
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        print(c.recv(5).decode())
    """, tmp_path)
    assert "hello" in out.stdout, out.stderr


def test_no_process_left_after_setsid_double_fork(isolation: str, tmp_path: Path) -> None:
    pidfile = tmp_path / "work" / "pid"
    out = run_child(f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                with open({str(pidfile)!r}, "w") as fh:
                    fh.write(str(os.getpid()))
                    fh.write(" " + open("/proc/self/stat").read().split()[0])
                time.sleep(120)
            os._exit(0)
        time.sleep(1)
        print("parent done")
    """, tmp_path)
    assert out.status == "ok", out.stderr
    assert "parent done" in out.stdout
    # Under namespaces the pid written is the one inside the PID namespace; find it by its command line.
    import psutil

    time.sleep(0.5)
    left = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any("prog.py" in c for c in (p.info["cmdline"] or [])) and str(tmp_path) in " ".join(
                    p.cwd() for _ in [0]):
                left.append(p.pid)
        except psutil.Error:
            continue
    assert not left, left


def test_timeout_kills_the_whole_tree(isolation: str, tmp_path: Path) -> None:
    t0 = time.monotonic()
    out = run_child("""
        import os, subprocess, time
        subprocess.Popen(["sleep", "300"], start_new_session=True)
        time.sleep(300)
    """, tmp_path, timeout=2)
    assert out.status == "timeout" and out.timed_out
    assert time.monotonic() - t0 < 10
    import psutil

    time.sleep(0.5)
    sleepers = [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [])[:2] == ["sleep", "300"]]
    assert not sleepers


def test_output_flood_is_capped(isolation: str, tmp_path: Path) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = run_child("""
        import sys
        line = "x" * 1023 + "\\n"
        while True:
            sys.stdout.write(line)
    """, tmp_path, timeout=3)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert out.status == "timeout"
    assert out.stdout_bytes > 20 * 2**20, out.stdout_bytes  # it did flood
    assert out.stdout_dropped > 0 and len(out.stdout) <= 20000
    assert grown_mb < 60, grown_mb


def test_exit_codes_are_the_programs(isolation: str, tmp_path: Path) -> None:
    out = run_child("import os; os._exit(3)", tmp_path)
    assert (out.status, out.exit_code) == ("exit", 3)
    out = run_child("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", tmp_path)
    assert out.status == "killed" and out.signal == 9


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl_cannot_reach_the_host(isolation: str, tmp_path: Path, listener) -> None:  # noqa: ANN001
    run_child(f"""
        import subprocess
        try:
            subprocess.run(["curl", "-s", "-m", "3", "http://127.0.0.1:{listener.port}/"], timeout=10)
        except Exception as e:
            print(type(e).__name__)
    """, tmp_path)
    time.sleep(0.3)
    assert listener.accepted == 0
