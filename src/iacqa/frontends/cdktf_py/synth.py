"""`cdktf synth` without the CLI: the app runs in a sandboxed child and writes cdk.tf.json to a temp dir.

The CLI only runs the app (cdktf.json "app") with CDKTF_OUTDIR set; `App().synth()` does the rest. Importing the AWS
provider bindings is most of the cost (its `__init__` imports 2,214 submodules: 14-17 s, 1.2 GB), so the child gets a
slim copy of the package first on PYTHONPATH: the same files (symlinks) with an `__init__` that does not import
every submodule. Measured: 4 s and 0.7 GB instead of 22 s and 1.2 GB, identical output (ENGINE_NOTES §3). When the
slim copy is the cause of a failure (an import or attribute error inside the bindings), synth runs again with the
full package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.frontends.app_run import run_app
from iacqa.sandbox import safe_env

PROVIDER = "cdktf_cdktf_provider_aws"
ENTRY_NAMES = ("tap.py", "main.py", "app.py")


@dataclass
class SynthResult:
    status: str  # ok | error | timeout | memory | exit | killed | no-entry
    tf_json_paths: list[Path] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    peak_mb: float = 0.0
    entry: str | None = None
    outdir: Path | None = None
    slim: bool = True
    stderr: str = ""
    detail: str = ""

    def errors(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("kind") in ("exception", "exit", "memory")]

    def cleanup(self) -> None:
        if self.outdir is not None:
            shutil.rmtree(self.outdir, ignore_errors=True)


def find_entry(root: Path) -> str | None:
    """cdktf.json "app" (`python3 tap.py`, `pipenv run python main.py`), else tap.py / main.py / app.py."""
    try:
        app = json.loads((root / "cdktf.json").read_text()).get("app", "")
    except (OSError, ValueError, AttributeError):
        app = ""
    m = re.search(r"(\S+\.py)\b", app or "")
    if m and (root / m.group(1)).is_file():
        return m.group(1)
    return next((n for n in ENTRY_NAMES if (root / n).is_file()), None)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iacqa"


def slim_package() -> Path | None:
    """A directory holding a slim `cdktf_cdktf_provider_aws` (built once per installed version, then reused)."""
    import importlib.util

    spec = importlib.util.find_spec(PROVIDER)
    if spec is None or not spec.submodule_search_locations:
        return None
    src = Path(list(spec.submodule_search_locations)[0])
    init = src / "__init__.py"
    try:
        stamp = f"{init.stat().st_size}-{int(init.stat().st_mtime)}"
    except OSError:
        return None
    parent = _cache_dir() / f"cdktf-slim-{stamp}"
    pkg = parent / PROVIDER
    if (pkg / "__init__.py").is_file():
        return parent
    tmp = Path(tempfile.mkdtemp(prefix="slim-", dir=_cache_dir() if _cache_dir().is_dir() else None))
    try:
        (tmp / PROVIDER).mkdir()
        text = init.read_text()
        (tmp / PROVIDER / "__init__.py").write_text(re.sub(r"^from \. import \w+\n", "", text, flags=re.M))
        for child in src.iterdir():
            if child.name not in ("__init__.py", "__pycache__"):
                os.symlink(child, tmp / PROVIDER / child.name)
        parent.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp, parent)  # atomic: concurrent workers race harmlessly
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    return parent if (pkg / "__init__.py").is_file() else None


def _iacqa_path() -> str:
    import iacqa

    return str(Path(iacqa.__file__).resolve().parent.parent)


def _slim_failure(events: list[dict[str, Any]]) -> bool:
    """Did the slim package cause the failure (a binding module or attribute the lazy __init__ did not load)?"""
    for e in events:
        if e.get("kind") == "exception" and e.get("type") in ("ImportError", "ModuleNotFoundError",
                                                                "AttributeError"):
            if PROVIDER in str(e.get("message", "")) or any(PROVIDER in str(f[0]) for f in e.get("frames") or []):
                return True
            if "jsii" in str(e.get("message", "")).lower():
                return True
        if e.get("kind") == "exception" and e.get("jsii") and "Cannot find" in str(e.get("message", "")):
            return True
    return False


def synth(root: Path, entry: str | None = None, timeout: float = 120.0, memory_mb: int = 3072,
          slim: bool = True) -> SynthResult:
    """Run the CDKTF app; cdk.tf.json files stay in result.outdir until result.cleanup(). Never raises for the app."""
    root = Path(root).resolve()
    entry = entry or find_entry(root)
    if entry is None or not (root / entry).is_file():
        return SynthResult("no-entry", detail="no CDKTF app to run: no cdktf.json \"app\" script, no tap.py/main.py")
    slim_dir = slim_package() if slim else None
    work = Path(tempfile.mkdtemp(prefix="iacqa-cdktf-"))
    outdir, home = work / "cdktf.out", work / "home"
    outdir.mkdir()
    target = str((root / entry).resolve())
    paths = [p for p in (str(slim_dir) if slim_dir else None, _iacqa_path()) if p]
    env = safe_env(home, extra={
        "CDKTF_OUTDIR": str(outdir),
        "CDKTF_CONTEXT_JSON": json.dumps({"environmentSuffix": "dev"}),
        "ENVIRONMENT_SUFFIX": "dev",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "CHECKPOINT_DISABLE": "1",
        # jsii extracts each library (the AWS bindings: a 131 MB assembly) into a cache; keep it across runs
        # instead of in the throw-away HOME. It holds only the installed packages' files, never user data.
        "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(_cache_dir() / "jsii-package-cache"),
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONUNBUFFERED": "1",
    })
    run = run_app(root, str(Path(target).parent), "path", target, env, work, timeout, memory_mb)
    result = SynthResult(run.status, entry=entry, outdir=work, slim=slim_dir is not None, seconds=run.seconds,
                         peak_mb=run.peak_mb, events=run.events, stderr=run.stderr, detail=run.detail)
    if run.status == "start-failed":
        result.status = "error"
        return result
    kinds = {e.get("kind") for e in run.events}
    if result.status == "ok":
        if "exception" in kinds:
            result.status = "error"
        elif "memory" in kinds:
            result.status = "memory"
        elif "exit" in kinds or "done" not in kinds:
            result.status = "exit"
    if result.status == "error" and slim_dir is not None and _slim_failure(run.events):
        result.cleanup()
        full = synth(root, entry, timeout, memory_mb, slim=False)
        full.detail = (full.detail + "; " if full.detail else "") + "slim provider package failed, full package used"
        return full
    result.tf_json_paths = sorted(outdir.rglob("cdk.tf.json"))
    if result.status == "ok" and not result.tf_json_paths:
        result.detail = "the app ran but wrote no cdk.tf.json: does it call app.synth()?"
    return result
