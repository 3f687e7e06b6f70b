"""Materialize what the user pointed at into a project directory.

PATH may be a TAP task (metadata.json + lib/...), a plain project, or a response .md. For `--response model|ideal`
the response's files are written over the task's own scaffold (root files such as tap.py, Pulumi.yaml,
metadata.json); when the response brings no entry point, the task's is used, else the TAP convention.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from iacqa.catalog.ingest import MissingPulumiMain, NoCode, PathClash, SymlinkNotFollowed, TruncatedResponse, UnsafePath
from iacqa.ingest import markdown as md
from iacqa.ingest.paths import PathClashError, UnsafePathError, symlinks, write_inside
from iacqa.ingest.platform import from_metadata, read_metadata, sniff
from iacqa.model import Finding, Location

RESPONSE_FILES = {"model": "lib/MODEL_RESPONSE.md", "ideal": "lib/IDEAL_RESPONSE.md"}
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", "cdktf.out", "cdk.out", ".terraform",
             ".pytest_cache", "coverage", "cfn-outputs"}
ENTRY_NAMES = ("tap.py", "__main__.py", "main.py", "app.py")
CODE_SUFFIXES = (".py", ".tf", ".tfvars", ".yml", ".yaml", ".json", ".ts", ".js", ".mjs", ".cjs", ".toml", ".txt", ".cfg", ".ini", ".sh")


class InputError(Exception):
    """The input cannot be analyzed at all (exit code 2)."""


@dataclass
class Project:
    root: Path  # the directory analyzed (materialized copy for responses)
    source: Path  # what the user pointed at
    platform: str = ""
    language: str = ""
    response: str = "code"
    response_file: Path | None = None
    files: list[str] = field(default_factory=list)  # project-relative paths of code files
    md_starts: dict[str, int] = field(default_factory=dict)  # file -> md line of its first line
    entry: str | None = None
    # files copied from the task's scaffold (tap.py, cdktf.json...) that the response did not write: they run with
    # the response but are not its code (linters leave them out)
    scaffold: list[str] = field(default_factory=list)
    prompt: str | None = None
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    temporary: bool = False

    def cleanup(self) -> None:
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)


# Root files that belong to one IaC tool: a task of another platform carrying one has a stray (a Pulumi.yaml
# and tap.py left in a CDKTF TypeScript task), which must not become part of the analysed response.
_PLATFORM_FILES = {"Pulumi.yaml": "pulumi", "Pulumi.yml": "pulumi", "cdktf.json": "cdktf", "cdk.json": "cdk"}
_LANGUAGE_SUFFIXES = {".py": ("py",), ".ts": ("ts", "js"), ".js": ("ts", "js"), ".mjs": ("ts", "js"),
                      ".cjs": ("ts", "js"), ".mts": ("ts",), ".cts": ("ts",)}


def _scaffold_files(task: Path, platform: str = "", language: str = "") -> list[Path]:
    """Root-level files of a task (tap.py, Pulumi.yaml, metadata.json, cdktf.json...), never its lib/ code, and
    only those of the task's own platform and language when metadata.json names them."""
    out = []
    for p in task.iterdir():
        if not p.is_file() or p.is_symlink() or p.name.startswith("."):
            continue
        tool = _PLATFORM_FILES.get(p.name) or ("pulumi" if re.match(r"Pulumi\.[\w-]+\.ya?ml$", p.name) else None)
        if platform and tool and tool != platform:
            continue
        langs = _LANGUAGE_SUFFIXES.get(p.suffix)
        if language and langs and language not in langs:
            continue
        out.append(p)
    return out


def _list_files(root: Path) -> list[str]:
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if p.is_file() and not p.is_symlink() and p.suffix in CODE_SUFFIXES and not p.name.endswith(".md"):
            out.append(rel.as_posix())
    return out


def load(path: str | Path, response: str | None = None, workdir: Path | None = None) -> Project:
    """Resolve PATH into a Project. Raises InputError when there is nothing to analyze."""
    src = Path(path).expanduser().resolve()
    if not src.exists():
        raise InputError(f"{path}: no such file or directory")
    if src.is_file():
        if src.suffix.lower() not in (".md", ".markdown"):
            raise InputError(f"{path}: expected a task directory, a project directory or a response .md file")
        return _from_response(src, workdir, response or "model", task_dir=_task_root_of(src))
    if not any(src.iterdir()):
        raise InputError(f"{path}: the directory is empty")
    if response in (None, "code"):
        # metadata.json alone is the task's description, not code (a markdown-only task copy)
        code = [f for f in _list_files(src) if f != "metadata.json"]
        if response is None and not code and (src / RESPONSE_FILES["model"]).exists():
            response = "model"  # a task with only its response: analyze the response
        else:
            return _from_code(src)
    if response not in RESPONSE_FILES:
        raise InputError(f"unknown --response {response!r}; use model, ideal or code")
    md_file = src / RESPONSE_FILES[response]
    if not md_file.exists():
        raise InputError(f"{path}: --response {response} needs {RESPONSE_FILES[response]}, which does not exist")
    return _from_response(md_file, workdir, response, task_dir=src)


def _task_root_of(md_file: Path) -> Path | None:
    for cand in (md_file.parent, md_file.parent.parent):
        if (cand / "metadata.json").exists():
            return cand
    return None


def _from_code(root: Path) -> Project:
    files = _list_files(root)
    if not files:
        raise InputError(f"{root}: no code files to analyze")
    proj = Project(root=root, source=root, response="code", files=files)
    _platform(proj, read_metadata(root), {f: _read(root / f) for f in files if f.endswith((".py", ".tf", ".yml", ".yaml", ".json"))})
    proj.entry = _find_entry(root, proj.platform)
    proj.findings.extend(_symlink_findings(root, "the project"))
    if proj.entry and (root / proj.entry).is_symlink():
        proj.entry = None  # never run what a link points to
    proj.prompt = _read(root / "lib" / "PROMPT.md") or None
    return proj


def _read(p: Path) -> str:
    try:
        return p.read_text(errors="replace")
    except OSError:
        return ""


def _platform(proj: Project, meta: dict, contents: dict[str, str]) -> None:
    platform, language = from_metadata(meta)
    if not platform:
        platform, language = sniff(contents)
    proj.platform, proj.language = platform, language


def _from_response(md_file: Path, workdir: Path | None, response: str, task_dir: Path | None) -> Project:
    text = _read(md_file)
    ex = md.extract(text)
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="iacqa-"))
    root.mkdir(parents=True, exist_ok=True)
    proj = Project(root=root, source=md_file, response=response, response_file=md_file, temporary=workdir is None)
    meta = read_metadata(task_dir) if task_dir else {}
    if task_dir:
        for f in _scaffold_files(task_dir, *from_metadata(meta)):
            shutil.copy2(f, root / f.name, follow_symlinks=False)
            proj.scaffold.append(f.name)
        proj.findings.extend(_symlink_findings(task_dir, "the task", top_only=True))
        proj.prompt = _read(task_dir / "lib" / "PROMPT.md") or None
    contents = {f.path: f.text for f in ex.files.values()}
    _platform(proj, meta, contents)
    placed = place_files(ex, proj.platform, has_scaffold_entry=any((root / n).exists() for n in ENTRY_NAMES))
    for rel, ef in placed.items():
        try:
            write_inside(root, rel, ef.text)
        except (UnsafePathError, PathClashError, OSError) as exc:
            proj.findings.append(_unplaced(rel, ef, exc))
            continue
        proj.md_starts[rel] = ef.md_start
        if ef.truncated:
            proj.findings.append(_truncated(md_file, rel, ef))
    proj.findings.extend(_start_lost(b) for b in ex.orphans)
    proj.notes.extend(ex.notes)
    proj.scaffold = [f for f in proj.scaffold if f not in placed]
    if not ex.code_files:
        proj.findings.append(_no_code(md_file, text))
    elif not _stack_code(placed, proj.platform, proj.language):
        proj.findings.append(_no_stack_code(md_file, placed))
    declared_main = _pulumi_main(root) if proj.platform == "pulumi" and "Pulumi.yaml" in placed else None
    _tap_conventions(proj)
    proj.files = _list_files(root)
    proj.entry = _find_entry(root, proj.platform)
    if declared_main and not (root / declared_main).exists():
        proj.findings.append(_missing_main(root, declared_main, proj.entry))
    return proj


def _missing_main(root: Path, main: str, entry: str | None) -> Finding:
    lines = _read(root / "Pulumi.yaml").splitlines()
    line = next((i + 1 for i, ln in enumerate(lines) if re.match(r"^main:", ln)), 1)
    return MissingPulumiMain.finding(
        f"Pulumi.yaml runs `{main}`, which the response does not contain: `pulumi up` has no program to run"
        + (f" (iacqa analysed {entry} instead)" if entry else ""),
        location=Location("Pulumi.yaml", line), error=f"the Pulumi program `{main}` does not exist",
        fix=f"point `main` at the program the response ships ({entry})" if entry else f"add {main}")


def place_files(ex: md.Extraction, platform: str, has_scaffold_entry: bool) -> dict[str, md.ExtractedFile]:
    """Move bare file names to where the TAP layout expects them (IaC code under lib/, tests under tests/)."""
    files = {p: f for p, f in ex.files.items() if not p.endswith(".md")}
    has_root_entry = any(p in ENTRY_NAMES for p in files)
    # A TS/JS app written beside its stack (`main.ts` with `new App()` importing './stack'): the files keep their
    # places, since moving either would break the relative import.
    ts_root_app = any("/" not in p and p.endswith((".ts", ".mts", ".mjs", ".js")) and (re.search(
        r"new\s+(cdk\.|cdktf\.)?App\s*\(", f.text) or (platform == "pulumi" and p.startswith("index.")))
        and re.search(r"from\s+['\"]\./", f.text) for p, f in files.items())
    out: dict[str, md.ExtractedFile] = {}
    for path, ef in files.items():
        dest = path
        name = path.rsplit("/", 1)[-1]
        if "/" not in path:
            if re.match(r"test_.*\.py$|.*_test\.py$", name):
                kind = "integration" if "integration" in name or "int" in name.split("_") else "unit"
                dest = f"tests/{kind}/{name}"
            elif platform == "tf" and (name.endswith((".tf", ".tfvars", ".tpl", ".sh")) or (
                    name.endswith((".py", ".js", ".mjs", ".json", ".zip")) and name != "metadata.json")):
                # terraform runs in lib/: files the configuration reads through path.module live beside it
                dest = f"lib/{name}"
            elif name.endswith(".py") and name not in ENTRY_NAMES and (not has_root_entry or _imported_from_lib(
                    name, files)) and platform in ("pulumi", "cdktf", "cdk"):
                dest = f"lib/{name}"
            elif name.endswith((".ts", ".mts", ".mjs", ".js")) and platform in ("pulumi", "cdktf", "cdk"):
                # TAP layout for TypeScript/JavaScript: tests in test/, the app (`new App()`) in bin/, the rest lib/
                if re.search(r"\.(test|spec)\.(ts|mjs|js)$", name):
                    dest = f"test/{name}"
                elif ts_root_app:
                    dest = name
                elif re.search(r"new\s+(cdk\.|cdktf\.)?App\s*\(", ef.text) and not re.search(
                        r"\bclass\s+\w+\s+extends\b", ef.text):
                    dest = f"bin/{name}"
                elif platform == "pulumi" and name in ("index.ts", "index.js", "index.mjs"):
                    dest = name  # Pulumi's own entry point (Pulumi.yaml main defaults to the project root)
                else:
                    dest = f"lib/{name}"
        elif platform == "tf" and not path.startswith(("lib/", "tests/", "test/", ".")):
            # modules/, lambda/, templates/ are read relative to lib/, where terraform runs
            dest = f"lib/{path}"
        elif (platform in ("pulumi", "cdktf", "cdk") and not has_root_entry
              and not path.startswith(("lib/", "tests/", "test/", "bin/", ".")) and not name.endswith(".md")):
            # Bare stack files move under lib/ (above); their sibling directories (lambda/, handlers/) go with them.
            dest = f"lib/{path}"
        out[dest] = ef
    return out


def _imported_from_lib(name: str, files: dict[str, md.ExtractedFile]) -> bool:
    """Another file imports this bare module as `lib.<module>` (tap.py: `from lib.tap_stack import TapStack`)."""
    stem = re.escape(name[:-3])
    pattern = re.compile(rf"^\s*(from\s+lib\.{stem}\s+import|import\s+lib\.{stem}\b)", re.M)
    return any(pattern.search(ef.text) for ef in files.values())


def _unplaced(rel: str, ef: md.ExtractedFile, exc: Exception) -> Finding:
    """A response file iacqa did not write: its path leaves the project, or clashes with another file's."""
    where = Location(None, None, md_line=ef.md_start)
    if isinstance(exc, PathClashError):
        return PathClash.finding(f"{rel} cannot be written: {exc}", location=where, error=str(exc),
                                 fix="give the file and the directory different names (lib/stack.py and "
                                 "lib/stack/handler.py)")
    if isinstance(exc, UnsafePathError):
        return UnsafePath.finding(f"the response labels a file {rel!r}, which leaves the project ({exc}); the "
                                  "file was not written", location=where, error=str(exc),
                                  fix="label the file with a path inside the project, without '..' "
                                  "(lib/handlers/app.py)")
    return PathClash.finding(f"{rel} cannot be written: {exc}", location=where, error=str(exc),
                             fix="give every file a distinct, valid path inside the project")


def _symlink_findings(base: Path, what: str, top_only: bool = False) -> list[Finding]:
    links = [(p.name, os.readlink(p)) for p in base.iterdir() if p.is_symlink()] if top_only else \
        symlinks(base, SKIP_DIRS)
    real = os.path.realpath(base)
    # A link to a sibling inside the project works wherever the repository is checked out: not reported.
    links = [(rel, t) for rel, t in links if top_only or not _inside_dir(os.path.realpath(base / rel), real)]
    return [SymlinkNotFollowed.finding(
        f"{rel} in {what} is a symlink to {target}: iacqa does not follow it (not copied, not run)",
        location=Location(rel if not top_only else None, None), error=f"symlink -> {target}",
        fix=f"commit the file itself at {rel}, not a link") for rel, target in links]


def _inside_dir(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _truncated(md_file: Path, rel: str, ef: md.ExtractedFile) -> Finding:
    last = ef.text.rstrip("\n").count("\n") + 1
    how = (f"with {ef.open_blocks} block(s) still open" + (" (the response has no fences)" if ef.how == "raw" else
                                                           " (the fence was closed after the cut)")
           if ef.open_blocks else "with no closing fence")
    return TruncatedResponse.finding(
        f"the response ends inside the code block of {rel}: the file stops at its line {last} "
        f"{how}, so the code is incomplete",
        location=Location(rel, last, md_line=ef.md_line(last)),
        error="the response was cut off (output limit reached) in the middle of a file",
        fix="regenerate the response, or complete the file by hand",
    )


def _start_lost(block: md.Block) -> Finding:
    n = block.text.count("\n")
    first = next((ln.strip() for ln in block.text.splitlines() if ln.strip()), "")
    return TruncatedResponse.finding(
        f"the response lost the start of a file: the {n} line(s) of code ending at line {block.fence_line} of the "
        f"response (from `{first[:60]}`) are closed by a fence that no fence opened, and the file's heading and "
        "first lines are missing, so that file cannot be placed in the project",
        location=Location(None, None, md_line=block.md_start),
        error="a code block without its opening fence (the start of the file is missing from the response)",
        fix="regenerate the response, or restore the file's heading, opening fence and first lines by hand",
    )


def _no_code(md_file: Path, text: str) -> Finding:
    return NoCode.finding(
        f"{md_file.name} ({len(text.splitlines())} lines) contains no code block that could be placed in "
        "the project; there is nothing to deploy",
        error="no infrastructure code found",
        fix="the response must contain the program files, each in a fenced block under a `## File: path` heading",
    )


_TEST_PATH = re.compile(r"(^|/)(tests?|__tests__)/|(^|/)test_[^/]*\.py$|_test\.py$|\.(test|spec)\.[cm]?[jt]sx?$")
_NOT_PROGRAM = {"package.json", "package-lock.json", "tsconfig.json", "metadata.json", "cdk.json", "cdktf.json",
                "jest.config.js", "jest.config.ts", ".eslintrc.js", "eslint.config.js", "eslint.config.mjs"}


def _stack_code(placed: dict[str, md.ExtractedFile], platform: str, language: str) -> bool:
    """Whether the response placed any program file (stack, app, module, handler) rather than only tests, docs or
    configuration. Unknown platforms count any code file."""
    if platform == "tf":
        suffixes: tuple[str, ...] = (".tf", ".tf.json")
    elif platform == "cfn":
        suffixes = (".yml", ".yaml", ".json", ".template")
    elif language == "py":
        suffixes = (".py",)
    elif language in ("ts", "js"):
        suffixes = (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")
    else:
        return True
    return any(path.endswith(suffixes) and not _TEST_PATH.search(path)
               and path.rsplit("/", 1)[-1] not in _NOT_PROGRAM for path in placed)


def _no_stack_code(md_file: Path, placed: dict[str, md.ExtractedFile]) -> Finding:
    files = ", ".join(sorted(placed)[:6]) + (" ..." if len(placed) > 6 else "")
    return NoCode.finding(
        f"{md_file.name} has code blocks ({files}) but no infrastructure program: only tests, documentation or "
        "configuration; there is nothing to synthesize or deploy",
        error="no infrastructure code found (the response's code blocks are tests or configuration only)",
        fix="the response must contain the program files (the stack under lib/, the app entry), each in a fenced "
        "block under a `## File: path` heading",
    )


def _tap_conventions(proj: Project) -> None:
    """Fill in what the TAP scaffold would provide when neither the response nor the task has it."""
    root = proj.root
    if proj.platform in ("pulumi", "cdktf", "cdk") and (root / "lib").is_dir():
        init = root / "lib" / "__init__.py"
        if not init.exists() and any((root / "lib").glob("*.py")):
            init.write_text("")
            proj.notes.append("lib/__init__.py added (TAP scaffold)")
    if proj.platform == "pulumi":
        _pulumi_entry(proj)


_TAP_PY = '''"""Entry point added by iacqa (the TAP convention): the response did not provide one."""
import inspect
import os

import pulumi

from lib import tap_stack

environment_suffix = os.getenv("ENVIRONMENT_SUFFIX") or pulumi.Config().get("env") or "dev"
if hasattr(tap_stack, "TapStackArgs"):
    stack = tap_stack.TapStack("pulumi-infra", tap_stack.TapStackArgs(environment_suffix=environment_suffix))
elif "environment_suffix" in inspect.signature(tap_stack.TapStack).parameters:
    stack = tap_stack.TapStack("pulumi-infra", environment_suffix=environment_suffix)
else:
    stack = tap_stack.TapStack("pulumi-infra")
'''


def _pulumi_entry(proj: Project) -> None:
    root = proj.root
    if not (root / "Pulumi.yaml").exists():
        entry = next((n for n in ENTRY_NAMES if (root / n).exists()), None)
        if entry is None and (root / "lib" / "__main__.py").exists():
            entry = "lib/__main__.py"
        if entry is None and _defines(root / "lib" / "tap_stack.py", "TapStack"):
            (root / "tap.py").write_text(_TAP_PY)
            entry = "tap.py"
            proj.notes.append("tap.py added: TapStack(name, TapStackArgs(environment_suffix=...)) (TAP convention)")
        (root / "Pulumi.yaml").write_text(f"name: TapStack\nruntime: python\nmain: {entry or 'tap.py'}\n")
        proj.notes.append("Pulumi.yaml added (TAP convention)")
    elif not any((root / n).exists() for n in ENTRY_NAMES) and _defines(root / "lib" / "tap_stack.py", "TapStack"):
        main = _pulumi_main(root)
        if not main or not (root / main).exists():
            (root / "tap.py").write_text(_TAP_PY)
            proj.notes.append("tap.py added: the task's Pulumi.yaml names no existing entry point")


def _defines(path: Path, name: str) -> bool:
    return bool(re.search(rf"^class\s+{name}\b", _read(path), re.M))


def _pulumi_main(root: Path) -> str | None:
    m = re.search(r"^main:\s*(\S+)", _read(root / "Pulumi.yaml"), re.M)
    if not m:
        return None
    main = m.group(1).strip("'\"")
    if (root / main).is_dir():
        main = f"{main.rstrip('/')}/__main__.py"
    return main


def _find_entry(root: Path, platform: str) -> str | None:
    if platform == "pulumi":
        main = _pulumi_main(root)
        if main and (root / main).exists():
            return main
    for n in ENTRY_NAMES:
        if (root / n).exists():
            return n
    for n in ("lib/__main__.py", "lib/main.py", "lib/tap.py"):
        if (root / n).exists():
            return n
    return None


def md_location(proj: Project, file: str | None, line: int | None) -> Location:
    md_line = proj.md_starts[file] + line - 1 if file in proj.md_starts and line else None
    return Location(file, line, md_line=md_line)
