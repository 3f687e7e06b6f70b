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



class UnsafePath(Entry):
    """A file label that would place the file outside the project.

    What it finds: a code block labelled with a path that leaves the project once resolved (`..` anywhere, an
    absolute or drive path, backslash separators hiding `..`), e.g. `lib/../../../../tmp/x/pwned.py`.
    Why it breaks: the file cannot be part of the project: writing it would change a file outside the repository
    (iacqa never does); the code that imports it does not find it.
    Bad: `## File: lib/../../../etc/cron.d/job`.
    Good: `## File: lib/handlers/job.py` (a path inside the project, without `..`).
    What AWS says: nothing: the file is never deployed; the program that needs it fails to import it.
    References: https://owasp.org/www-community/attacks/Path_Traversal
    """

    id = "SYN005"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "file path leaves the project"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"


class SymlinkNotFollowed(Entry):
    """A symbolic link in the task or project, not followed.

    What it finds: a symlink among the task's files (a scaffold file such as tap.py, or a file of the project
    analyzed as it is) pointing outside the project.
    Why it breaks: the repository stores the link, not the file: in CI the link points at nothing (or at whatever
    the runner has at that path), and iacqa never runs or copies what it points to.
    Bad: `tap.py -> /home/me/other/tap.py`.
    Good: the file itself, committed in the project.
    What AWS says: nothing: `python tap.py` fails with FileNotFoundError, or runs a different program.
    References: https://git-scm.com/docs/git-config#Documentation/git-config.txt-coresymlinks
    """

    id = "SYN006"
    category = Category.PACKAGING
    severity = Severity.HIGH
    title = "symlink not followed"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"


class PathClash(Entry):
    """Two files of a response claim one path as a file and as a directory.

    What it finds: labels such as `lib/a.py` and `lib/a.py/b.py` in one response.
    Why it breaks: a path cannot be a file and a directory at once: one of the two files cannot exist in the
    project; the code that needs it fails.
    Bad: `## File: lib/stack.py` then `## File: lib/stack.py/handler.py`.
    Good: `lib/stack.py` and `lib/stack/handler.py`.
    What AWS says: nothing is deployed from the missing file; `git add` refuses the pair.
    References: https://docs.python.org/3/reference/import.html#packages
    """

    id = "SYN007"
    category = Category.SYNTAX
    severity = Severity.CRITICAL
    title = "file and directory with the same path"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"


class MissingPulumiMain(Entry):
    """The response's Pulumi.yaml names an entry point (`main`) that the response does not contain.

    What it finds: a `Pulumi.yaml` shipped by the response whose `main:` names a file or directory (a directory
    needs its `__main__.py`) that none of the response's files provides.
    Why it breaks: `pulumi up` starts the program from `main`; with the file missing there is no program to run
    and nothing is deployed. iacqa then runs the entry the project does have (tap.py, __main__.py) so the rest
    of the response is still checked.
    Bad: `main: app.py` in Pulumi.yaml, with the program given as `__main__.py`.
    Good: `main: __main__.py` (or no `main`, which means the project directory's `__main__.py`), or ship app.py.
    What AWS says: nothing; the Pulumi Python language host cannot find the program and the update fails before
    any resource is registered.
    References: https://www.pulumi.com/docs/iac/concepts/projects/project-file/#attributes
    """

    id = "PKG003"
    category = Category.PACKAGING
    severity = Severity.CRITICAL
    title = "Pulumi.yaml names an entry point the response lacks"
    emitters = ("iacqa.ingest.task",)
    stage = "ingest"
