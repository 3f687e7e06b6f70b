"""Cost of the sandbox per child: a Pulumi program run and a CDK synth, with and without bubblewrap, and a bare
child (`python -c pass`) that shows bwrap's own share. Prints seconds (median of N runs) and peak RSS of the child.

    python bench/isolation.py [--runs N] [--skip-cdk]

Runs on the code on PYTHONPATH: point it at an older tree (PYTHONPATH=/tmp/wt-before/src) for a before/after
comparison; trees without `iacqa.sandbox.spawn` (before the one-spawn change) are measured on their own path and
shown as mode `before`. The fixtures are tiny programs written here; nothing is read from ../shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PULUMI_APP = '''
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("data", force_destroy=True)
queue = aws.sqs.Queue("jobs", visibility_timeout_seconds=60)
role = aws.iam.Role("fn-role", assume_role_policy="""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""")
fn = aws.lambda_.Function("worker", runtime="python3.12", handler="index.handler", role=role.arn,
                          code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\\n    return 1\\n")}))
pulumi.export("bucket", bucket.id)
'''
CDK_APP = '''
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3, aws_sqs as sqs

app = cdk.App()
stack = cdk.Stack(app, "TapStack")
s3.Bucket(stack, "Data")
sqs.Queue(stack, "Jobs")
app.synth()
'''


def _project(kind: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"bench-iso-{kind}-"))
    if kind == "pulumi":
        (root / "Pulumi.yaml").write_text("name: TapStack\nruntime: python\nmain: tap.py\n")
        (root / "tap.py").write_text(PULUMI_APP)
    else:
        (root / "app.py").write_text(CDK_APP)
        (root / "cdk.json").write_text('{"app": "python3 app.py"}')
    return root


def _modes() -> list[str]:
    try:
        import iacqa.sandbox.spawn  # noqa: F401
    except ImportError:
        return ["before"]
    from iacqa.sandbox import bwrap

    return (["namespaces"] if bwrap.probe() is None else []) + ["process"]


def _set(mode: str) -> None:
    if mode != "before":
        os.environ["IACQA_ISOLATION"] = "auto" if mode == "namespaces" else "process"


def pulumi_run(root: Path) -> tuple[float, float, str]:
    from iacqa.frontends.pulumi_py.frontend import PulumiFrontend
    from iacqa.ingest.task import load

    project = load(root)
    t0 = time.monotonic()
    res = PulumiFrontend().build(project, {})
    seconds = time.monotonic() - t0
    peak = _peak(res.detail)
    return seconds, peak, res.status


def cdk_synth(root: Path) -> tuple[float, float, str]:
    from iacqa.frontends.cdk_py.synth import synth

    t0 = time.monotonic()
    res = synth(root)
    seconds = time.monotonic() - t0
    status = res.status
    peak = float(getattr(res, "peak_mb", 0.0) or 0.0)
    try:
        res.cleanup()
    except Exception:  # noqa: BLE001 - older trees
        pass
    return seconds, peak, status


def bare_child() -> tuple[float, float, str]:
    from iacqa.sandbox import safe_env, spawn

    work = Path(tempfile.mkdtemp(prefix="bench-iso-bare-"))
    t0 = time.monotonic()
    o = spawn([sys.executable, "-c", "pass"], cwd=work, env=safe_env(work / "home"), timeout=30, memory_mb=512,
              writable=[work], work=work)
    return time.monotonic() - t0, o.peak_rss_mb, o.status


def _peak(detail: str) -> float:
    import re

    m = re.search(r"peak (\d+(?:\.\d+)?) MB", detail or "")
    return float(m.group(1)) if m else 0.0


def measure(case: str, mode: str, runs: int) -> dict:
    _set(mode)
    fn = {"pulumi": pulumi_run, "cdk": cdk_synth, "bare": bare_child}[case]
    arg = () if case == "bare" else (_project(case),)
    fn(*arg)  # warm the page cache and jsii's package cache
    times, peaks, statuses = [], [], []
    for _ in range(runs):
        s, p, st = fn(*arg)
        times.append(s)
        peaks.append(p)
        statuses.append(st)
    return {"case": case, "mode": mode, "median_s": statistics.median(times), "min_s": min(times),
            "peak_mb": max(peaks), "status": ",".join(sorted(set(statuses)))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-cdk", action="store_true")
    ap.add_argument("--case", action="append", choices=["bare", "pulumi", "cdk"])
    args = ap.parse_args()
    cases = args.case or ["bare", "pulumi", *([] if args.skip_cdk else ["cdk"])]
    rows = []
    for case in cases:
        for mode in _modes():
            if case == "bare" and mode == "before":
                continue
            import importlib.util

            if importlib.util.find_spec("pulumi_aws" if case == "pulumi" else "aws_cdk" if case == "cdk"
                                        else "os") is None:  # find_spec: importing aws_cdk would start jsii
                print(f"skip {case}: SDK not installed", file=sys.stderr)
                break
            # one process per measurement: imports and caches of one mode must not help the other
            out = subprocess.run([sys.executable, __file__, "--one", case, mode, str(args.runs)],
                                 capture_output=True, text=True, env=os.environ.copy())
            line = (out.stdout.strip().splitlines() or [""])[-1]
            rows.append(line if line.startswith("{") else
                        str({"case": case, "mode": mode, "error": out.stderr.strip()[-300:]}))
    import ast

    print(f"{'case':8} {'mode':11} {'median s':>9} {'min s':>7} {'peak MB':>8}  status")
    for r in rows:
        d = ast.literal_eval(r)
        if "error" in d:
            print(f"{d['case']:8} {d['mode']:11} error: {d['error']}")
            continue
        print(f"{d['case']:8} {d['mode']:11} {d['median_s']:9.3f} {d['min_s']:7.3f} {d['peak_mb']:8.1f}  {d['status']}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(repr(measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        sys.exit(0)
    sys.exit(main())
