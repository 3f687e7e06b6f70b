"""The Node.js toolchain that the TypeScript/JavaScript front ends use: one npm install in a cache dir owned by iacqa.

What it is
    `iacqa setup typescript` writes a package.json of the packages below (the TAP scaffold's versions, or the
    closest the registry has) into ``$XDG_CACHE_HOME/iacqa/node/<hash of the spec>`` and runs ``npm install`` there,
    once. Analysis only *reads* this directory: it links ``node_modules`` into the project copy, so the real type
    definitions (aws-cdk-lib, @pulumi/aws, @cdktf/provider-aws) judge the code and the real runtimes synthesize it.
    Analysis never runs npm and never downloads; without the toolchain the TypeScript stages are `unavailable`,
    naming the command to run.

Why a cache dir and not the project
    The user's project is never modified and many projects share one 1 GB install; the hash in the path means a
    changed package list installs beside the old one instead of corrupting it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# The TAP scaffold's package.json pins these (aws-cdk-lib 2.219.0, constructs 10.4.2, @cdktf/provider-aws 21.9.1,
# @pulumi/aws ^7.3.1, cdktf ^0.21.0); the rest are what the pipeline's build, synth and jest runs load.
PACKAGES: dict[str, str] = {
    "typescript": "~5.9.2",
    "aws-cdk-lib": "2.219.0",
    "constructs": "10.4.2",
    "@pulumi/pulumi": "^3.188.0",
    "@pulumi/aws": "^7.3.1",
    "@pulumi/random": "^4.18.3",
    "@pulumi/tls": "^5.0.0",
    "@pulumi/kubernetes": "^4.24.0",
    "@pulumi/awsx": "^3.0.0",
    "cdktf": "~0.21.0",
    "@cdktf/provider-aws": "21.9.1",
    "@cdktf/provider-archive": "^11.0.0",
    "@cdktf/provider-random": "^12.0.0",
    "@cdktf/provider-tls": "^11.0.0",
    "jest": "^29.7.0",
    "ts-jest": "^29.4.5",
    "babel-jest": "^29.7.0",
    "@babel/preset-env": "^7.28.3",
    "ts-node": "^10.9.2",
    "esbuild": "^0.24.0",  # NodejsFunction bundles its handler with it at synth (else it needs Docker)
    "source-map-support": "^0.5.21",
    "@types/node": "^22.19.1",
    "@types/jest": "^29.5.14",
    "@types/aws-lambda": "^8.10.152",
    "aws-sdk-client-mock": "^4.1.0",
    "@aws-sdk/client-dynamodb": "^3.940.0",
    "@aws-sdk/lib-dynamodb": "^3.901.0",
    "@aws-sdk/util-dynamodb": "^3.902.0",
    "@aws-sdk/client-s3": "^3.901.0",
    "@aws-sdk/client-sns": "^3.927.0",
    "@aws-sdk/client-sqs": "^3.879.0",
    "@aws-sdk/client-lambda": "^3.942.0",
    "@aws-sdk/client-secrets-manager": "^3.913.0",
    "@aws-sdk/client-ssm": "^3.879.0",
    "@aws-sdk/client-eventbridge": "^3.940.0",
    "@aws-sdk/client-cloudwatch": "^3.940.0",
    "@aws-sdk/client-cloudwatch-logs": "^3.901.0",
    "@aws-sdk/client-kms": "^3.913.0",
    "@aws-sdk/client-sfn": "^3.940.0",
    "@aws-sdk/client-kinesis": "^3.914.0",
    "@aws-sdk/client-sts": "^3.862.0",
    "@aws-sdk/client-iam": "^3.927.0",
    "@aws-sdk/client-ec2": "^3.913.0",
    "@aws-sdk/client-rds": "^3.913.0",
    "@aws-sdk/client-config-service": "^3.927.0",
    "@aws-sdk/client-api-gateway": "^3.913.0",
    "@aws-sdk/client-cloudformation": "^3.883.0",
    "eslint": "^8.57.0",
    "@typescript-eslint/eslint-plugin": "^7.18.0",
    "@typescript-eslint/parser": "^7.18.0",
    "eslint-plugin-prettier": "5.5.1",
    "eslint-plugin-import": "2.32.0",
    "eslint-config-prettier": "^9.0.0",
    "prettier": "^3.6.2",
}
# TypeScript 7, the native (Go) compiler: released as `typescript` 7.x with a per-platform binary package (the
# former @typescript/native-preview). Installed under an alias beside 5.9, which the pipeline's build uses.
NATIVE_PREVIEW = {"typescript-native": "npm:typescript@7.0.2"}
READY_FILE = ".iacqa-ready.json"
SETUP_COMMAND = "iacqa setup typescript"


def spec(native: bool = True) -> dict[str, str]:
    deps = dict(PACKAGES)
    if native:
        deps.update(NATIVE_PREVIEW)
    return deps


def spec_hash(deps: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(deps, sort_keys=True).encode()).hexdigest()[:12]


def cache_root() -> Path:
    if os.environ.get("IACQA_NODE_HOME"):
        return Path(os.environ["IACQA_NODE_HOME"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iacqa" / "node"


def _roots() -> list[Path]:
    """Where an install may be: the configured root, then the account's own cache (sandboxed children run with a
    throw-away HOME, and must still find the toolchain the user installed)."""
    out = [cache_root()]
    if not os.environ.get("IACQA_NODE_HOME"):
        try:
            import pwd

            out.append(Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "iacqa" / "node")
        except (ImportError, KeyError):
            pass
    return list(dict.fromkeys(out))


@dataclass
class Toolchain:
    """A ready install: where its node_modules are and the versions it holds."""

    root: Path
    versions: dict[str, str] = field(default_factory=dict)
    native_tsc: bool = False

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    def bin(self, name: str) -> Path:
        return self.node_modules / ".bin" / name

    def has(self, package: str) -> bool:
        return (self.node_modules / package / "package.json").is_file()

    def version(self, package: str) -> str | None:
        return self.versions.get(package)


def node_binary() -> str | None:
    return shutil.which("node")


def find() -> Toolchain | None:
    """The installed toolchain (the current spec's first, else the newest ready one), or None. Never installs."""
    if not node_binary():
        return None
    cands: list[Path] = []
    for root in _roots():
        if not root.is_dir():
            continue
        wanted = [root / spec_hash(spec()), root / spec_hash(spec(native=False))]
        others = sorted((p for p in root.iterdir() if p.is_dir() and p not in wanted),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        cands += wanted + others
    for cand in cands:
        ready = cand / READY_FILE
        if ready.is_file():
            try:
                data = json.loads(ready.read_text())
            except (OSError, ValueError):
                continue
            return Toolchain(cand, dict(data.get("versions") or {}), bool(data.get("native_tsc")))
    return None


def unavailable_reason() -> str:
    if not node_binary():
        return "node is not installed (Node.js >= 18 is needed for the TypeScript/JavaScript platforms)"
    return f"the Node.js toolchain is not installed: run `{SETUP_COMMAND}` (once, ~1 GB in {cache_root()})"


def _du(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total


def _installed_versions(nm: Path, names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        try:
            out[name] = json.loads((nm / name / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            pass
    return out


def _npm_install(target: Path, deps: dict[str, str], log, timeout: float) -> tuple[int, str]:
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text(json.dumps(
        {"name": "iacqa-node-toolchain", "private": True, "version": "0.0.0", "dependencies": deps}, indent=2))
    # --ignore-scripts: nothing the toolchain needs runs an install script, and none may fetch binaries.
    cmd = ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error",
           "--no-package-lock"]
    proc = subprocess.Popen(cmd, cwd=target, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.stdout or []), daemon=True)
    reader.start()
    start = last = time.monotonic()
    while proc.poll() is None:
        time.sleep(0.5)
        el = time.monotonic() - start
        if time.monotonic() - last >= 15:  # elapsed time and what is on disk so far (npm itself prints nothing)
            last = time.monotonic()
            nm = target / "node_modules"
            size = _du(nm) / 1e6 if nm.is_dir() else 0.0
            log(f"  ... {el:5.0f} s, {size:6.0f} MB in node_modules" + ("" if size else " (resolving the tree)"))
        if el > timeout:
            proc.kill()
            return 124, "".join(out) + f"\nnpm install timed out after {timeout:.0f} s"
    reader.join(timeout=5)
    return proc.returncode, "".join(out)


def setup(log=None, native: bool = True, timeout: float = 1800.0, force: bool = False) -> dict:
    """Install the toolchain once; returns what was installed, how long it took and the disk it uses."""
    log = log or (lambda s: sys.stderr.write(s + "\n"))
    if not shutil.which("npm") or not node_binary():
        return {"ok": False, "error": "node and npm are needed: install Node.js >= 18 (e.g. `apt-get install nodejs npm`)"}
    deps = spec(native)
    target = cache_root() / spec_hash(deps)
    if (target / READY_FILE).is_file() and not force:
        data = json.loads((target / READY_FILE).read_text())
        data["already"] = True
        return data
    log(f"iacqa: installing {len(deps)} npm packages into {target}")
    start = time.monotonic()
    rc, out = _npm_install(target, deps, log, timeout)
    if rc != 0 and native:
        # The native preview is optional: retry without it rather than leaving TypeScript unusable.
        log("iacqa: install with @typescript/native-preview failed; retrying without it")
        shutil.rmtree(target, ignore_errors=True)
        return setup(log, native=False, timeout=timeout, force=force)
    seconds = time.monotonic() - start
    if rc != 0:
        return {"ok": False, "error": f"npm install failed (exit {rc}):\n{out[-3000:]}", "seconds": round(seconds, 1)}
    nm = target / "node_modules"
    versions = _installed_versions(nm, list(deps))
    native_ok = native and _native_works(nm)
    data = {
        "ok": True, "root": str(target), "seconds": round(seconds, 1), "disk_mb": round(_du(nm) / 1e6),
        "versions": versions, "native_tsc": native_ok, "node": _node_version(), "spec": deps,
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (target / READY_FILE).write_text(json.dumps(data, indent=2))
    return data


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _native_works(nm: Path) -> bool:
    tsgo = nm / "typescript-native" / "bin" / "tsc"
    if not tsgo.exists():
        return False
    try:
        r = subprocess.run([str(tsgo), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0 and "Version" in (r.stdout + r.stderr)
