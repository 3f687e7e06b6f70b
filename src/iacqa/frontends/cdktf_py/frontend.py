"""CDKTF Python -> ResourceGraph: static check of the provider API, synth in a sandbox, cdk.tf.json through the
Terraform path with every resource located at its construct call in the Python source.

When the only critical static findings are imports of names that do not exist and that the program never uses
(seed 004: `DynamodbTableStreamSpecification`), synth runs on a copy without those names: the findings still
report the import error, and the graph shows what the next deploy would meet once it is fixed (as Pulumi's
lenient mode does for missing names).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.program import MissingFile, ProgramError, PythonSyntaxError
from iacqa.catalog.sandbox import ProgramExited, ProgramMemory, ProgramTimeout
from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cdktf_py.patches import apply_continuations
from iacqa.frontends.constructs import ConstructSite, construct_sites, find_site
from iacqa.model import Finding, Location, Options, ResourceGraph, Severity


def _unused_import_fix(root: Path, findings: list[Finding]) -> dict[str, str] | None:
    """Sources to synth instead of the user's, so the graph shows what deploy would meet once the static errors are
    fixed: each critical finding must either carry a sure continuation from the static check (a renamed keyword or
    import, a block wrapped in or unwrapped from a list, a literal of the right type, an unknown keyword removed) or
    be an import of a missing name that the program never uses. {} when nothing is critical; None when some
    critical finding has neither (the program cannot run as meant, so synth is skipped)."""
    critical = [f for f in findings if f.severity is Severity.CRITICAL]
    if not critical:
        return {}
    patches: dict[str, list] = {}
    unused: list[tuple[str, str, str]] = []
    for f in critical:
        if not f.file:
            return None
        if f.extra.get("continue_with"):
            patches.setdefault(f.file, []).extend(f.extra["continue_with"])
            continue
        m = re.match(r"ImportError: cannot import name '(\w+)' from '([\w.]+)'", f.error or "")
        if f.rule != "SDK001" or not m:
            return None
        unused.append((f.file, m.group(1), m.group(2)))
    patched: dict[str, str] = {}
    for rel, edits in patches.items():
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            return None
        new = apply_continuations(text, edits)
        if new is None:
            return None
        patched[rel] = new
    for rel, name, module in unused:
        text = patched.get(rel) or (root / rel).read_text(errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return None
        if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(tree)):
            return None  # the name is used: the program cannot run without it
        new = _drop_name(text, tree, name, module)
        if new is None:
            return None
        patched[rel] = new
    return patched


def _drop_name(text: str, tree: ast.Module, name: str, module: str) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module and any(a.name == name for a in node.names):
            keep = [a for a in node.names if a.name != name]
            lines = text.splitlines(keepends=True)
            start, end = node.lineno - 1, (node.end_lineno or node.lineno)
            if keep:
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in keep)
                stmt = f"from {module} import ({names})\n"
            else:
                stmt = "pass\n"
            indent = re.match(r"\s*", lines[start]).group(0)
            # Same number of lines, so every later line keeps its number in findings and tracebacks.
            filler = ["\n"] * (end - start - 1)
            return "".join(lines[:start] + [indent + stmt] + filler + lines[end:])
    return None


class CdktfFrontend:
    platform = "cdktf"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        options = Options.of(options)
        root: Path = project.root
        graph = ResourceGraph(platform="cdktf")
        from iacqa.frontends.cdktf_py import static_check

        if not static_check.available():
            return FrontendResult(graph, status="unavailable", detail="cdktf / cdktf-cdktf-provider-aws are not "
                                  "installed: pip install 'iacqa[cdktf]'")
        files = list(project.files)
        findings = static_check.check(root, files)
        critical = [f for f in findings if f.severity is Severity.CRITICAL]
        detail = f"static check: {len(findings)} finding(s)"
        if not options.synth:
            return FrontendResult(graph, findings, "failed" if critical else "ok", detail + "; synth not requested")
        patch = _unused_import_fix(root, findings)
        if patch is None:
            return FrontendResult(graph, findings, "failed", detail + "; synth skipped: the program would fail at the "
                                  "first of these errors")
        run_root, tmp = root, None
        if patch:
            tmp = Path(tempfile.mkdtemp(prefix="iacqa-cdktf-fix-"))
            run_root = tmp / "p"
            shutil.copytree(root, run_root, symlinks=True, ignore=shutil.ignore_patterns("cdktf.out", ".git",
                                                                                         "node_modules"))
            for rel, text in patch.items():
                (run_root / rel).write_text(text)
            detail += (f"; synth of a copy with the static errors fixed as their findings say (unused missing imports "
                       f"removed) in {', '.join(sorted(patch))}")
        from iacqa.frontends.cdktf_py.synth import synth

        timeout, memory_mb = options.limits(120, 3072)
        result = synth(run_root, project.entry, timeout=timeout, memory_mb=memory_mb)
        try:
            findings.extend(self._run_findings(result, project, (run_root, root), timeout, memory_mb))
            detail += f"; synth {result.status} in {result.seconds:.1f} s, peak {result.peak_mb:.0f} MB" + (
                "" if result.slim else " (full provider package)") + (f"; {result.detail}" if result.detail else "")
            if result.status == "error" and not result.tf_json_paths and findings:
                kept = self._keep_going(run_root, project, root, files, findings, timeout, memory_mb)
                if kept is not None:
                    graph, more, note = kept
                    findings.extend(more)
                    detail += "; " + note
                    n = len([r for r in graph if r.mapped])
                    return FrontendResult(graph, findings, "failed", detail + f"; {len(graph)} resources ({n} mapped)")
            if result.status != "ok" or not result.tf_json_paths:
                return FrontendResult(graph, findings, "failed" if result.status != "no-entry" else "error", detail)
            graph, more = self._graph(result.tf_json_paths, root, files, run_root)
            findings.extend(more)
        finally:
            result.cleanup()
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
        n = len([r for r in graph if r.mapped])
        detail += f"; {len(graph)} resources ({n} mapped)"
        if patch and critical:
            # built from a copy with the static errors fixed: whole, as the CDK and Pulumi continuations mark it
            graph.revealed_by = critical[0].fingerprint
        return FrontendResult(graph, findings, "failed" if patch else "ok", detail)

    def _keep_going(self, run_root: Path, project: Any, root: Path, files: list[str], findings: list[Finding],
                    timeout: float, memory_mb: int) -> tuple[ResourceGraph, list[Finding], str] | None:
        """`cdktf synth` raised: run once more with every statement of the project guarded (frontends/guarded_run),
        so the errors after the first are reported too and the graph holds what the rest of the program declares
        (revealed by the first error). None when that run writes no cdk.tf.json either."""
        from iacqa.frontends.cdktf_py.synth import synth

        first = next((f for f in reversed(findings) if f.stage == "frontend"), findings[-1])
        again = synth(run_root, project.entry, timeout=timeout, memory_mb=memory_mb, keep_going=True)
        try:
            if not again.tf_json_paths:
                return None
            seen = {(f.rule, f.file, f.line) for f in findings}
            # errors raised by a stub (a failed statement's stand-in passed on) are the continuation's, not the
            # program's; the first error is already reported
            more = [f.with_(revealed_by=first.fingerprint) for f in self._run_findings(again, project,
                                                                                        (run_root, root))
                    if "IacqaStub" not in f.message and (f.rule, f.file, f.line) not in seen]
            graph, gmore = self._graph(again.tf_json_paths, root, files, run_root)
            graph.revealed_by = first.fingerprint
            graph.notes.append("graph built from a run with each failing statement skipped (keep-going)")
            return graph, more + gmore, (f"run again with each failing statement skipped (keep-going) in "
                                         f"{again.seconds:.1f} s: {len(more)} more error(s)")
        finally:
            again.cleanup()

    # -- synth outcome -> findings ------------------------------------------------------------------------------
    def _run_findings(self, result: Any, project: Any, roots: tuple[Path, ...] = (), timeout: float = 120,
                      memory_mb: int = 3072) -> list[Finding]:
        out: list[Finding] = []
        entry = result.entry or "tap.py"
        for e in result.events:
            frames = e.get("frames") or []
            loc = Location(frames[-1][0], frames[-1][1]) if frames else Location(entry, None)
            if e.get("message"):
                e = {**e, "message": _relative(str(e["message"]), roots)}
            if e.get("kind") == "exception" and "Unable to deserialize value" in str(e.get("message")):
                out.append(_jsii_finding(str(e["message"]), str(e.get("type")), loc))
            elif e.get("kind") == "exception":
                if e.get("syntax"):
                    syn = e["syntax"]
                    out.append(PythonSyntaxError.finding(
                        f"{syn.get('file')}:{syn.get('line')} does not compile: {syn.get('msg')}",
                        location=Location(syn.get("file"), syn.get("line")), error=f"SyntaxError: {syn.get('msg')}",
                        fix="fix the syntax error").with_(stage="frontend"))
                elif e.get("type") == "FileNotFoundError":
                    out.append(MissingFile.finding(
                        f"the program reads a file the project does not contain: {e.get('message')}",
                        location=loc, error=f"FileNotFoundError: {e.get('message')}",
                        fix="ship the file, or build the path from the module's own directory").with_(stage="frontend"))
                else:
                    out.append(ProgramError.finding(
                        f"`cdktf synth` fails: the program raises {e.get('type')} at {loc}: "
                        f"{str(e.get('message'))[:600]}", location=loc,
                        error=f"{e.get('type')}: {str(e.get('message'))[:600]}",
                        fix="fix the exception; synth stops at the first one").with_(stage="frontend"))
            elif e.get("kind") == "exit":
                out.append(ProgramExited.make(loc, f"the program called sys.exit({e.get('code')})"))
        if result.status == "timeout":
            out.append(ProgramTimeout.make(Location(entry, None), timeout))
        elif result.status == "memory":
            out.append(ProgramMemory.make(Location(entry, None), memory_mb))
        return out

    # -- cdk.tf.json -> graph ---------------------------------------------------------------------------------------
    def _graph(self, paths: list[Path], root: Path, files: list[str],
               run_root: Path | None = None) -> tuple[ResourceGraph, list[Finding]]:
        sites = construct_sites(root, [f for f in files if f.endswith(".py") and not f.startswith(("tests/",
                                                                                                       "test/"))])
        return graph_of_stacks(paths, root, sites, run_root)


def graph_of_stacks(paths: list[Path], root: Path, sites: list[ConstructSite], run_root: Path | None = None,
                    stack_outputs: bool = True) -> tuple[ResourceGraph, list[Finding]]:
    """One graph from the `cdk.tf.json` of every synthesized stack, located at the construct `sites`; shared by
    the CDKTF Python and TypeScript front ends. `run_root`: the synth copy whose absolute paths mean `root`;
    `stack_outputs`: record which stack each output comes from (`cdktf output` nests by stack)."""
    from iacqa.frontends.terraform.graph import graph_from_config

    merged = ResourceGraph(platform="cdktf")
    findings: list[Finding] = []
    for path in paths:
        try:
            config = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            findings.append(ProgramError.finding(f"cdktf wrote an unreadable {path.name}: {exc}",
                                                 location=Location(None, None), error=str(exc)))
            continue
        if run_root is not None and run_root != root:  # absolute paths the app built inside the synth copy
            config = json.loads(json.dumps(config).replace(str(run_root), str(root)))
        # `cdktf deploy` runs terraform in <output>/stacks/<stack>: relative paths in the configuration
        # (lambda filename, file() arguments) resolve there, not at the project root (corpus Pr7312, Pr7824)
        run_dir = f"{_output_dir(root)}/stacks/{path.parent.name}"
        _map_assets(config, path.parent, root, run_dir)
        graph, more = graph_from_config(config, root, platform="cdktf", locate=_locator(config, sites),
                                        run_dir=run_dir)
        findings.extend(more)
        for r in graph:
            merged.add(r)
        merged.code.update(graph.code)
        merged.outputs.update(graph.outputs)
        if stack_outputs:
            merged.output_stacks.update({k: path.parent.name for k in graph.outputs})
        merged.config_needs.update(graph.config_needs)
        merged.notes.extend(graph.notes)
    return merged, findings


def _relative(message: str, roots: tuple[Path, ...]) -> str:
    """Paths inside the (possibly copied) project, as the user knows them: `lib/AWS_REGION`, not /tmp/..."""
    for root in roots:
        for form in {str(root), str(Path(root).resolve())}:
            message = message.replace(form + "/", "")
    return message


def _jsii_finding(message: str, etype: str, loc: Location) -> Finding:
    """jsii's deserialization report is a tree of every union member it tried; the user needs the path to the
    failing key and the leaf reason (`Key 'rule' > Index 0 > Key 'expiration': Value is not an array`)."""
    lines = message.splitlines()
    path = re.findall(r"(Key '\w+'|Index \d+)", message)
    leaves = [re.sub(r"^[\s│├╰─]+", "", ln) for ln in lines
              if re.search(r"[├╰]─ ", ln) and "Unable to deserialize" not in ln and "IResolvable" not in ln]
    leaf = leaves[0] if leaves else (lines[-1].strip() if lines else "")
    head = lines[0] if lines else message
    where = " > ".join(dict.fromkeys(path))
    return ProgramError.finding(
        f"`cdktf synth` fails at {loc}: jsii cannot read the configuration"
        + (f" at {where}" if where else "") + f": {leaf}", location=loc,
        error=f"{etype}: {head} ... {where + ': ' if where else ''}{leaf}"[:900],
        fix="give each nested block the shape the binding declares: a list of struct objects for repeatable blocks, "
        "one struct for single blocks; prefer the struct classes over dicts").with_(stage="frontend")


def _locator(config: dict[str, Any], sites: list[ConstructSite]) -> Any:
    """(kind, type, name[, attr...]) -> the construct call (and keyword line) that declared it."""
    paths: dict[tuple[str, str, str], str] = {}
    for kind in ("resource", "data"):
        for rtype, named in (config.get(kind) or {}).items():
            for name, body in (named or {}).items():
                meta = (body or {}).get("//", {}).get("metadata", {}) if isinstance(body, dict) else {}
                paths[(kind, rtype, name)] = meta.get("path") or name
    cache: dict[tuple[str, str, str], ConstructSite | None] = {}

    def locate(path: tuple[str, ...]) -> Location | None:
        if len(path) < 3:
            return None
        key = (path[0], path[1], path[2])
        if key not in cache:
            cpath = paths.get(key)
            cls = _class_name(path[0], path[1])
            site = find_site(sites, cpath, cls, last_only=True) if cpath else None
            if site is None:  # `IamRole(self, id, ...)` in a helper: the only call of that class, if there is one
                by_class = [s for s in sites if s.construct_id == "\0" and s.cls.rsplit(".", 1)[-1] == cls]
                site = by_class[0] if len(by_class) == 1 else None
            cache[key] = site
        site = cache[key]
        if site is None:
            return None
        attr = [p for p in path[3:] if not str(p).isdigit()]
        for i in range(len(attr), 0, -1):
            hit = site.keywords.get(".".join(attr[:i]))
            if hit is not None:
                return hit
        return site.location

    return locate


def _class_name(kind: str, tf_type: str) -> str:
    """The binding class of a Terraform type: aws_iam_role -> IamRole, data aws_region -> DataAwsRegion."""
    base = tf_type if kind == "data" else tf_type.removeprefix("aws_")
    name = "".join(p[:1].upper() + p[1:] for p in base.split("_"))
    return ("Data" + name) if kind == "data" else name


def _digest(files: dict[str, bytes]) -> str:
    h = hashlib.sha1()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + files[name] + b"\0")
    return h.hexdigest()


def _output_dir(root: Path) -> str:
    """cdktf.json "output" (where `cdktf synth` writes the stacks), cdktf.out by default."""
    try:
        out = json.loads((root / "cdktf.json").read_text()).get("output")
    except (OSError, ValueError, AttributeError):
        out = None
    return out.strip("/") if isinstance(out, str) and out.strip("/") and not Path(out).is_absolute() else "cdktf.out"


def _map_assets(config: dict[str, Any], stack_dir: Path, root: Path, run_dir: str = ".") -> None:
    """Point `filename = "assets/<id>/<hash>/archive.zip"` at the project directory the asset was built from.

    cdktf zips a TerraformAsset into the synth output; the project directory with the same files is the code's
    source, so handler lines map back to the user's files (and a path that matches nothing stays as it is)."""
    lambdas = (config.get("resource") or {}).get("aws_lambda_function") or {}
    dirs: dict[str, str] | None = None
    for body in lambdas.values():
        fname = body.get("filename") if isinstance(body, dict) else None
        if not isinstance(fname, str) or not fname.startswith("assets/"):
            continue
        zpath = stack_dir / fname
        try:
            with zipfile.ZipFile(zpath) as zf:
                content = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
        except (OSError, zipfile.BadZipFile):
            continue
        if dirs is None:
            dirs = _project_dirs(root)
        match = dirs.get(_digest(content))
        if match is not None:
            body["filename"] = os.path.relpath(root / match, root / run_dir)  # as terraform would reach it


def _project_dirs(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in sorted(p for p in root.rglob("*") if p.is_dir()):
        if any(part in ("cdktf.out", ".git", "node_modules", "__pycache__", ".venv") for part in d.parts):
            continue
        files = {f.relative_to(d).as_posix(): f.read_bytes() for f in d.rglob("*")
                 if f.is_file() and "__pycache__" not in f.parts}
        if files and len(files) < 200:
            out.setdefault(_digest(files), d.relative_to(root).as_posix())
    return out
