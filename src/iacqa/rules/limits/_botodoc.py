"""Sentences of botocore's service documentation, quoted as the authority of a finding (LIM014, LIM015).

Not a rule module: it defines no Rule subclass. The text is read from the installed botocore's service-2.json at
run time so a finding quotes the model it was checked against; each caller passes the sentence as it stands in
botocore 1.44 as the fallback, used only when botocore (a dependency) cannot be read.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from iacqa.knowledge.constraints import botocore_session


def _plain(doc: str) -> str:
    """Text with one line per paragraph/list item; inline tags (<code>, <i>, <a>) dropped in place."""
    text = re.sub(r"</?(p|li|ul|ol|note|important)\b[^>]*>", "\n", doc or "")
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


@lru_cache(maxsize=64)
def quote(service: str, where: str, member: str, pattern: str, fallback: str, sentences: int = 1) -> str:
    """The first sentence matching `pattern` (and the `sentences - 1` after it) in the documentation of `member`,
    where `where` is an operation name (its input member) or a shape name ("shape:DefaultCacheBehavior");
    `fallback` when botocore cannot say."""
    try:
        model = botocore_session().get_service_model(service)
        if where.startswith("shape:"):
            shape = model.shape_for(where[6:]).members[member]
        else:
            shape = model.operation_model(where).input_shape.members[member]
        text = _plain(shape.documentation)
    except Exception:  # noqa: BLE001 - botocore missing or reshaped: the sentence as botocore 1.44 states it
        return fallback
    parts = [p for line in text.splitlines() for p in re.split(r"(?<=[.!?])\s+", line)]
    for i, sentence in enumerate(parts):
        if re.search(pattern, sentence):
            return " ".join(parts[i:i + sentences])
    return fallback


def botocore_version() -> str:
    try:
        import botocore

        return str(botocore.__version__)
    except ImportError:  # pragma: no cover - botocore is a dependency
        return "?"
