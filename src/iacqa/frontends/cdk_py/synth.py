"""`cdk synth` without the CDK CLI: the app runs in a sandboxed child and writes its cloud assembly to a temp dir.

What the CLI would do is done here: the app command comes from cdk.json ("python3 app.py"), the context from
cdk.json / cdk.context.json plus the TAP default environmentSuffix=dev goes in CDK_CONTEXT_JSON, CDK_OUTDIR points
`app.synth()` at a temp dir, CDK_DEFAULT_ACCOUNT/REGION are the sandbox's fake ones. Node runs jsii only.

Limits: the child is a fresh interpreter (runner.py says why it is not forked), in its own session; the parent
samples the RSS of the whole tree (python + node) and kills the group past the memory limit or the deadline.
Measured on the contract stack: ~5-8 s, tree peak ~0.75 GB (node ~0.65 GB of it).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.frontends.app_run import run_app
from iacqa.sandbox import safe_env
from iacqa.sandbox.env import FAKE_ACCOUNT, REGION

# Context the CDK CLI passes by default (path and asset metadata let us map resources and assets back to the
# source); staging disabled so asset metadata names the project directory instead of a copy in the assembly.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": False,
    "aws:cdk:disable-asset-staging": True,
}
TAP_CONTEXT = {"environmentSuffix": "dev"}
ENTRY_NAMES = ("app.py", "tap.py", "main.py")
_PYTHON = re.compile(r"(^|/)python(\d+(\.\d+)?)?$")

# The TAP scaffold's tap.py for CDK Python, used only when the project brings no entry point of its own. It adapts
# to the TapStack signature the response wrote (props object, keyword suffix, or nothing).
TAP_ENTRY = '''"""Entry point added by iacqa (TAP convention for CDK Python): the project has none."""
import inspect
import os

import aws_cdk as cdk

from lib import tap_stack

app = cdk.App()
suffix = app.node.try_get_context("environmentSuffix") or "dev"
name = f"TapStack{suffix}"
env = cdk.Environment(account=os.getenv("CDK_DEFAULT_ACCOUNT"), region=os.getenv("CDK_DEFAULT_REGION"))
params = inspect.signature(tap_stack.TapStack.__init__).parameters
if hasattr(tap_stack, "TapStackProps") and "props" in params:
    tap_stack.TapStack(app, name, props=tap_stack.TapStackProps(environment_suffix=suffix, env=env))
elif "environment_suffix" in params:
    tap_stack.TapStack(app, name, environment_suffix=suffix, env=env)
else:
    tap_stack.TapStack(app, name, env=env)
app.synth()
'''


@dataclass
class EntryPoint:
    mode: str  # "path" | "module"
    target: str  # project-relative script path, or a module name
    source: str  # where it came from: cdk.json | project | convention | generated
    generated: str | None = None  # text of a generated entry (written outside the project)

    @property
    def display(self) -> str:
        if self.generated is not None:
            return "tap.py (generated, TAP convention)"
        return f"-m {self.target}" if self.mode == "module" else self.target


@dataclass
class SynthResult:
    status: str  # ok | error | timeout | memory | exit | killed | no-entry | unsupported
    template_paths: list[Path] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # runner events + annotations from the assembly
    seconds: float = 0.0
    peak_mb: float = 0.0
    entry: EntryPoint | None = None
    outdir: Path | None = None
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    detail: str = ""

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("kind") in ("exception", "exit", "memory", "annotation")
                and (e.get("kind") != "annotation" or e.get("level") == "error")]

    def cleanup(self) -> None:
        if self.outdir is not None:
            shutil.rmtree(self.outdir, ignore_errors=True)
            self.outdir = None


def find_entry(root: Path, hint: str | None = None) -> EntryPoint | None:
    """The app to run: cdk.json "app", else the project's entry (hint), app.py/tap.py/main.py, bin/*.py, else the
    TAP convention (a generated tap.py over lib/tap_stack.py's TapStack). None when there is nothing to run."""
    cfg = _cdk_json(root)
    app = cfg.get("app")
    if isinstance(app, str) and app.strip():
        ep = parse_app_command(app, root)
        if ep is not None:
            return ep
        return EntryPoint("unsupported", app, "cdk.json")
    if hint and (root / hint).is_file():
        return EntryPoint("path", hint, "project")
    for name in ENTRY_NAMES:
        if (root / name).is_file():
            return EntryPoint("path", name, "convention")
    bins = sorted(p for p in (root / "bin").glob("*.py") if p.name != "__init__.py") if (root / "bin").is_dir() else []
    if bins:
        return EntryPoint("path", bins[0].relative_to(root).as_posix(), "convention")
    stack = root / "lib" / "tap_stack.py"
    if stack.is_file() and re.search(r"^class\s+TapStack\b", stack.read_text(errors="replace"), re.M):
        return EntryPoint("path", "tap.py", "generated", generated=TAP_ENTRY)
    return None


def parse_app_command(app: str, root: Path) -> EntryPoint | None:
    """`python3 app.py`, `python -m app`, `.venv/bin/python tap.py` -> EntryPoint; None for non-Python apps."""
    try:
        argv = shlex.split(app)
    except ValueError:
        return None
    argv = strip_launchers(argv)
    if not argv or not _PYTHON.search(argv[0]):
        return None
    rest = argv[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-m":
        rest = rest[1:]  # interpreter flags such as -u, -B
    if len(rest) >= 2 and rest[0] == "-m":
        return EntryPoint("module", rest[1], "cdk.json")
    if rest:
        target = rest[0]
        if (root / target).is_file() or not Path(target).is_absolute():
            return EntryPoint("path", target, "cdk.json")
    return None


# Launchers that run the rest of the command in the project's virtualenv: the TAP scaffold's cdk.json app is
# `pipenv run python3 tap.py`. iacqa runs the interpreter it controls (the SDKs installed with it) instead.
_LAUNCHERS = (("pipenv", "run"), ("poetry", "run"), ("uv", "run"), ("pdm", "run"), ("hatch", "run"), ("rye", "run"))


def strip_launchers(argv: list[str]) -> list[str]:
    """`pipenv run python3 tap.py`, `env A=1 poetry run python -m app` -> `python3 tap.py`, `python -m app`."""
    while argv:
        if argv[0] == "env":
            argv = argv[1:]
            while argv and ("=" in argv[0] or argv[0].startswith("-")):
                argv = argv[1:]
        elif re.fullmatch(r"\w+=\S*", argv[0]):
            argv = argv[1:]
        elif len(argv) >= 2 and (Path(argv[0]).name, argv[1]) in _LAUNCHERS:
            argv = argv[2:]
            while argv and argv[0].startswith("-") and argv[0] != "-m":
                argv = argv[1:]  # uv run --with x / poetry run -q
        else:
            return argv
    return argv


def _cdk_json(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / "cdk.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def context_for(root: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Context as the CLI assembles it: cdk.json "context", cdk.context.json, defaults, then ours on top."""
    ctx: dict[str, Any] = {}
    cfg = _cdk_json(root)
    if isinstance(cfg.get("context"), dict):
        ctx.update(cfg["context"])
    try:
        cached = json.loads((root / "cdk.context.json").read_text())
        if isinstance(cached, dict):
            ctx.update(cached)
    except (OSError, ValueError):
        pass
    for k, v in TAP_CONTEXT.items():
        ctx.setdefault(k, v)
    ctx.update(CLI_CONTEXT)
    if extra:
        ctx.update(extra)
    return ctx


def _iacqa_path() -> str:
    import iacqa

    return str(Path(iacqa.__file__).resolve().parent.parent)


def synth(root: Path, entry: str | EntryPoint | None = None, timeout: float = 120.0, memory_mb: int = 3072,
          context: dict[str, Any] | None = None, skip_validation: bool = False,
          keep_going: bool = False) -> SynthResult:
    """Run the CDK app in a sandboxed child; the cloud assembly stays in result.outdir until result.cleanup().

    keep_going: run the project's statements guarded (frontends/guarded_run): each error is an exception event
    marked "continued" and the app runs on, so one run reports every independent error.

    entry: a project-relative script, an EntryPoint, or None to discover it (find_entry). Never raises for what the
    app does: its exception, a timeout or the memory limit come back in status and events."""
    root = Path(root).resolve()
    ep = entry if isinstance(entry, EntryPoint) else find_entry(root, entry)
    if ep is None:
        return SynthResult("no-entry", detail="no CDK app to run: no cdk.json \"app\", no app.py/tap.py/main.py, "
                           "no bin/*.py and no lib/tap_stack.py with a TapStack class")
    if ep.mode == "unsupported":
        return SynthResult("unsupported", entry=ep, detail=f"cdk.json app `{ep.target}` is not a Python command")
    if ep.mode == "path" and ep.generated is None and not (root / ep.target).is_file():
        return SynthResult("no-entry", entry=ep, detail=f"the app's entry point {ep.target} does not exist")
    work = Path(tempfile.mkdtemp(prefix="iacqa-cdk-"))
    outdir, home = work / "cdk.out", work / "home"
    outdir.mkdir()
    if ep.generated is not None:
        script = work / "tap.py"
        script.write_text(ep.generated)
        target, path0 = str(script), str(root)
    elif ep.mode == "path":
        target = str((root / ep.target).resolve())
        path0 = str(Path(target).parent)
    else:
        target, path0 = ep.target, str(root)
    env = safe_env(home, extra={
        "CDK_OUTDIR": str(outdir),
        "CDK_CONTEXT_JSON": json.dumps(context_for(root, context)),
        "CDK_DEFAULT_ACCOUNT": FAKE_ACCOUNT,
        "CDK_DEFAULT_REGION": REGION,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "PYTHONPATH": _iacqa_path(),
        "PYTHONUNBUFFERED": "1",
        **({"IACQA_CDK_SKIP_VALIDATION": "1"} if skip_validation else {}),
        **({"IACQA_KEEP_GOING": "1"} if keep_going else {}),
    })
    result = SynthResult("ok", entry=ep, outdir=work)
    run = run_app(root, path0, ep.mode, target, env, work, timeout, memory_mb)
    if run.status == "start-failed":
        shutil.rmtree(work, ignore_errors=True)
        return SynthResult("error", entry=ep, detail=run.detail)
    status = run.status
    result.seconds, result.peak_mb, result.exit_code = run.seconds, run.peak_mb, run.exit_code
    result.events, result.stdout, result.stderr = run.events, run.stdout, run.stderr
    kinds = {e.get("kind") for e in result.events if not e.get("continued")}
    if status == "ok":
        if "exception" in kinds:
            status = "error"
        elif "memory" in kinds:
            status = "memory"
        elif "exit" in kinds or "done" not in kinds:
            status = "exit"
    result.status = status
    result.template_paths = sorted(outdir.rglob("*.template.json"))
    result.events.extend(annotations(outdir))
    if status == "ok" and not result.template_paths:
        result.detail = "the app ran but wrote no template: does it call app.synth()?"
    return result


def annotations(outdir: Path) -> list[dict[str, Any]]:
    """aws:cdk:error / aws:cdk:warning entries of the assembly (manifest metadata and *.metadata.json files)."""
    out: list[dict[str, Any]] = []
    sources: list[dict] = []
    for manifest in sorted(outdir.rglob("manifest.json")):
        try:
            data = json.loads(manifest.read_text())
        except (OSError, ValueError):
            continue
        for art in (data.get("artifacts") or {}).values():
            if isinstance(art, dict) and isinstance(art.get("metadata"), dict):
                sources.append(art["metadata"])
    for meta in sorted(outdir.rglob("*.metadata.json")):
        try:
            data = json.loads(meta.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            sources.append(data)
    seen = set()
    for metadata in sources:
        for path, entries in metadata.items():
            for entry in entries if isinstance(entries, list) else []:
                kind = entry.get("type") if isinstance(entry, dict) else None
                if kind not in ("aws:cdk:error", "aws:cdk:warning"):
                    continue
                data = entry.get("data")
                text = data if isinstance(data, str) else json.dumps(data)
                key = (path, kind, text)
                if key in seen:
                    continue
                seen.add(key)
                out.append({"kind": "annotation", "level": kind.rsplit(":", 1)[-1], "path": path.strip("/"),
                            "message": text})
    return out
