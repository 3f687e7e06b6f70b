"""`iacqa setup typescript` and `iacqa doctor`: install the Node toolchain once; say which platforms are ready."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import time

from iacqa.toolchain import node


def add_parsers(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("setup", help="install an optional toolchain once (typescript: the Node.js packages)")
    s.add_argument("what", choices=("typescript",), help="typescript: npm packages for CDK/Pulumi/CDKTF TS and JS")
    s.add_argument("--force", action="store_true", help="install again even when already installed")
    s.add_argument("--no-native", action="store_true", help="skip TypeScript 7 (the native compiler)")
    sub.add_parser("doctor", help="list which platforms are ready to analyze")


def setup(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    data = node.setup(native=not args.no_native, force=args.force)
    if not data.get("ok"):
        sys.stderr.write(f"iacqa: setup typescript failed: {data.get('error')}\n")
        return 1
    if data.get("already"):
        sys.stdout.write(f"already installed in {data['root']} ({data.get('disk_mb')} MB, installed "
                         f"{data.get('installed_at')}); --force installs again\n")
    else:
        sys.stdout.write(f"installed in {data['root']}: {len(data.get('versions', {}))} packages, "
                         f"{data.get('disk_mb')} MB, {time.monotonic() - t0:.0f} s\n")
    for name, version in sorted((data.get("versions") or {}).items()):
        sys.stdout.write(f"  {name} {version}\n")
    sys.stdout.write("TypeScript 7 native compiler: " + ("yes (used for the type check)" if data.get("native_tsc")
                                                           else "no (tsc 5.9 is used)") + "\n")
    return 0


def _has(mod: str) -> bool:
    try:
        return importlib.util.find_spec(mod) is not None
    except (ImportError, ValueError):
        return False


def readiness() -> list[tuple[str, bool, str]]:
    """(platform, ready, what is missing or what it uses)."""
    rows: list[tuple[str, bool, str]] = []
    rows.append(("Terraform HCL", True, "built in"))
    rows.append(("CloudFormation YAML/JSON", _has("cfnlint"), "cfn-lint"))
    rows.append(("Pulumi Python", _has("pulumi") and _has("pulumi_aws"),
                 "pip install 'iacqa[pulumi]'" if not (_has("pulumi") and _has("pulumi_aws")) else "pulumi, pulumi-aws"))
    rows.append(("CDK Python", _has("aws_cdk"), "aws-cdk-lib" if _has("aws_cdk") else "pip install 'iacqa[cdk]'"))
    rows.append(("CDKTF Python", _has("cdktf") and _has("cdktf_cdktf_provider_aws"),
                 "cdktf" if _has("cdktf") else "pip install 'iacqa[cdktf]'"))
    tc = node.find()
    ts_detail = (f"{tc.root} (" + ", ".join(f"{k} {tc.versions[k]}" for k in
                                            ("typescript", "aws-cdk-lib", "@pulumi/aws", "@cdktf/provider-aws")
                                            if k in tc.versions) + (", tsc 7 native" if tc.native_tsc else "") + ")"
                 ) if tc else node.unavailable_reason()
    for name in ("CDK TypeScript/JavaScript", "Pulumi TypeScript/JavaScript", "CDKTF TypeScript"):
        rows.append((name, tc is not None, ts_detail))
    rows.append(("emulator (moto)", _has("moto"), "moto" if _has("moto") else "pip install 'iacqa[emulate]'"))
    rows.append(("Node.js handlers in the emulator", tc is not None and _has("moto") and bool(shutil.which("node")),
                 "node + toolchain + moto"))
    return rows


def doctor(args: argparse.Namespace) -> int:
    del args
    for name, ok, detail in readiness():
        sys.stdout.write(f"{'ready' if ok else 'missing':<8} {name:<34} {detail}\n")
    return 0
