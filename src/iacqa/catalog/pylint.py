"""The pylint messages iacqa reports under a profile whose lint gate is pylint (linters/pylint.py): LNT-P<code>.

Messages the TAP gate prints that iacqa documents one by one have their own id (LNT-PC0301, LNT-PR1705...); every
other message is reported under the id of its pylint category (LNT-PE error, LNT-PW warning, LNT-PR refactor,
LNT-PC convention, LNT-PF fatal) with the exact pylint code in `symbol`, as LNT-F7 does for ruff's F7xx.
Severity: lint is low or medium on its own (medium for messages that are a run-time failure: a call with the wrong
arguments, a missing member); the gate itself, the pipeline step that fails, is LNT001 (catalog/profiles.py).
"""

from __future__ import annotations

from iacqa.catalog.base import Entry
from iacqa.model import Category, Severity


class _Pylint(Entry):
    category = Category.LINT
    stage = "lint"
    severity = Severity.LOW
    emitters = ("iacqa.linters.pylint",)


class PylintLineTooLong(_Pylint):
    """Line longer than the gate's max-line-length, as pylint counts it (pylint C0301).

    What it finds: lines over 120 characters in tap.py and lib/, including lines ruff's E501 leaves alone (a line
    that is one long token, such as a dotted Pulumi class name or a URL, which pylint still counts).
    Why it breaks: every message lowers the pylint score the pipeline's lint step is judged by.
    Bad: `bucket_encryption = aws.s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs(`
    Good: `from pulumi_aws.s3 import BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs as SseDefault`
    What AWS says: nothing; pylint says `C0301: Line too long (147/120) (line-too-long)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/convention/line-too-long.html
    """

    id = "LNT-PC0301"
    title = "line too long for the pylint gate"
    fix = "split the line, or import the long class name under a short alias"


class PylintTooManyLines(_Pylint):
    """A module longer than 1000 lines (pylint C0302, max-module-lines).

    What it finds: a single stack file that grew past pylint's module limit (ruff has no such rule).
    Why it breaks: one more message in the gate's score; the file is usually several stacks in one.
    Bad: lib/tap_stack.py with 1400 lines.
    Good: lib/network.py, lib/storage.py, lib/compute.py composed by lib/tap_stack.py.
    What AWS says: nothing; pylint says `C0302: Too many lines in module (1400/1000) (too-many-lines)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/convention/too-many-lines.html
    """

    id = "LNT-PC0302"
    title = "module longer than 1000 lines"
    fix = "split the module into one module per component"


class PylintNoElseReturn(_Pylint):
    """`else` after a branch that returns (pylint R1705; ruff RET505 is the same rule, not in iacqa's ruff set).

    What it finds: `if x: return a` followed by `else: return b` (or `elif`).
    Why it breaks: one more message in the gate's score.
    Bad: `if enabled:\n    return "ENABLED"\nelse:\n    return "DISABLED"`
    Good: `if enabled:\n    return "ENABLED"\nreturn "DISABLED"`
    What AWS says: nothing; pylint says `R1705: Unnecessary "else" after "return", remove the "else" and de-indent
    the code inside it (no-else-return)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/refactor/no-else-return.html
    """

    id = "LNT-PR1705"
    title = "else after return"
    fix = "drop the else and de-indent its body"


class PylintLoggingFString(_Pylint):
    """Logging call formatted with an f-string (pylint W1203, ruff G004).

    What it finds: `logger.info(f"...")` in tap.py and lib/.
    Why it breaks: one more message in the gate's score; the string is built even when the level is off.
    Bad: `logger.info(f"Received event: {event}")`
    Good: `logger.info("Received event: %s", event)`
    What AWS says: nothing; pylint says `W1203: Use lazy % formatting in logging functions`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/logging-fstring-interpolation.html
    """

    id = "LNT-PW1203"
    title = "logging call formatted with an f-string"
    fix = "pass the values as arguments: logger.info('... %s', value)"


class PylintRedefinedBuiltin(_Pylint):
    """A name (variable or argument) that shadows a built-in (pylint W0622; ruff A001/A002).

    What it finds: `id`, `type`, `input` assigned or taken as a parameter (CDK/CDKTF constructors' `id`); the
    scaffold's `good-names=id` does not silence it.
    Why it breaks: one more message in the gate's score; the built-in is unusable in that scope.
    Bad: `def __init__(self, scope: Construct, id: str):`
    Good: `def __init__(self, scope: Construct, construct_id: str):`
    What AWS says: nothing; pylint says `W0622: Redefining built-in 'id' (redefined-builtin)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/redefined-builtin.html
    """

    id = "LNT-PW0622"
    title = "name shadows a built-in"
    fix = "rename it (id -> construct_id)"


class PylintFStringWithoutInterpolation(_Pylint):
    """An f-string with nothing to interpolate (pylint W1309; ruff F541, not in iacqa's ruff set).

    What it finds: `f"Allow HTTPS from peer VPC"`.
    Why it breaks: one more message in the gate's score; often a placeholder the author forgot to fill.
    Bad: `description=f"Allow HTTPS from peer VPC"`
    Good: `description="Allow HTTPS from peer VPC"`
    What AWS says: nothing; pylint says `W1309: Using an f-string that does not have any interpolated variables`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/f-string-without-interpolation.html
    """

    id = "LNT-PW1309"
    title = "f-string without interpolation"
    fix = "drop the f prefix, or interpolate the value that was meant"


class PylintWildcardImport(_Pylint):
    """`from module import *` (pylint W0401).

    What it finds: wildcard imports in tap.py, lib/ (an alternative entry such as lib/__main__.py).
    Why it breaks: one more message in the gate's score; which names exist is unknown to readers and tools.
    Bad: `from tap_stack import *`
    Good: `from tap_stack import TapStack, TapStackArgs`
    What AWS says: nothing; pylint says `W0401: Wildcard import tap_stack (wildcard-import)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/wildcard-import.html
    """

    id = "LNT-PW0401"
    title = "wildcard import"
    fix = "import the names used"


class PylintCallArguments(_Pylint):
    """A call whose arguments do not match the function or class it calls (pylint E1120, E1123, E1121, E1124).

    What it finds: a keyword the callee has no parameter for, or a required parameter not given, where pylint can
    see the callee (the project's own classes: tap.py calling `TapStack(..., environment_suffix=...)` on a stack
    whose constructor takes `args`).
    Why it breaks: TypeError when that line runs (for tap.py: at synth or `pulumi up`).
    Bad: `TapStack("TapStack", environment_suffix=suffix)` with `def __init__(self, name, args: TapStackArgs)`
    Good: `TapStack("TapStack", TapStackArgs(environment_suffix=suffix))`
    What AWS says: nothing; Python says `TypeError: __init__() got an unexpected keyword argument
    'environment_suffix'`; pylint `E1123: Unexpected keyword argument ... (unexpected-keyword-arg)`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/error/unexpected-keyword-arg.html
    """

    id = "LNT-PE1123"
    severity = Severity.MEDIUM
    title = "call arguments do not match the callee"
    fix = "call it with the parameters its definition declares"


class PylintNoMember(_Pylint):
    """An attribute that the object does not have, as pylint infers it (pylint E1101).

    What it finds: `stack.outputs` on a class that never sets `outputs`, a method name misspelt on the project's
    own classes (attributes of third-party SDK objects are checked by the sdk-api stage instead).
    Why it breaks: AttributeError when that line runs.
    Bad: `pulumi.export("vpc_id", stack.outputs["vpc_id"])` where TapStack has no `outputs`.
    Good: `pulumi.export("vpc_id", stack.vpc.id)`
    What AWS says: nothing; Python says `AttributeError: 'TapStack' object has no attribute 'outputs'`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/error/no-member.html
    """

    id = "LNT-PE1101"
    severity = Severity.MEDIUM
    title = "attribute the object does not have"
    fix = "use an attribute the class defines, or define it"


class PylintError(_Pylint):
    """Any other pylint error message (E....) of the gate (the exact code is the finding's symbol).

    What it finds: what pylint classes as an error: undefined names, `return` outside a function, calls of
    non-callables, and so on.
    Why it breaks: errors are the code paths that fail when they run; each weighs 5 messages in the gate's score.
    Bad: `handler = undefined_function`
    Good: define or import the name.
    What AWS says: nothing; Python raises when that line runs.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html
    """

    id = "LNT-PE"
    severity = Severity.MEDIUM
    title = "pylint error"
    fix = "fix the code pylint names"


class PylintWarning(_Pylint):
    """Any other pylint warning (W....) of the gate (the exact code is the finding's symbol).

    What it finds: pointless statements (W0105: a docstring placed after code), unused arguments where enabled,
    broad raises, and the rest of pylint's warnings the scaffold leaves enabled.
    Why it breaks: one more message in the gate's score.
    Bad: a second module docstring after the imports (W0105 pointless-string-statement).
    Good: a comment instead.
    What AWS says: nothing; pylint prints the message.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html
    """

    id = "LNT-PW"
    title = "pylint warning"
    fix = "fix the code pylint names"


class PylintRefactor(_Pylint):
    """Any other pylint refactor message (R....) of the gate (the exact code is the finding's symbol).

    What it finds: too many branches or return statements (the scaffold's limits: 12 and 6), inconsistent
    returns, and the rest of pylint's refactor messages the scaffold leaves enabled.
    Why it breaks: one more message in the gate's score.
    Bad: a 20-branch `if/elif` chain in one function (R0912 too-many-branches).
    Good: a dict of handlers, or smaller functions.
    What AWS says: nothing; pylint prints the message.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html
    """

    id = "LNT-PR"
    title = "pylint refactor message"
    fix = "restructure the code pylint names"


class PylintConvention(_Pylint):
    """Any other pylint convention message (C....) of the gate (the exact code is the finding's symbol).

    What it finds: wrong import position, superfluous parentheses, `len(x) == 0` tests, and the rest of pylint's
    conventions the scaffold leaves enabled.
    Why it breaks: one more message in the gate's score.
    Bad: `if len(items) == 0:` (C1802 use-implicit-booleaness-not-len).
    Good: `if not items:`
    What AWS says: nothing; pylint prints the message.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html
    """

    id = "LNT-PC"
    title = "pylint convention message"
    fix = "follow the convention pylint names"


class PylintFatal(_Pylint):
    """pylint could not analyse a file (F....: a syntax error, a file it cannot decode).

    What it finds: a gated file pylint cannot parse; the gate scores 0 for that run.
    Why it breaks: the lint step fails outright (a fatal message is pylint's exit status 1).
    Bad: a file with a syntax error in lib/.
    Good: a file that compiles.
    What AWS says: nothing; pylint says `F0001` or `E0001 syntax-error`.
    References: https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html
    """

    id = "LNT-PF"
    severity = Severity.MEDIUM
    title = "pylint could not analyse the file"
    fix = "make the file parse"


_GROUPS = {"E": "LNT-PE", "W": "LNT-PW", "R": "LNT-PR", "C": "LNT-PC", "F": "LNT-PF"}
_ALIASES = {"E1120": "LNT-PE1123", "E1121": "LNT-PE1123", "E1124": "LNT-PE1123"}


def pylint_rule_for(code: str) -> type[_Pylint] | None:
    """The entry of a pylint message id (C0301 -> LNT-PC0301, else its category's), None for informational (I)."""
    rules = {c.id: c for c in _Pylint.__subclasses__()}
    own = rules.get(_ALIASES.get(code) or f"LNT-P{code}")
    if own is not None:
        return own
    group = _GROUPS.get(code[:1])
    return rules.get(group) if group else None
