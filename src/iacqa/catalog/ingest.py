"""Ids emitted while reading the response (ingest/): a truncated response, a response without code."""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class TruncatedResponse(Entry):
    """Response cut off in the middle of a code block.

    What it finds: a response whose last fenced block never closes.
    Why it breaks: the file it carries is incomplete; the program cannot parse or is missing its end.
    Bad: a ```python block that stops mid-function at the end of MODEL_RESPONSE.md.
    Good: every fenced block closed.
    What AWS says: nothing; `python tap.py` fails with SyntaxError or the stack is missing resources.
    References: https://docs.pulumi.com/docs/iac/languages-sdks/python/
    """

    id = "SYN001"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "response is truncated"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"


class NoCode(Entry):
    """A response with no usable code.

    What it finds: a response .md with no fenced code that can be placed in the project (a placeholder, prose
    only, or fragments).
    Why it breaks: there is nothing to synthesize or deploy.
    Bad: "Insert here the Model Response that failed".
    Good: the program files, each in a fenced block under a `## File: path` heading.
    What AWS says: nothing is deployed.
    References: https://www.markdownguide.org/extended-syntax/#fenced-code-blocks
    """

    id = "SYN003"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "response contains no code"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"


