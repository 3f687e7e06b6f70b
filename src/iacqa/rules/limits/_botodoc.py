"""Sentences of botocore's service documentation, quoted as the authority of a finding (LIM014, LIM015).

Not a rule module: it defines no Rule subclass. The text is read from the installed botocore's service-2.json at
run time so a finding quotes the model it was checked against; each caller passes the sentence as it stands in
botocore 1.44 as the fallback, used only when botocore (a dependency) cannot be read.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache


def _plain(doc: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", doc or "")).split())


@lru_cache(maxsize=64)
def quote(service: str, where: str, member: str, pattern: str, fallback: str) -> str:
    """The first sentence matching `pattern` in the documentation of `member`, where `where` is an operation name
    (its input member) or a shape name ("shape:DefaultCacheBehavior"); `fallback` when botocore cannot say."""
    try:
        import botocore.session

        model = botocore.session.get_session().get_service_model(service)
        if where.startswith("shape:"):
            shape = model.shape_for(where[6:]).members[member]
        else:
            shape = model.operation_model(where).input_shape.members[member]
        text = _plain(shape.documentation)
    except Exception:  # noqa: BLE001 - botocore missing or reshaped: the sentence as botocore 1.44 states it
        return fallback
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.search(pattern, sentence):
            return sentence
    return fallback


def botocore_version() -> str:
    try:
        import botocore

        return str(botocore.__version__)
    except ImportError:  # pragma: no cover - botocore is a dependency
        return "?"
