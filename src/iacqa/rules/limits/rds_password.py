"""LIM006: an RDS master password generated with characters RDS rejects (`random_password` / `random.RandomPassword`)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.knowledge.constraints import botocore_session
from iacqa.model import Category, Finding, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.security.secrets import unwrap

# The random provider's default special characters (terraform-provider-random, also behind pulumi_random).
DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
FORBIDDEN = frozenset('/@" ')  # botocore's model names / " @; the API's error message also names the space
ORACLE_FORBIDDEN = frozenset("&'")  # botocore: "For RDS for Oracle, can't include ... & ... or ' ..."
GENERATORS = {"random_password", "random_string", "random:index/randomPassword:RandomPassword",
              "random:index/randomString:RandomString"}
# Password lengths botocore's model states per engine (CreateDBInstance; CreateDBCluster for Aurora MySQL).
LENGTHS = {"mysql": (8, 41), "mariadb": (8, 41), "oracle": (8, 30), "postgres": (8, 128), "sqlserver": (8, 128),
           "aurora-mysql": (8, 41), "aurora": (8, 41)}
_TF_REF = re.compile(r"\$\{((?:module\.[\w-]+\.)*)(random_(?:password|string))\.([\w-]+)((?:\.\d+|\[[^\]]*\])?)\.result\}")
_SYNTHETIC = ("<unresolved", "mock-", "${", "Calling __str__")
ERROR = ("InvalidParameterValue: The parameter MasterUserPassword is not a valid password. Only printable ASCII "
         "characters besides '/', '@', '\"', ' ' may be used.")


@lru_cache(maxsize=2)
def botocore_constraint(operation: str = "CreateDBInstance") -> str:
    """The MasterUserPassword character constraint as botocore's RDS model documents it (the authority)."""
    try:
        doc = botocore_session().get_service_model("rds").operation_model(operation) \
            .input_shape.members["MasterUserPassword"].documentation
    except Exception:  # noqa: BLE001 - botocore is a dependency; without it the documented text stands
        return 'Can include any printable ASCII character except "/", """, or "@".'
    text = html.unescape(re.sub(r"<[^>]+>", " ", doc or ""))
    m = re.search(r"Can (?:include|contain) any printable ASCII character[^.]*\.(?:[^.]*Oracle[^.]*\.)?", text)
    return " ".join(m.group(0).split()) if m else " ".join(text.split())[:300]


def _engine_family(engine: Any) -> str | None:
    if not isinstance(engine, str):
        return None
    e = engine.lower()
    for fam in ("aurora-mysql", "aurora-postgresql", "mysql", "mariadb", "postgres", "sqlserver"):
        if e == fam or e.startswith(fam + "-") or e.startswith(fam):
            return fam
    if "oracle" in e:
        return "oracle"
    return "aurora" if e == "aurora" else e


def _special_chars(gen: Resource) -> str | None:
    """The special characters the generator may use ("" for none), or None when not known statically."""
    native = gen.native_properties
    special = native.get("special", True)
    if special is False:
        return ""
    if special is not True:
        return None
    override = native.get("override_special")
    if override is None:
        return DEFAULT_SPECIAL
    if not isinstance(override, str) or any(s in override for s in _SYNTHETIC):
        return None
    return override


def _line(ctx: RuleContext, file: str | None, line: int | None) -> str:
    if not file or not line or ctx.root is None:
        return ""
    try:
        lines = (Path(ctx.root) / file).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


class RdsPasswordCharacters(Rule):
    """An RDS/Aurora master password from `random_password` (or `random.RandomPassword`) that may hold `/ @ " `.

    What it finds: `password`/`master_password` of aws_db_instance / aws_rds_cluster (Pulumi `rds.Instance`,
    `rds.Cluster`) set to the result of a `random_password`/`random_string` (Pulumi `random.RandomPassword`,
    `RandomString`) whose special characters include one RDS rejects: `special = true` (the default) without
    `override_special` (the default set `!@#$%&*()-_=+[]{}<>:?` has `@`), or an `override_special` with `/`, `@`,
    `"` or a space (for Oracle also `&` and `'`). A length outside the engine's range (41 for MySQL/MariaDB/Aurora
    MySQL, 30 for Oracle) is reported too, at critical: that one fails every time.
    Why it breaks: the password is random, so the deploy fails whenever a forbidden character is drawn (about one
    run in five for 16 characters from the default set) and passes otherwise: an intermittent failure.
    Bad: `resource "random_password" "db" { length = 16  special = true }` used as `password =
    random_password.db.result`.
    Good: `override_special = "!#$%&*()-_=+[]{}<>:?"` (no `/ @ " ` ), `special = false`, or
    `manage_master_user_password = true` (RDS generates and stores it).
    What AWS says: `InvalidParameterValue: The parameter MasterUserPassword is not a valid password. Only printable
    ASCII characters besides '/', '@', '"', ' ' may be used.` Authority: botocore's RDS model, CreateDBInstance /
    CreateDBCluster `MasterUserPassword`: Can include any printable ASCII character except `/`, `"` (double quote),
    or `@`. For RDS for Oracle, can't include the `&` (ampersand) or the `'` (single quotes) character.
    References: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
    https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password
    """

    id = "LIM006"
    category = Category.AWS_LIMIT
    severity = Severity.HIGH
    title = "RDS master password generated with characters RDS rejects"
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        generators = [r for r in ctx.graph if r.native_type in GENERATORS]
        if not generators:
            return
        for db in self.resources(ctx):
            value = unwrap(db.get("MasterUserPassword"))
            gen = self._generator(ctx, db, value, generators)
            if gen is None:
                continue
            family = _engine_family(db.get("Engine"))
            if family in ("aurora-mysql", "aurora-postgresql", "aurora") and db.type == "AWS::RDS::DBInstance":
                continue  # Aurora instances take no password: the cluster's is used
            yield from self._judge(db, gen, family)

    def _judge(self, db: Resource, gen: Resource, family: str | None) -> Iterator[Finding]:
        op = "CreateDBCluster" if db.type == "AWS::RDS::DBCluster" else "CreateDBInstance"
        where = f"{gen.id} ({gen.location.file}:{gen.location.line})" if gen.location.file else gen.id
        length = gen.native_properties.get("length")
        bounds = LENGTHS.get(family or "")
        if isinstance(length, int) and not isinstance(length, bool) and bounds \
                and not bounds[0] <= length <= bounds[1]:
            word = "longer" if length > bounds[1] else "shorter"
            limit = bounds[1] if length > bounds[1] else bounds[0]
            yield self.finding(
                f"{db.id}: the master password comes from {where} with length = {length}; {family} master "
                f"passwords are {bounds[0]}..{bounds[1]} characters, so every deploy is rejected", resource=db,
                attribute="MasterUserPassword", severity=Severity.CRITICAL,
                error=f"InvalidParameterValue: The parameter MasterUserPassword is not a valid password because it "
                f"is {word} than {limit} characters.", fix=f"length = {min(max(length, bounds[0]), bounds[1])} in "
                f"{gen.id}", evidence=f"botocore rds {op} MasterUserPassword: length constraints per engine",
                generator=gen.id)
        chars = _special_chars(gen)
        if not chars:
            return
        forbidden = FORBIDDEN | (ORACLE_FORBIDDEN if family == "oracle" else frozenset())
        bad = sorted(set(chars) & forbidden)
        if not bad:
            return
        shown = ", ".join(repr(c) for c in bad)
        source = f"override_special {chars!r}" if "override_special" in gen.native_properties else \
            f"special characters (the default set {DEFAULT_SPECIAL})"
        always = set(chars) <= forbidden and _int(gen.native_properties.get("min_special")) >= 1
        keep = "".join(c for c in (chars if "override_special" in gen.native_properties else DEFAULT_SPECIAL)
                       if c not in forbidden)
        yield self.finding(
            f"{db.id}: the master password comes from {where}, whose {source} contain {shown}, which RDS does not "
            f"accept in a master password: the deploy fails {'every time' if always else 'whenever one is drawn'}",
            resource=db, attribute="MasterUserPassword", severity=Severity.CRITICAL if always else None,
            error=ERROR, fix=f'override_special = "{keep}" in {gen.id} (or special = false, or let RDS manage the '
            "password: manage_master_user_password = true)",
            evidence=f"botocore rds {op} MasterUserPassword: {botocore_constraint(op)}", generator=gen.id,
            characters=bad)

    @staticmethod
    def _generator(ctx: RuleContext, db: Resource, value: Any, generators: list[Resource]) -> Resource | None:
        if not isinstance(value, str):
            return None
        m = _TF_REF.search(value)
        if m is not None:  # Terraform/CDKTF: ${random_password.db.result}, [0] / .0 for count instances
            base = f"{m.group(1)}{m.group(2)}.{m.group(3)}"
            prefix = db.id[: db.id.find("aws_")] if db.id.startswith("module.") and "aws_" in db.id else ""
            for cand in (prefix + base, base):
                hits = [g for g in generators if re.sub(r"\[[^\]]*\]$", "", g.id) == cand]
                if hits:
                    return hits[0]
            hits = [g for g in generators if re.sub(r"\[[^\]]*\]$", "", g.id).endswith("." + base)]
            return hits[0] if len(hits) == 1 else None
        if value != "mock-result":
            return None
        # Pulumi: every generator's result is the same placeholder; tell them apart by the program's own names.
        pulumi_gens = [g for g in generators if g.native_type.startswith("random:")]
        if len(pulumi_gens) == 1:
            return pulumi_gens[0]
        loc = db.location_of("MasterUserPassword")
        used = re.findall(r"(\w+)\.result\b", _line(ctx, loc.file, loc.line))
        named = [g for g in pulumi_gens
                 if used and re.search(rf"\b{re.escape(used[-1])}\s*=\s*\w*\.?Random",
                                       _line(ctx, g.location.file, g.location.line))]
        if len(named) == 1:
            return named[0]
        verdicts = {(_special_chars(g), str(g.native_properties.get("length"))) for g in pulumi_gens}
        return pulumi_gens[0] if len(verdicts) == 1 else None  # they all agree: whichever it is, the same holds


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0
