"""The Ray engine against the local engine: a Ray head started here (in a network namespace that has only the
loopback interface, so neither Ray nor anything it starts can reach another address), the same small set run by
both engines, identical results. Skips cleanly without Ray or without `unshare --net`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.batch.fixtures import write_task

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _netns_ok() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    r = subprocess.run(["unshare", "--net", "--", "sh", "-c", "ip link set lo up"], capture_output=True)
    return r.returncode == 0


# Runs inside the namespace: start a head bound to 127.0.0.1, run both engines, stop the head (by its session).
SCRIPT = """
import os, signal, socket, subprocess, sys, time
import tempfile
tmp, tasks, port = sys.argv[1], sys.argv[2], sys.argv[3]
ray_tmp = tempfile.mkdtemp(prefix="iqr", dir="/tmp")  # Ray's socket paths must stay under 107 bytes
env = dict(os.environ, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0", RAY_USAGE_STATS_ENABLED="0",
           RAY_AUTH_MODE="disabled")  # nothing but loopback exists in this namespace
head = subprocess.Popen([{ray!r}, "start", "--head", "--node-ip-address=127.0.0.1", "--port=" + port,
                         "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
                         "--temp-dir=" + ray_tmp, "--block"], env=env, start_new_session=True,
                        stdout=open(tmp + "/head.log", "w"), stderr=subprocess.STDOUT)
try:
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    common = [tasks, "--stages", "ingest,graph,check", "--plain", "--workers", "2"]
    local = subprocess.run([{iacqa!r}, "batch", *common, "-o", tmp + "/local.jsonl"], env=env, timeout=600)
    ray = subprocess.run([{iacqa!r}, "batch", *common, "--engine", "ray", "--address", "127.0.0.1:" + port,
                          "-o", tmp + "/ray.jsonl"], env=env, timeout=600)
    print("codes", local.returncode, ray.returncode)
finally:
    os.killpg(head.pid, signal.SIGTERM)
    try:
        head.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(head.pid, signal.SIGKILL)
    import shutil
    shutil.rmtree(ray_tmp, ignore_errors=True)
"""


def _normal(path: Path) -> dict:
    """Results without what legitimately differs between runs: timings, worker ids, the engine name."""
    out = {}
    for line in path.read_text().splitlines():
        d = json.loads(line)
        d.pop("batch", None)
        d.pop("batch_seconds", None)
        d["stages"] = [(s["name"], s["status"]) for s in d.get("stages") or []]
        out[(d["task"]["path"], d["task"]["response"])] = d
    return out


def test_ray_and_local_engines_give_identical_results(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    if not (BIN / "ray").exists() or not (BIN / "iacqa").exists():
        pytest.skip("ray or iacqa console script not installed in this environment")
    if not _netns_ok():
        pytest.skip("needs `unshare --net` (root) to keep Ray on the loopback interface")
    tasks = tmp_path / "tasks"
    write_task(tasks, "Pr0001")
    write_task(tasks, "Pr0002", training_quality=9, failures=None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    script = textwrap.dedent(SCRIPT.format(ray=str(BIN / "ray"), iacqa=str(BIN / "iacqa")))
    r = subprocess.run(["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" -c "$1" "$2" "$3" "$4"',
                        sys.executable, script, str(tmp_path), str(tasks), port],
                       capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert "codes 0 0" in r.stdout, r.stdout[-2000:] + r.stderr[-3000:]
    local, ray = _normal(tmp_path / "local.jsonl"), _normal(tmp_path / "ray.jsonl")
    assert len(local) == 4 and set(local) == set(ray)
    for job in local:
        assert local[job] == ray[job], job
    assert any(d["findings"] for d in local.values())  # the set has real findings to compare
    engines = {json.loads(x)["batch"]["engine"] for x in (tmp_path / "ray.jsonl").read_text().splitlines()}
    assert engines == {"ray"}
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    time.sleep(0.1)
    _ = signal  # the head was ended by its own session inside the namespace, which is gone with it
