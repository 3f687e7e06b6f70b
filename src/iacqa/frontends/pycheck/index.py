"""What the static check asks of an SDK: the contract each platform's index adapter fulfils.

An index answers for dotted paths (`aws_cdk.aws_sqs.Queue`, `pulumi_aws.sqs.Queue.arn`): what kind of thing the
path names, which names its owner has (for suggestions), and what a call accepts. It never guesses: whatever it
cannot know is `Kind.UNKNOWN`, and the checker stays silent there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


class Kind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    VALUE = "value"  # a function, constant, enum member, property: past it nothing is checked
    MISSING = "missing"  # certainly absent from the installed SDK
    UNKNOWN = "unknown"  # cannot be known statically (dynamic attributes, unreadable source, optional package)


@dataclass(frozen=True)
class Signature:
    """What a call target accepts, with the name Python prints in its TypeError (`Queue.__init__`)."""

    qualname: str
    positional: tuple[str, ...] = ()  # positional-or-keyword parameter names, `self`/`cls` excluded
    required_positional: int = 0
    keywords: frozenset[str] = frozenset()
    required_kwonly: tuple[str, ...] = ()
    var_args: bool = True  # True when positional arguments are not judged
    var_kw: bool = False
    counts_self: bool = True  # CPython counts self in "takes N positional arguments"
    hidden: frozenset[str] = frozenset()  # accepted but not worth listing in a fix (construct meta-arguments)


@dataclass
class SdkIndex:
    """Base of the per-SDK adapters (override the methods; the defaults know nothing)."""

    roots: tuple[str, ...] = ()
    label: str = "SDK"  # `aws-cdk-lib 2.170.0`: how messages name the reference
    hints: dict[str, str] = field(default_factory=dict)  # name -> a fix the SDK's own names do not suggest
    track_instances: bool = True  # check attributes of locals that certainly hold an SDK object

    def kind(self, dotted: str) -> Kind:
        return Kind.UNKNOWN

    def names(self, dotted: str) -> list[str]:
        """Public names of a module or class (members of its bases included), for suggestions."""
        return []

    def signature(self, dotted: str, instance: bool = False) -> Signature | None:
        """What calling `dotted` accepts; `instance`: called on an instance (a method), not on the class."""
        return None

    def checks_calls(self, dotted: str) -> bool:
        """Whether calls of this target are judged (an SDK may leave its runtime helpers alone)."""
        return True

    def class_attribute_error(self, cls: str, name: str) -> str | None:
        """The text Python raises for a missing class attribute when it is not the usual one (a metaclass
        `__getattr__`: Enum in Python 3.11 raises `AttributeError: NAME`)."""
        return None

    def source_file(self, module: str) -> Path | None:
        """The module's file, which Python names in `ImportError: cannot import name ...`."""
        return None

    def elsewhere(self, name: str, parent: str) -> str | None:
        """The fix when `name` exists in another module of the SDK (`cloudwatch.SnsAction` -> cloudwatch_actions)."""
        return None


def installed(dist: str) -> str:
    """`aws-cdk-lib 2.170.0`: how messages name the installed reference (the name alone without metadata)."""
    try:
        return f"{dist} {version(dist)}"
    except PackageNotFoundError:
        return dist
