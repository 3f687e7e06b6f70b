"""LIM005: a CIDR block that is not a CIDR block (`10.0.0.0.0/24`, `10.0.0.0/33`)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.leaves import leaves

CIDR_KEY = re.compile(r"cidr", re.I)
# Only literal values are judged: interpolations, references and placeholders of unknown values are skipped.
LITERAL = re.compile(r"^[0-9A-Fa-f.:/]+$")


def _cidr_values(value: Any, path: str) -> Iterator[tuple[str, str]]:
    for leaf_path, leaf in leaves(value, path):
        if isinstance(leaf, str) and CIDR_KEY.search(leaf_path.rsplit(".", 1)[-1]) and LITERAL.match(leaf.strip()):
            yield leaf_path, leaf.strip()


def invalid(value: str) -> str | None:
    """Why `value` is not a CIDR block, or None when it is one (host bits are allowed here)."""
    if "/" not in value:
        return None  # a bare address under a *Cidr* key is some other field (an IP); not judged
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        return str(exc)
    return None


class InvalidCidr(Rule):
    """A CIDR block that does not parse: an address with five octets, an octet above 255, a prefix above /32.

    What it finds: a literal value of a property whose name contains `cidr` (`cidr_block`, `cidr_blocks`,
    `CidrIp`, `DestinationCidrBlock`, ...) that has a prefix length but is not a valid IPv4 or IPv6 network, as
    Python's `ipaddress` parses it (host bits are allowed: that is a different finding).
    Why it breaks: EC2 rejects the VPC, subnet, route or security-group rule; the deploy stops at that resource.
    Bad: `cidr_block="10.0.0.0.0/16"`, `cidr_blocks=["10.0.300.0/24"]`.
    Good: `cidr_block="10.0.0.0/16"`.
    What AWS says: `InvalidParameterValue: Value (10.0.0.0.0/16) for parameter cidrBlock is invalid. This is not
    a valid CIDR block.`
    References: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
    """

    id = "LIM005"
    category = Category.AWS_LIMIT
    severity = Severity.CRITICAL
    title = "CIDR block that is not a valid network"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for r in ctx.graph:
            seen: set[str] = set()
            for path, value, native in self._values(r):
                why = invalid(value)
                if why is None or value in seen:
                    continue
                seen.add(value)
                attr = path if not native else None
                loc = None if attr else (r.attr_locations.get(path.split(".")[0]) or r.location)
                yield self.finding(
                    f"{r.id}: {path} `{value}` is not a CIDR block ({why}); EC2 rejects it", resource=r,
                    attribute=attr, location=loc,
                    error=f"InvalidParameterValue: Value ({value}) for parameter cidrBlock is invalid. This is not a "
                    "valid CIDR block.", fix=f"write a valid network in place of {value} (four octets 0-255, a "
                    "prefix /0-/32)", value=value)

    @staticmethod
    def _values(r: Resource) -> Iterator[tuple[str, str, bool]]:
        for path, value in _cidr_values(r.properties, ""):
            yield path, value, False
        for path, value in _cidr_values(r.native_properties, ""):
            yield path, value, True
