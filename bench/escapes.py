"""The hostile cases of issue 10, each run the way a user meets it, on the code on PYTHONPATH. Prints one row per
case: what happened (the outcome that matters: a file changed outside, a secret reached, a connection accepted, a
process left, a finding, a traceback), seconds and the peak RSS of the largest process.

    python bench/escapes.py [--case NAME ...] [--isolation auto|process]
    PYTHONPATH=/tmp/wt-before/src python bench/escapes.py      # the same cases on an older tree

Every fixture is written here into a temporary directory; the only listener is on 127.0.0.1, started here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

CASES: dict[str, str] = {}


def case(fn):  # noqa: ANN001, ANN201
    CASES[fn.__name__] = fn.__doc__ or ""
    return fn


def _pulumi(root: Path, program: str, stack_yaml: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "tap.py").write_text("import pulumi\nimport pulumi_aws as aws\n" + textwrap.dedent(program))
    if stack_yaml:
        (root / "Pulumi.dev.yaml").write_text(stack_yaml)
    return root


def _analyze(path: Path, **kw):  # noqa: ANN003, ANN202
    from iacqa.pipeline import analyze

    return analyze(str(path), **kw)


def _rules(result) -> list[str]:  # noqa: ANN001
    return sorted({f.rule for f in result.findings})


@case
def ingest_traversal(tmp: Path) -> str:
    """response label lib/../../..../tmp/x/pwned.py"""
    out = tmp / "outside"
    out.mkdir()
    task = tmp / "task"
    (task / "lib").mkdir(parents=True)
    (task / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    lbl = "lib/" + "../" * 12 + str(out).lstrip("/") + "/pwned.py"
    (task / "lib" / "MODEL_RESPONSE.md").write_text(f"## File: {lbl}\n\n```python\nprint(1)\n```\n\n"
                                                     "## File: lib/tap_stack.py\n\n```python\nx = 1\n```\n")
    r = _analyze(task, response="model", stages=("syntax",))
    written = [p.name for p in out.iterdir()]
    return f"written outside: {written or 'none'}; findings {_rules(r)}"


@case
def path_clash(tmp: Path) -> str:
    """labels lib/a.py and lib/a.py/b.py"""
    task = tmp / "task"
    (task / "lib").mkdir(parents=True)
    (task / "metadata.json").write_text('{"platform": "pulumi", "language": "py"}')
    (task / "lib" / "MODEL_RESPONSE.md").write_text("## File: lib/a.py\n\n```python\nx = 1\n```\n\n"
                                                     "## File: lib/a.py/b.py\n\n```python\ny = 2\n```\n")
    try:
        r = _analyze(task, response="model", stages=("syntax",))
    except Exception as exc:  # noqa: BLE001
        return f"traceback: {type(exc).__name__}"
    return f"findings {_rules(r)}"


@case
def program_writes_outside(tmp: Path) -> str:
    """Pulumi program: open(decoy,'w'), os.unlink(victim), dir_fd unlink"""
    out = tmp / "outside"
    out.mkdir()
    (out / "decoy").write_text("x")
    (out / "victim").write_text("x")
    (out / "victim2").write_text("x")
    _pulumi(tmp / "p", f"""
        import os
        for f in (lambda: open({str(out / 'decoy')!r}, 'w').write('pwned'), lambda: os.unlink({str(out / 'victim')!r}),
                  lambda: os.unlink('victim2', dir_fd=os.open({str(out)!r}, os.O_RDONLY))):
            try:
                f()
            except OSError:
                pass
        aws.s3.Bucket('b')
    """)
    _analyze(tmp / "p", stages=("graph",))
    changed = [n for n in ("decoy", "victim", "victim2") if not (out / n).exists() or (out / n).read_text() != "x"]
    return f"decoys changed: {changed or 'none'}"


@case
def parent_secret(tmp: Path) -> str:
    """program reads /proc/<ppid>/environ (and every /proc/*/environ) for the parent's secret"""
    dump = tmp / "dump"
    _pulumi(tmp / "p", f"""
        import os
        found = []
        for pid in [str(os.getppid())] + [p for p in os.listdir('/proc') if p.isdigit()]:
            try:
                data = open(f'/proc/{{pid}}/environ', 'rb').read()
            except OSError:
                continue
            found += [x.decode() for x in data.split(b'\\0') if b'BENCH_SECRET_MARKER' in x]
        try:
            open({str(dump)!r}, 'w').write(repr(found))
        except OSError:
            pass
        aws.s3.Bucket('b', tags={{'leak': ';'.join(found)[:200]}})
    """)
    r = _analyze(tmp / "p", stages=("graph",))
    from iacqa.report import json_report

    text = json.dumps(json_report.to_json(r)) + (dump.read_text() if dump.exists() else "")
    return f"secret reached: {'YES' if 'BENCH-SECRET-' in text else 'no'}"


@case
def network(tmp: Path) -> str:
    """program connects to a 127.0.0.1 listener of the host with socket, _socket, a python child, bash /dev/tcp"""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                c, _ = srv.accept()
                accepted.append(1)
                c.close()
            except OSError:
                continue

    threading.Thread(target=serve, daemon=True).start()
    _pulumi(tmp / "p", f"""
        import socket, _socket, subprocess, sys
        for make in (socket.socket, _socket.socket):
            try:
                s = make(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(2); s.connect(('127.0.0.1', {port}))
            except Exception:
                pass
        for cmd in ([sys.executable, '-c', "import socket; socket.create_connection(('127.0.0.1', {port}), 2)"],
                    ['bash', '-c', 'echo x > /dev/tcp/127.0.0.1/{port}']):
            try:
                subprocess.run(cmd, timeout=10)
            except Exception:
                pass
        aws.s3.Bucket('b')
    """)
    _analyze(tmp / "p", stages=("graph",))
    time.sleep(0.5)
    stop.set()
    srv.close()
    return f"connections accepted: {len(accepted)}"


@case
def process_left(tmp: Path) -> str:
    """program starts `sleep 300` with setsid + double fork, then finishes"""
    _pulumi(tmp / "p", """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp('sleep', ['sleep', '301'])
            os._exit(0)
        time.sleep(0.5)
        aws.s3.Bucket('b')
    """)
    _analyze(tmp / "p", stages=("graph",))
    time.sleep(1)
    left = subprocess.run(["pgrep", "-f", "^sleep 301$"], capture_output=True, text=True).stdout.split()
    for pid in left:  # clean up after the old code
        subprocess.run(["kill", "-9", pid], capture_output=True)
    return f"processes left: {len(left)}"


@case
def symlinked_entry(tmp: Path) -> str:
    """task dir whose tap.py is a symlink to a program outside"""
    out = tmp / "outside"
    out.mkdir()
    marker = out / "ran"
    (out / "tap.py").write_text(f"import pulumi\nopen({str(marker)!r}, 'w').write('x')\n")
    root = tmp / "p"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
    (root / "lib").mkdir()
    (root / "lib" / "stack.py").write_text("import pulumi\n")
    os.symlink(out / "tap.py", root / "tap.py")
    r = _analyze(root, stages=("graph",))
    return f"outside program ran: {'YES' if marker.exists() else 'no'}; findings {_rules(r)}"


@case
def os_exit_3(tmp: Path) -> str:
    """program calls os._exit(3) after declaring a bucket"""
    _pulumi(tmp / "p", "import os\naws.s3.Bucket('b')\nos._exit(3)\n")
    r = _analyze(tmp / "p", stages=("graph",))
    return f"deployable: {r.deployable}; findings {_rules(r)}"


@case
def output_flood(tmp: Path) -> str:
    """program prints 1 KB lines in a loop (timeout 8 s)"""
    _pulumi(tmp / "p", "import sys\nline = 'x' * 1023 + '\\n'\nwhile True:\n    sys.stdout.write(line)\n")
    r = _analyze(tmp / "p", stages=("graph",), options={"timeout": 8})
    return f"findings {_rules(r)}"


@case
def alias_bomb(tmp: Path) -> str:
    """Pulumi.dev.yaml with a 9^9 YAML alias bomb (the bench process is capped at 3 GB)"""
    lines = ["config:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  {chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    _pulumi(tmp / "p", "aws.s3.Bucket('b')\n", stack_yaml="\n".join(lines) + "\n")
    try:
        r = _analyze(tmp / "p", stages=("graph",))
    except MemoryError:
        return "MemoryError in iacqa's own process"
    return f"graph {next(s.status for s in r.stages if s.name == 'graph')}"


@case
def moto_invoke_stdout(tmp: Path) -> str:
    """Lambda Invoke on the embedded emulator (as a project's integration test does): what lands on stdout"""
    import io
    import zipfile

    from iacqa.emulate import moto_backend

    b = moto_backend.start()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(e, c):\n    return {'ok': 1}\n")
    r, w = os.pipe()
    saved = os.dup(1)
    os.dup2(w, 1)
    try:
        role = b.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        b.client("lambda").create_function(FunctionName="f", Runtime="python3.11", Role=role, Handler="index.handler",
                                           Code={"ZipFile": buf.getvalue()})
        resp = b.client("lambda").invoke(FunctionName="f", Payload="{}")
        payload = resp["Payload"].read().decode()[:60]
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(w)
        b.stop()
    printed = os.read(r, 1 << 16).decode(errors="replace")
    return f"payload {payload!r}; stdout {'has docker errors' if 'docker' in printed.lower() else 'clean'}"


def _one(name: str) -> None:
    if name == "alias_bomb":
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    with tempfile.TemporaryDirectory(prefix=f"bench-esc-{name}-") as tmp:
        t0 = time.monotonic()
        try:
            outcome = globals()[name](Path(tmp))
        except Exception as exc:  # noqa: BLE001 - a traceback is an outcome too
            outcome = f"traceback: {type(exc).__name__}: {str(exc)[:120]}"
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        print(json.dumps({"outcome": outcome, "seconds": round(time.monotonic() - t0, 2), "peak_mb": round(peak)}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", action="append", choices=sorted(CASES))
    ap.add_argument("--isolation", choices=["auto", "process"], default="auto")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args.one)
        return 0
    env = {**os.environ, "IACQA_ISOLATION": args.isolation, "BENCH_SECRET": "BENCH_SECRET_MARKER=BENCH-SECRET-42"}
    env["BENCH_SECRET_MARKER"] = "BENCH-SECRET-42"
    print(f"{'case':22} {'seconds':>8} {'peak MB':>8}  outcome")
    for name in args.case or list(CASES):
        p = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, env=env,
                           timeout=900)
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
        if lines:
            d = json.loads(lines[-1])
            print(f"{name:22} {d['seconds']:8.1f} {d['peak_mb']:8.0f}  {d['outcome']}")
        else:
            print(f"{name:22} {'-':>8} {'-':>8}  crashed: {(p.stderr.strip().splitlines() or [''])[-1][:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
