"""The ruff codes iacqa reports (linters/ruff.py), each a documented id LNT-<ruff code>.

Severity: the TAP lint gate (pylint W1203, C0301 at 120, W0622) fails the pipeline, which the seed reports call
High; correctness codes that break code paths are high too; hygiene-only codes are low.
"""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class _Ruff(Entry):
    category = Category.LINT
    stage = "lint"
    fix = ""  # ruff's own fix message, when it has one, is used first (linters/ruff.py)
    emitters = ("iacqa.linters.ruff",)


class LoggingFString(_Ruff):
    """Logging call formatted with an f-string (ruff G004, pylint W1203).

    What it finds: `logger.info(f"...")` in IaC code or Lambda handlers, including code embedded in strings.
    Why it breaks: the TAP lint gate (pylint W1203) fails the pipeline; the string is built even when the level is off.
    Bad: `logger.info(f"Received event: {json.dumps(event)}")`
    Good: `logger.info("Received event: %s", json.dumps(event))`
    What AWS says: nothing; pylint says `W1203: Use lazy % formatting in logging functions`.
    References: https://docs.astral.sh/ruff/rules/logging-f-string/
    """

    id = "LNT-G004"
    severity = Severity.LOW
    title = "logging call formatted with an f-string"
    fix = "pass the values as arguments: logger.info('... %s', value)"


class LineTooLong(_Ruff):
    """Line longer than 120 characters (ruff E501, pylint C0301).

    What it finds: lines over the 120-character limit the TAP pylint configuration sets.
    Why it breaks: the lint gate fails the pipeline.
    Bad: a 213-character import line.
    Good: `from x import (\n    A, B,\n)`
    What AWS says: nothing; pylint says `C0301: Line too long (213/120)`.
    References: https://docs.astral.sh/ruff/rules/line-too-long/
    """

    id = "LNT-E501"
    severity = Severity.LOW
    title = "line longer than 120 characters"
    fix = "split the line (parenthesized imports, implicit string concatenation)"


class BuiltinShadowed(_Ruff):
    """A variable shadows a Python built-in (ruff A001, pylint W0622).

    What it finds: assignments to names such as `id`, `type`, `input`, `list`.
    Why it breaks: the lint gate fails; later use of the built-in in that scope fails.
    Bad: `id = resource.id`
    Good: `resource_id = resource.id`
    What AWS says: nothing; pylint says `W0622: Redefining built-in 'id'`.
    References: https://docs.astral.sh/ruff/rules/builtin-variable-shadowing/
    """

    id = "LNT-A001"
    severity = Severity.LOW
    title = "variable shadows a built-in"
    fix = "rename the variable (e.g. id -> resource_id)"


class BuiltinArgumentShadowed(_Ruff):
    """A function argument shadows a Python built-in (ruff A002, pylint W0622).

    What it finds: parameters named `id`, `type`, `filter`... (CDK/CDKTF constructors' `id` is the classic).
    Why it breaks: the lint gate fails (pylint W0622 on methods).
    Bad: `def _create_lambda_role(self, id: str, ...)`
    Good: `def _create_lambda_role(self, construct_id: str, ...)`
    What AWS says: nothing; pylint says `W0622: Redefining built-in 'id'`.
    References: https://docs.astral.sh/ruff/rules/builtin-argument-shadowing/
    """

    id = "LNT-A002"
    severity = Severity.LOW
    title = "argument shadows a built-in"
    fix = "rename the parameter (e.g. id -> construct_id)"


class UndefinedName(_Ruff):
    """A name that is used but never defined (ruff F821).

    What it finds: typos and missing imports, e.g. `List` used without `from typing import List`.
    Why it breaks: NameError when that code path runs (at synth for IaC code, at invoke for handlers).
    Bad: `def f(x: List[str])` without the import.
    Good: `from typing import List`
    What AWS says: `NameError: name 'List' is not defined`.
    References: https://docs.astral.sh/ruff/rules/undefined-name/
    """

    id = "LNT-F821"
    severity = Severity.MEDIUM
    title = "undefined name"
    fix = "import or define the name"


class UnusedImport(_Ruff):
    """An import that is never used (ruff F401).

    What it finds: unused imports, which often mark a misunderstanding of the API (an imported class that does not
    exist is reported separately as sdk-api).
    Why it breaks: nothing at run time; the lint gate may warn.
    Bad: `import os` never used.
    Good: remove it.
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/unused-import/
    """

    id = "LNT-F401"
    severity = Severity.LOW
    title = "unused import"
    fix = "remove the import"


class _Generic(_Ruff):
    severity = Severity.MEDIUM


class RedefinedUnused(_Generic):
    """A name redefined before it was used (ruff F811).

    What it finds: a function, class or import defined twice; the first is dead.
    Why it breaks: the first definition is silently replaced.
    Bad: two `def handler(event, context)` in one module.
    Good: one definition.
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/redefined-while-unused/
    """

    id = "LNT-F811"
    title = "name redefined before use"


class UnusedVariable(_Generic):
    """A local variable assigned but never used (ruff F841).

    What it finds: results computed and dropped, often a resource created and never wired.
    Why it breaks: usually a logic slip; no run-time error.
    Bad: `response = table.put_item(...)` never read.
    Good: use it or drop the assignment.
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/unused-variable/
    """

    id = "LNT-F841"
    severity = Severity.LOW
    title = "local variable never used"


class BareExcept(_Generic):
    """A bare `except:` (ruff E722).

    What it finds: handlers that catch everything, including SystemExit and KeyboardInterrupt.
    Why it breaks: hides real failures (e.g. an AccessDenied becomes a silent success).
    Bad: `except: pass`
    Good: `except ClientError as exc: logger.error(...)`
    What AWS says: nothing: that is the problem.
    References: https://docs.astral.sh/ruff/rules/bare-except/
    """

    id = "LNT-E722"
    title = "bare except"


class MutableDefault(_Generic):
    """A mutable default argument (ruff B006).

    What it finds: `def f(tags={})`, shared between calls.
    Why it breaks: state leaks between resources or invocations (warm Lambda containers keep it).
    Bad: `def make(tags: dict = {})`
    Good: `def make(tags: dict | None = None)`
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/mutable-argument-default/
    """

    id = "LNT-B006"
    title = "mutable default argument"


class CallInDefault(_Generic):
    """A function call in an argument default (ruff B008).

    What it finds: `def f(opts=ResourceOptions())`, evaluated once at import.
    Why it breaks: every call shares one object.
    Bad: `def __init__(self, opts=pulumi.ResourceOptions())`
    Good: `opts: ResourceOptions | None = None`
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/function-call-in-default-argument/
    """

    id = "LNT-B008"
    severity = Severity.LOW
    title = "function call in an argument default"


class ComparisonToNone(_Generic):
    """Comparison to None/True/False with == (ruff E711/E712).

    What it finds: `x == None`, `x == True`.
    Why it breaks: usually works, but is a lint gate failure and wrong for objects overriding __eq__.
    Bad: `if item == None:`
    Good: `if item is None:`
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/none-comparison/
    """

    id = "LNT-E711"
    severity = Severity.LOW
    title = "comparison to None, True or False with =="


class InvalidEscape(_Generic):
    """An invalid escape sequence in a string (ruff W605).

    What it finds: `"\\d"` in a normal string (common in inline Lambda code and regexes).
    Why it breaks: a SyntaxWarning today, an error in future Python versions; the pattern may not mean what it says.
    Bad: `re.match("\\d+", s)` in a non-raw string.
    Good: `re.match(r"\\d+", s)`
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/invalid-escape-sequence/
    """

    id = "LNT-W605"
    severity = Severity.LOW
    title = "invalid escape sequence"


class IsLiteral(_Generic):
    """`is` comparison with a literal (ruff F632).

    What it finds: `x is "text"` or `x is 1`.
    Why it breaks: identity of literals is an implementation detail; the branch may never run.
    Bad: `if status is "ok":`
    Good: `if status == "ok":`
    What AWS says: nothing.
    References: https://docs.astral.sh/ruff/rules/is-literal/
    """

    id = "LNT-F632"
    severity = Severity.MEDIUM
    title = "`is` comparison with a literal"


class SyntaxLevel(_Generic):
    """Statements in the wrong place (ruff F7xx: break/continue/return/yield outside their construct).

    What it finds: `return` outside a function, `break` outside a loop.
    Why it breaks: SyntaxError when the module is compiled.
    Bad: `return` at module level in a handler file.
    Good: move it into the function.
    What AWS says: `Runtime.UserCodeSyntaxError`.
    References: https://docs.astral.sh/ruff/rules/#pyflakes-f
    """

    id = "LNT-F7"
    severity = Severity.MEDIUM
    title = "statement outside its construct"


_ALIASES = {"E712": "LNT-E711"}


def rule_for(code: str) -> type[_Ruff] | None:
    """The entry of a ruff code, or None for codes iacqa does not report."""
    rules = {c.id: c for c in _subclasses(_Ruff) if c.id}
    rid = _ALIASES.get(code) or f"LNT-{code}"
    if rid in rules:
        return rules[rid]
    if code.startswith("F7"):
        return rules.get("LNT-F7")
    return None


def _subclasses(cls: type[_Ruff]) -> list[type[_Ruff]]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out
