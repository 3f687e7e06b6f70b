r"""Response markdown -> files, with a line map back into the .md.

LLM responses label their files in many ways (`## File: lib/x.py`, `### \`x.py\``, `**lib/x.py**`, `1. x.py:`,
a `# lib/x.py` comment on the first line of the block, or nothing at all). No markdown library keeps fence
positions *and* handles the nested-fence habits of these responses (a ```markdown README block holding
```bash blocks of its own), so this small scanner is hand-written.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")
_EXT = (
    r"py|pyi|ts|js|mjs|json|ya?ml|tf|tfvars|hcl|md|txt|cfg|ini|toml|sh|zip|properties|env|jsonc|lock|template"
    r"|tpl|tftpl|j2|tmpl"
)
PATH_TOKEN = re.compile(
    rf"(?<![\w/.-])(/?(?:[\w.-]+/)*[\w.-]*\w\.(?:{_EXT})|(?:[\w.-]+/)*(?:Pulumi\.yaml|Dockerfile|Makefile|Pipfile))(?![\w-])"
)
# `=== lib/tap_stack.py ===` file headers (some generators separate files this way, fenced or not)
EQ_HEADER = re.compile(r"^\s*={3,}\s*(?P<path>[^=\s][^=]*?)\s*={3,}\s*$")
ANSWER_HEADING = re.compile(r"^\s{0,3}#{2,6}\s+(?:final\s+)?answer\b|^\s*\*\*final answer", re.I)
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
LABEL_HINT = re.compile(r"\b(file|path|filename)\s*[:=]", re.I)
COMMENT_LABEL = re.compile(
    rf"^\s*(?:#|//|--|/\*)\s*(?:file(?:name)?\s*:\s*)?(?P<path>(?:[\w.-]+/)*[\w.-]+\.(?:{_EXT}))\s*(?:\*/)?\s*$", re.I
)

MARKDOWN_LANGS = {"md", "markdown"}
SHELL_LANGS = {"bash", "sh", "shell", "console", "shell-session", "zsh", "powershell", "ps1", "cmd"}
LANG_ALIASES = {
    "py": "python", "python3": "python", "python": "python",
    "ts": "typescript", "typescript": "typescript", "js": "javascript", "javascript": "javascript",
    "yml": "yaml", "yaml": "yaml", "json": "json", "jsonc": "json",
    "hcl": "hcl", "terraform": "hcl", "tf": "hcl",
    "sh": "shell", "bash": "shell", "shell": "shell", "console": "shell", "zsh": "shell",
    "text": "text", "txt": "text", "plaintext": "text", "": "",
    "md": "markdown", "markdown": "markdown", "ini": "ini", "toml": "toml", "dockerfile": "dockerfile",
}


@dataclass
class Block:
    """One fenced block: its language, text, and where its content starts in the .md (1-based)."""

    info: str
    text: str
    md_start: int  # md line of the first content line
    fence_line: int  # md line of the opening fence
    closed: bool = True
    label: str | None = None  # a path taken from the text around or inside the block
    label_line: int | None = None
    start_lost: bool = False  # code before a closing fence that no fence opened (the response lost the opening)

    @property
    def language(self) -> str:
        return LANG_ALIASES.get(self.info.lower(), self.info.lower())


@dataclass
class ExtractedFile:
    path: str
    text: str
    md_start: int
    language: str
    how: str  # labeled | comment | guessed | raw | imported
    truncated: bool = False
    open_blocks: int = 0  # braces still open where the text ends (a file cut off inside a closed fence, or raw)

    def md_line(self, line: int) -> int:
        return self.md_start + line - 1


@dataclass
class Extraction:
    files: dict[str, ExtractedFile] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    truncated: list[ExtractedFile] = field(default_factory=list)
    unplaced: list[Block] = field(default_factory=list)
    # unlabeled blocks whose guessed path a labeled block took later: candidates for a module the files import
    displaced: list[ExtractedFile] = field(default_factory=list)
    # code whose opening fence (and file label) the response lost: never placed, reported
    orphans: list[Block] = field(default_factory=list)

    @property
    def code_files(self) -> list[ExtractedFile]:
        return [f for f in self.files.values() if not f.path.endswith((".md", ".txt"))]


# --------------------------------------------------------------------------------------------------------------
# Fence scanning


def _is_close(line: str, fence: str, indent: int = 0) -> bool:
    """A closing fence (CommonMark): the opening's character, at least as long, nothing after it, and indented at
    most three spaces more than the opening (a ``` inside a Python string indented by eight spaces does not close
    the block)."""
    s = line.strip()
    lead = len(line) - len(line.lstrip(" \t"))
    return (bool(s) and s[0] == fence[0] and set(s) == {fence[0]} and len(s) >= len(fence)
            and lead <= indent + 3)


def _label_line_index(lines: list[str]) -> set[int]:
    """Lines that look like a file label (used to bound markdown blocks)."""
    out = set()
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if m and PATH_TOKEN.search(m.group("text")):
            out.add(i)
    return out


def scan_blocks(md: str) -> list[Block]:
    lines = md.splitlines()
    labels = _label_line_index(lines)
    answer = _answer_line(lines)
    answer = answer - 1 if answer is not None else None  # 0-based index of the answer heading
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info")
        indent = len(m.group("indent").expandtabs(4))
        orphan = _orphan_before(lines, i, labels) if not info else None
        if orphan is not None:
            blocks.append(orphan)
            i += 1
            continue
        start = i + 1
        if info.lower() in MARKDOWN_LANGS:
            end = _close_markdown_block(lines, start, fence, labels)
        else:
            end = next((j for j in range(start, n) if _is_close(lines[j], fence, indent)), None)
        if answer is not None and i < answer and (end is None or end > answer):
            # An unclosed fence in the reasoning trace must not swallow the final answer: it ends there.
            blocks.append(Block(info=info, text="\n".join(lines[start:answer]) + "\n", md_start=start + 1,
                                fence_line=i + 1, closed=False))
            i = answer
            continue
        closed = end is not None
        if end is None:
            end = n
        text = "\n".join(lines[start:end])
        blocks.append(Block(info=info, text=text + ("\n" if text else ""), md_start=start + 1,
                            fence_line=i + 1, closed=closed))
        i = end + 1
    return blocks


_CODE_TAIL = re.compile(r"^(?:[ \t]+\S|[)\]}])")


def _orphan_before(lines: list[str], i: int, labels: set[int]) -> Block | None:
    """A bare fence that closes code no fence opened: the next thing after it is a file heading, and the lines
    before it are code (indented, or closing brackets), back to the last prose line. Read as an opening fence it
    would swallow the next file's heading and fence into one block (corpus: an ideal response whose first file lost
    its start gave lib/tap_stack.py the text of `### File 2: lib/compute_construct.py` and that file's code)."""
    nxt = next((j for j in range(i + 1, min(len(lines), i + 4)) if lines[j].strip()), None)
    if nxt is None or nxt not in labels:
        return None
    k = i
    while k > 0 and (not lines[k - 1].strip() or _CODE_TAIL.match(lines[k - 1])) and not FENCE.match(lines[k - 1]):
        k -= 1
    while k < i and not lines[k].strip():
        k += 1
    body = [ln for ln in lines[k:i] if ln.strip()]
    if len(body) < 2 or (k > 0 and FENCE.match(lines[k - 1])):
        return None  # too little to call code, or an ordinary block's own lines
    return Block(info="", text="\n".join(lines[k:i]) + "\n", md_start=k + 1, fence_line=i + 1, start_lost=True)


def _close_markdown_block(lines: list[str], start: int, fence: str, labels: set[int]) -> int | None:
    """A ```markdown block may hold fences of its own.

    Tagged inner fences are tracked by depth; when an untagged inner fence makes depth ambiguous, close at the
    last bare fence before the next file label (measured on real responses: READMEs with directory trees)."""
    depth = 0
    n = len(lines)
    for j in range(start, n):
        if j in labels and depth == 0:
            break
        m = FENCE.match(lines[j])
        if not m or m.group("fence")[0] != fence[0]:
            continue
        if m.group("info"):
            depth += 1
        elif depth > 0:
            depth -= 1
        else:
            # Bare fence at depth 0: a close, unless a later bare fence before the next label closes instead.
            nxt = next((k for k in sorted(labels) if k > j), n)
            bare = [k for k in range(j, nxt) if _is_close(lines[k], fence)]
            # An odd count means the ones before the last pair up inside the block (an untagged directory tree)
            # and the last closes it; an even count means this fence closes and a later tagged block owns the rest.
            return bare[-1] if len(bare) % 2 == 1 else j
    return None


# --------------------------------------------------------------------------------------------------------------
# Labels


def _unescape_label(text: str) -> str:
    """Markdown escaping in labels: `lib\\_\\_init\\_\\_.py`, `lib\\**init**.py` (bold ate the dunders), backslashes."""
    text = text.replace("\\_", "_").replace("\\*", "*")
    text = re.sub(r"\*\*(init|main)\*\*", r"__\1__", text)
    text = re.sub(r"(?<=[A-Za-z0-9])__(init|main)__\.py", r"/__\1__.py", text)  # `pkg\_\_init\_\_.py` lost its slash
    return re.sub(r"(?<=[\w.])\\(?=[\w.])", "/", text)


def _path_from_text(text: str) -> str | None:
    text = _unescape_label(text)
    # Prefer a backticked path, then any path-looking token.
    for m in re.finditer(r"`([^`]+)`", text):
        pm = PATH_TOKEN.search(m.group(1))
        if pm and pm.group(1) == m.group(1).strip():
            return pm.group(1)
    pm = PATH_TOKEN.search(text)
    return pm.group(1) if pm else None


GLUED_HEADING = re.compile(r"\S#{1,6}\s+(`?[\w./-]+`?)\s*$")


def _label_for(lines: list[str], block: Block, prev_end: int) -> tuple[str | None, int | None]:
    """Look up to 4 non-empty lines above the fence (not past the previous block) for a file label."""
    seen = 0
    j = block.fence_line - 2  # 0-based index of the line above the fence
    while j >= max(prev_end, 0) and seen < 4:
        line = lines[j].strip()
        j -= 1
        if not line:
            continue
        seen += 1
        is_heading = bool(HEADING.match(lines[j + 1]))
        eq = EQ_HEADER.match(line)
        if eq and PATH_TOKEN.fullmatch(eq.group("path").strip("`")):
            return eq.group("path").strip("`"), j + 2
        glued = GLUED_HEADING.search(line)  # "...the Model Response that failed## lib/modules.ts": a pasted heading
        if glued and not is_heading and PATH_TOKEN.fullmatch(glued.group(1).strip("`")):
            return glued.group(1).strip("`"), j + 2
        looks_label = (
            is_heading
            or LABEL_HINT.search(line)
            or line.startswith(("**", "__", "`"))
            or re.match(r"^\d+[.)]\s", line)
            or line.endswith(":")
            or line.startswith(("- ", "* "))
        )
        if looks_label:
            path = _path_from_text(line)
            if path and not _is_prose_mention(line, path, is_heading):
                return path, j + 2
        if is_heading:
            break  # a heading without a path ends the search: the block belongs to that section
    return None, None


def _is_prose_mention(line: str, path: str, is_heading: bool) -> bool:
    """A sentence that merely mentions a file ("Update the `tap.py` to ...") is not a label; one that introduces
    the whole file ("Here's the complete `main.py` file with all your requirements:") is."""
    if is_heading or LABEL_HINT.search(line):
        return False
    if line.rstrip().endswith(":") and f"`{path}`" in _unescape_label(line) and re.search(
            r"\b(complete|full|entire|whole|final)\b|\bhere(?:'s| is)\b", line, re.I):
        return False
    stripped = re.sub(r"[*_`#:\d.)\-\s]", "", line.replace(path, ""))
    return len(stripped) > 40


def _comment_label(block: Block) -> str | None:
    first = next((ln for ln in block.text.splitlines() if ln.strip()), "")
    m = COMMENT_LABEL.match(first)
    return m.group("path") if m else None


# --------------------------------------------------------------------------------------------------------------
# Placement of unlabeled blocks


def guess_path(block: Block, taken: set[str]) -> str | None:
    """Place a block with no path label by its language and content; None when it is not project code."""
    text, lang = block.text, block.language
    if lang == "":
        lang = {"python": "python", "hcl": "hcl", "yaml": "yaml", "json": "json"}.get(sniff_language(text) or "", "")
    if lang in ("shell", "text", "markdown", "console") and not text.lstrip().startswith(("#!/usr/bin/env python",)):
        return None
    if lang in ("python", "") and _looks_python(text):
        if re.search(r"^\s*(import unittest|import pytest|from unittest|class Test\w*\(|def test_)", text, re.M):
            kind = "integration" if re.search(r"integration|flat-outputs|cfn-outputs", text, re.I) else "unit"
            return _free(f"tests/{kind}/test_{'tap_stack' if kind == 'unit' else 'integration'}.py", taken)
        iac = re.search(r"^\s*(import pulumi|from pulumi|import aws_cdk|from aws_cdk|from cdktf|import cdktf|"
                        r"from constructs)", text, re.M)
        if re.search(r"class\s+\w+\((?:pulumi\.)?ComponentResource\)", text) or re.search(
            r"class\s+\w+\((?:\w+\.)?(?:TerraformStack|Stack)\)", text
        ):
            return _free("lib/tap_stack.py", taken)
        if re.search(r"TapStack\(|App\(\)|app\.synth\(\)", text):
            return _free("tap.py", taken)
        if iac and re.search(r"^\s*import pulumi", text, re.M):
            return _free("__main__.py", taken)  # a module-level Pulumi program
        if iac:
            return _free("lib/tap_stack.py", taken)
        if re.search(r"def\s+(lambda_)?handler\s*\(\s*event", text):
            return _free("lib/lambda/index.py", taken)
        return None
    if lang in ("typescript", "javascript"):
        return _guess_ts_path(text, lang, taken)
    if lang == "hcl" or (lang == "" and re.search(r'^\s*(resource|variable|provider|terraform)\s+("|\{)', text, re.M)):
        if re.search(r"^\s*variable\s+\"", text, re.M) and not re.search(r"^\s*resource\s+\"", text, re.M):
            return _free("lib/variables.tf", taken)
        if re.search(r"^\s*output\s+\"", text, re.M) and not re.search(r"^\s*resource\s+\"", text, re.M):
            return _free("lib/outputs.tf", taken)
        if re.search(r"^\s*(provider|terraform)\s", text, re.M) and not re.search(r"^\s*resource\s", text, re.M):
            return _free("lib/provider.tf", taken)
        return _free("lib/main.tf", taken)
    if lang == "yaml":
        if re.search(r"^AWSTemplateFormatVersion|^Resources:", text, re.M):
            return _free("lib/TapStack.yml", taken)
        if re.search(r"^name:\s*\S+", text, re.M) and re.search(r"^runtime:", text, re.M):
            return _free("Pulumi.yaml", taken)
        return None
    if lang == "json" and re.search(r'"(AWSTemplateFormatVersion|Resources)"\s*:', text):
        return _free("lib/TapStack.json", taken)
    return None


def _guess_ts_path(text: str, lang: str, taken: set[str]) -> str | None:
    """The TAP TypeScript/JavaScript layout every scaffold shares (lib/tap-stack.ts, bin/tap.ts,
    test/tap-stack.{unit,int}.test.ts); JavaScript as ES modules (.mjs, as the scaffolds) unless it uses require."""
    ext = "ts" if lang == "typescript" else (
        "js" if re.search(r"\brequire\(|module\.exports", text) and not re.search(r"^\s*import\s", text, re.M)
        else "mjs")
    if re.search(r"^\s*(describe|test|it)\s*\(", text, re.M) and re.search(r"\bexpect\s*\(", text):
        kind = "int" if re.search(r"integration|flat-outputs|cfn-outputs", text, re.I) else "unit"
        return _free(f"test/tap-stack.{kind}.test.{ext}", taken)
    if re.search(r"\bclass\s+\w+\s+extends\s+(?:[\w.]+\.)?(?:Stack|TerraformStack|Construct|ComponentResource)\b",
                 text):
        return _free(f"lib/tap-stack.{ext}", taken)
    if re.search(r"new\s+(?:[\w.]+\.)?App\s*\(|\bapp\.synth\s*\(", text):
        return _free(f"bin/tap.{ext}", taken)
    if re.search(r"(?:export\s+(?:const|async\s+function|function)\s+handler\b|exports\.handler\s*=)", text):
        return _free(f"lib/lambda/index.{ext}", taken)
    if re.search(r"""from\s+['"](?:aws-cdk-lib|cdktf|@cdktf/|@pulumi/)|require\(['"](?:aws-cdk-lib|cdktf|@pulumi/)""",
                 text):
        return _free(f"lib/tap-stack.{ext}", taken)
    return None


def _looks_python(text: str) -> bool:
    return bool(re.search(r"^\s*(import \w|from [\w.]+ import|def \w+\(|class \w+)", text, re.M))


def _free(path: str, taken: set[str]) -> str:
    if path not in taken:
        return path
    stem, dot, ext = path.rpartition(".")
    k = 2
    while f"{stem}_{k}.{ext}" in taken:
        k += 1
    return f"{stem}_{k}.{ext}"


# --------------------------------------------------------------------------------------------------------------


def normalize_path(path: str) -> str:
    path = path.strip().strip("`'\"").lstrip("./")
    path = re.sub(r"^(?:project|repo|root|app)/", "", path)
    return path


def extract(md: str) -> Extraction:
    """All project files a response contains, in response order; later versions of a path win."""
    lines = md.splitlines()
    result = Extraction()
    blocks = scan_blocks(md)
    result.blocks = blocks
    answer = _answer_line(lines)
    if answer is not None:
        final = Extraction()
        _place([b for b in blocks if b.fence_line > answer], lines, final, answer)
        if final.code_files:
            # Drafts in the reasoning trace are superseded by the answer: a draft of a file the answer has, or an
            # unlabeled draft, is not a second file (`lib/main_2.tf` used to raise duplicate-resource criticals);
            # a labeled file only the trace has is kept, as the answer's missing piece.
            trace = Extraction()
            _place([b for b in blocks if b.fence_line < answer], lines, trace, 0)
            kept = {p: f for p, f in trace.files.items() if f.how != "guessed" and p not in final.files}
            dropped = len(trace.files) - len(kept)
            result.files = {**kept, **final.files}
            result.truncated = [f for f in trace.truncated if f.path in kept] + final.truncated
            result.unplaced = trace.unplaced + final.unplaced
            result.notes = final.notes + ([f"{dropped} draft(s) in the reasoning trace superseded by the final "
                                           "answer"] if dropped else []) + [
                f"{p} is taken from the reasoning trace (the final answer does not contain it)" for p in kept]
            result.displaced = trace.displaced + final.displaced
            _place_imported(result)
            _mark_cut(result)
            return result
    _place(blocks, lines, result, 0)
    if not blocks and md.strip():
        _raw(md, result)
    _place_imported(result)
    _mark_cut(result)
    return result


_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`', re.S)
_COMMENTS = re.compile(r"/\*.*?\*/|(?://|#)[^\n]*", re.S)


def open_blocks(text: str) -> int:
    """Braces left open at the end of HCL/TypeScript/JavaScript/JSON text (strings and comments aside)."""
    code = _COMMENTS.sub("", _STRINGS.sub('""', text))
    return max(0, code.count("{") - code.count("}"))


def _mark_cut(result: Extraction) -> None:
    """A response cut off by the output limit does not always leave an open fence: a raw file, or a last block
    whose fence the model still closed ("new cloudwatch" then ```), ends with blocks open. Only the response's last
    file is judged (a cut happens at the end), and only when its last line does not itself close a block."""
    files = [f for f in result.files.values() if f.language in ("hcl", "typescript", "javascript", "json")]
    if not files:
        return
    last = max(files, key=lambda f: f.md_start)
    tail = next((ln.strip() for ln in reversed(last.text.splitlines()) if ln.strip()), "")
    if last.truncated or tail.endswith(("}", "})", "});", "};", "]", "],")):
        return
    n = open_blocks(last.text)
    if n:
        last.truncated, last.open_blocks = True, n
        if last not in result.truncated:
            result.truncated.append(last)


_TS_IMPORT = re.compile(r"""import\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}/[\w./-]+)['"]""")
_TS_EXPORT = re.compile(r"^\s*export\s+(?:default\s+)?(?:abstract\s+)?(?:class|interface|const|let|function|type|enum)\s+"
                        r"(\w+)", re.M)


def _place_imported(result: Extraction) -> None:
    """An unlabeled TypeScript/JavaScript block displaced by a labeled file of its guessed path is placed at the
    relative module another file imports and the response lacks, when it exports every name imported from it
    (a response whose `lib/modules.ts` block has no label, next to a labeled `lib/tap-stack.ts` importing
    `{ NetworkModule, ... } from './modules'`)."""
    for cand in list(result.displaced):
        if cand.language not in ("typescript", "javascript"):
            continue
        exported = set(_TS_EXPORT.findall(cand.text))
        for f in list(result.files.values()):
            for names, rel in _TS_IMPORT.findall(f.text):
                wanted = {n.split(" as ")[0].strip() for n in names.split(",") if n.strip()} - {"type"}
                base = posixpath.normpath(posixpath.join(posixpath.dirname(f.path), rel))
                ext = "ts" if cand.language == "typescript" else cand.path.rsplit(".", 1)[-1]
                path = base if base.endswith((".ts", ".js", ".mjs")) else f"{base}.{ext}"
                if path in result.files or not wanted or not wanted <= exported:
                    continue
                result.files[path] = ExtractedFile(path=path, text=cand.text, md_start=cand.md_start,
                                                   language=cand.language, how="imported", truncated=cand.truncated)
                result.notes.append(f"{path}: an unlabeled block placed where {f.path} imports it from (it exports "
                                    f"{', '.join(sorted(wanted))})")
                result.displaced.remove(cand)
                break
            else:
                continue
            break


def _answer_line(lines: list[str]) -> int | None:
    """md line (1-based) of the final answer's heading, when a reasoning trace comes before it."""
    trace = None
    for i, line in enumerate(lines):
        if trace is None and re.match(r"^\s{0,3}#{1,6}\s+(?:reasoning|thinking)\b", line, re.I):
            trace = i
        elif trace is not None and ANSWER_HEADING.match(line):
            return i + 1
    return None


def _place(blocks: list[Block], lines: list[str], result: Extraction, prev_end: int) -> None:
    for b in blocks:
        if b.start_lost:
            result.orphans.append(b)
            prev_end = b.fence_line
            continue
        label, label_line = _label_for(lines, b, prev_end)
        how = "labeled"
        if label is None:
            label = _comment_label(b)
            how = "comment"
        b.label, b.label_line = label, label_line
        prev_end = b.md_start - 1 + b.text.count("\n") + 1
        path = normalize_path(label) if label else None
        if path is None:
            path = guess_path(b, set(result.files))
            how = "guessed"
        if path is None:
            result.unplaced.append(b)
            continue
        if (how != "guessed" and b.language in SHELL_LANGS
                and not path.endswith((".sh", ".bash", ".ps1", ".zsh", ".env"))):
            # "Deploy FinApp.yaml:" followed by the shell command that deploys it, not the file itself.
            result.unplaced.append(b)
            continue
        if path.endswith(".md") and b.language not in ("markdown", ""):
            # "## README.md" followed by a code block that is an example inside it.
            result.unplaced.append(b)
            continue
        if path in result.files:
            result.notes.append(f"{path} appears more than once in the response; the last version is used")
            if result.files[path].how == "guessed" and how != "guessed":
                result.displaced.append(result.files[path])
        ef = ExtractedFile(path=path, text=b.text, md_start=b.md_start, language=b.language, how=how,
                           truncated=not b.closed)
        result.files[path] = ef
        if ef.truncated:
            result.truncated.append(ef)


def _raw(md: str, result: Extraction) -> None:
    """A response that is a bare file with no fences at all (or bare files under `=== path ===` headers)."""
    lines = md.splitlines()
    heads = [(i, m.group("path").strip("`")) for i, ln in enumerate(lines) if (m := EQ_HEADER.match(ln))
             and PATH_TOKEN.fullmatch(m.group("path").strip("`"))]
    if heads:
        for k, (i, path) in enumerate(heads):
            end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
            body = "\n".join(lines[i + 1:end]).strip("\n") + "\n"
            first = i + 1 + next((n for n, ln in enumerate(lines[i + 1:end]) if ln.strip()), 0)
            path = normalize_path(path)
            lang = LANG_ALIASES.get(path.rsplit(".", 1)[-1], "") if "." in path else ""
            result.files[path] = ExtractedFile(path=path, text=body, md_start=first + 1, language=lang, how="labeled")
        result.notes.append("response has no fenced blocks; files were split at its `=== path ===` headers")
        return
    text = md if md.endswith("\n") else md + "\n"
    info = sniff_language(text)
    if info:
        pseudo = Block(info=info, text=text, md_start=1, fence_line=0)
        path = guess_path(pseudo, set())
        if path:
            result.files[path] = ExtractedFile(path=path, text=text, md_start=1, language=pseudo.language, how="raw")
            result.notes.append(f"response has no fenced blocks; the whole text was taken as {path}")


def sniff_language(text: str) -> str | None:
    """The language of unfenced text, or None when it is prose."""
    head = text.lstrip()[:4000]
    if head.startswith("{") and re.search(r'"(AWSTemplateFormatVersion|Resources)"\s*:', head):
        return "json"
    if re.search(r"^(AWSTemplateFormatVersion|Resources):", head, re.M):
        return "yaml"
    if re.search(r'^\s*(resource|variable|provider|terraform|module|data)\s+("|\{)', head, re.M):
        return "hcl"
    if _looks_python(head) and not re.search(r"^#{1,6}\s", head, re.M):
        return "python"
    return None
