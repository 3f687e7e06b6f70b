r"""Response markdown -> files, with a line map back into the .md.

LLM responses label their files in many ways (`## File: lib/x.py`, `### \`x.py\``, `**lib/x.py**`, `1. x.py:`,
a `# lib/x.py` comment on the first line of the block, or nothing at all). No markdown library keeps fence
positions *and* handles the nested-fence habits of these responses (a ```markdown README block holding
```bash blocks of its own), so this small scanner is hand-written.
"""

from __future__ import annotations

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

    @property
    def language(self) -> str:
        return LANG_ALIASES.get(self.info.lower(), self.info.lower())


@dataclass
class ExtractedFile:
    path: str
    text: str
    md_start: int
    language: str
    how: str  # labeled | comment | guessed | raw
    truncated: bool = False

    def md_line(self, line: int) -> int:
        return self.md_start + line - 1


@dataclass
class Extraction:
    files: dict[str, ExtractedFile] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    truncated: list[ExtractedFile] = field(default_factory=list)
    unplaced: list[Block] = field(default_factory=list)

    @property
    def code_files(self) -> list[ExtractedFile]:
        return [f for f in self.files.values() if not f.path.endswith((".md", ".txt"))]


# --------------------------------------------------------------------------------------------------------------
# Fence scanning


def _is_close(line: str, fence: str) -> bool:
    s = line.strip()
    return bool(s) and s[0] == fence[0] and set(s) == {fence[0]} and len(s) >= len(fence)


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
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info")
        start = i + 1
        if info.lower() in MARKDOWN_LANGS:
            end = _close_markdown_block(lines, start, fence, labels)
        else:
            end = next((j for j in range(start, n) if _is_close(lines[j], fence)), None)
        closed = end is not None
        if end is None:
            end = n
        text = "\n".join(lines[start:end])
        blocks.append(Block(info=info, text=text + ("\n" if text else ""), md_start=start + 1,
                            fence_line=i + 1, closed=closed))
        i = end + 1
    return blocks


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
    """A sentence that merely mentions a file ("Update the `tap.py` to ...") is not a label."""
    if is_heading or LABEL_HINT.search(line):
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
    prev_end = 0
    for b in blocks:
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
        ef = ExtractedFile(path=path, text=b.text, md_start=b.md_start, language=b.language, how=how,
                           truncated=not b.closed)
        result.files[path] = ef
        if ef.truncated:
            result.truncated.append(ef)
    if not blocks and md.strip():
        _raw(md, result)
    return result


def _raw(md: str, result: Extraction) -> None:
    """A response that is a bare file with no fences at all."""
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
