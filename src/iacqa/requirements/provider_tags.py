"""The tag keys a Terraform AWS provider applies to every resource (`default_tags`), read from the .tf files.

The Terraform front end keeps resources, not provider blocks, so a tag key set once in `default_tags` is on no
resource of the graph. A requirement "tag everything with Environment, Compliance, Owner" is then judged with
these keys: a key that every `provider "aws"` block sets is carried by every resource; a key that no block and
no resource sets is missing. Only literal keys are read (`tags = { Environment = var.env }`); a block whose tags
come from a variable, a local or a function call makes the keys unknown (None).
"""

from __future__ import annotations

import re
from pathlib import Path

_PROVIDER = re.compile(r'^\s*provider\s+"?aws"?\s*\{', re.M)
_DEFAULT_TAGS = re.compile(r"\bdefault_tags\s*\{\s*tags\s*=\s*")
_KEY = re.compile(r'^\s*"?([A-Za-z_][\w:./-]*)"?\s*[=:]', re.M)


def _block(text: str, start: int) -> str:
    """The text from `start` (just after an opening brace) to its matching closing brace."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
    return text[start:]


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(^|\s)(#|//).*$", r"\1", text)


def default_tag_keys(root: Path | None, files: list[str] | None) -> tuple[set[str], set[str]] | None:
    """(keys some aws provider block sets, keys every aws provider block sets), or None when there is no provider
    block with default_tags or one of them is not a literal map."""
    if root is None or not files:
        return None
    blocks: list[set[str] | None] = []
    for rel in files:
        if not rel.endswith(".tf"):
            continue
        try:
            text = _strip_comments((Path(root) / rel).read_text(errors="replace"))
        except OSError:
            continue
        for m in _PROVIDER.finditer(text):
            body = _block(text, m.end())
            tags = _DEFAULT_TAGS.search(body)
            if tags is None:
                blocks.append(set())
                continue
            rest = body[tags.end():]
            if not rest.startswith("{"):
                blocks.append(None)  # tags = var.default_tags / local.tags / merge(...): not known here
                continue
            inner = _block(rest, 1)
            if re.search(r"\$\{|\.\.\.", inner) and not _KEY.search(inner):
                blocks.append(None)
                continue
            blocks.append({k for k in _KEY.findall(inner)})
    with_tags = [b for b in blocks if b]
    if not with_tags or any(b is None for b in blocks):
        return None
    union = set().union(*with_tags)
    inter = set.intersection(*[b if b is not None else set() for b in blocks])
    return union, inter
