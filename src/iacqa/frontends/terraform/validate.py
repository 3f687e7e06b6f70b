"""What `terraform init`/`validate` check about providers and settings, offline (TFS015).

Three checks, each on the blocks as written (nothing here needs the provider binary):
- provider aliases and modules: a module that uses `provider = aws.replica` must declare `aws.replica` in its
  `required_providers` `configuration_aliases` (or keep an empty `provider "aws" { alias = "replica" }` block), and a
  caller must pass every configuration alias the module declares;
- `use_lockfile` in an s3 backend exists from Terraform 1.10: reported when `required_version` allows older;
- `required_providers` that does not list a provider whose resources the module declares (hygiene: terraform infers
  hashicorp/<name>).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iacqa.catalog.terraform import ProviderConfigurationCheck as Entry
from iacqa.frontends.terraform.model import Attr, Block, JsonExpr, Module, norm_path
from iacqa.model import Finding, Location, Severity

LOCKFILE_SINCE = (1, 10, 0)
# Resource prefixes terraform resolves without a provider: the built-in terraform provider.
BUILTIN = frozenset({"terraform"})
_ALIAS_REF = re.compile(r"\b([a-z][a-z0-9-]*)\.([A-Za-z_][\w-]*)\b")
_SKIP_DIRS = frozenset({"node_modules", "cdktf.out", "cdk.out", "__pycache__", "tests", "test"})
_CLAUSE = re.compile(r"^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[\w.]+)?$")


def validate_findings(module: Module, children: list[Module], root: Path | None = None) -> list[Finding]:
    """TFS015 findings for a root module and the local modules it loaded (`root`: the project, to place findings
    on a configuration synthesized from code, cdktf's `add_override`)."""
    by_dir = {m.dir: m for m in children}
    checks = [lambda: _lockfile(module, children, root)]
    for m in [module, *children]:
        checks += [lambda m=m: _module_calls(m, by_dir), lambda m=m: _provider_coverage(m)]
    out: list[Finding] = []
    for check in checks:
        try:
            out.extend(check())
        except Exception:  # noqa: BLE001 - a shape these checks do not know must never stop the front end
            continue
    return out


# -- the terraform block, in HCL and in the JSON syntax ----------------------------------------------------------
def _value(attr: Attr) -> Any:
    """A literal value as written: JSON syntax values as they are, HCL strings unquoted, other HCL as text."""
    if isinstance(attr.expr, JsonExpr):
        return attr.expr.value
    text = (attr.text or "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text:
        return text[1:-1]
    return text


def _settings(module: Module) -> Iterator[tuple[str, Any, Location]]:
    """(setting, value, location) of every terraform block: required_version, required_providers.<name>,
    backend.<kind>.<argument>."""
    for tb in module.of("terraform"):
        for name, attr in tb.body.attributes.items():
            loc = Location(attr.file, attr.line)
            value = _value(attr)
            if name == "required_version":
                yield name, value, loc
            elif name in ("required_providers", "backend") and isinstance(value, (dict, list)):
                items = value if isinstance(value, list) else [value]  # JSON syntax: an object (or a list of them)
                for item in items:
                    for k, v in (item.items() if isinstance(item, dict) else ()):
                        if name == "required_providers":
                            yield f"required_providers.{k}", v, loc
                        else:
                            for arg, av in (v.items() if isinstance(v, dict) else ()):
                                yield f"backend.{k}.{arg}", av, loc
        for b in tb.body.blocks:
            if b.type == "required_providers":
                for name, attr in b.body.attributes.items():
                    yield f"required_providers.{name}", _value(attr), Location(attr.file, attr.line)
            elif b.type == "backend" and b.labels:
                for arg, attr in b.body.attributes.items():
                    yield f"backend.{b.labels[0]}.{arg}", _value(attr), Location(attr.file, attr.line)


def _has_required_providers(module: Module) -> bool:
    for tb in module.of("terraform"):
        if "required_providers" in tb.body.attributes or any(b.type == "required_providers" for b in tb.body.blocks):
            return True
    return False


# -- use_lockfile ----------------------------------------------------------------------------------------------
def _version(m: re.Match[str]) -> tuple[tuple[int, int, int], int]:
    parts = [int(p) for p in m.groups()[1:] if p is not None]
    major, minor, patch = (parts + [0, 0])[:3]
    return (major, minor, patch), len(parts)


def _satisfies(v: tuple[int, int, int], op: str, ver: tuple[int, int, int], n: int) -> bool:
    if op == "~>":  # pessimistic: the last given part may grow (~> 1.5 is >= 1.5, < 2.0; ~> 1.5.0 is < 1.6.0)
        upper = (ver[0] + 1, 0, 0) if n <= 2 else (ver[0], ver[1] + 1, 0)
        return ver <= v < upper
    return {"=": v == ver, "!=": v != ver, ">": v > ver, ">=": v >= ver, "<": v < ver, "<=": v <= ver}[op]


def allows_below(constraints: list[str], bound: tuple[int, int, int] = LOCKFILE_SINCE) -> bool | None:
    """Whether some Terraform release below `bound` satisfies every constraint (None: a clause iacqa cannot read).

    No constraint at all allows every version."""
    clauses: list[tuple[str, tuple[int, int, int], int]] = []
    for c in constraints:
        for clause in (x.strip() for x in c.split(",")):
            if not clause:
                continue
            m = _CLAUSE.match(clause)
            if m is None:
                return None
            ver, n = _version(m)
            clauses.append((m.group(1) or "=", ver, n))
    releases = [(0, minor, patch) for minor in range(11, 16) for patch in range(0, 40)]
    releases += [(1, minor, patch) for minor in range(0, 20) for patch in range(0, 40)]
    return any(v < bound and all(_satisfies(v, op, ver, n) for op, ver, n in clauses) for v in releases)


def _source_line(root: Path | None, needle: str) -> Location | None:
    """Where program code (cdktf) writes `needle`: the JSON it synthesizes has no lines of its own."""
    if root is None:
        return None
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in (".py", ".ts", ".js") or any(p in _SKIP_DIRS or p.startswith(".") for p in rel.parts):
            continue
        try:
            for i, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if needle in text and not text.lstrip().startswith(("#", "//")):
                    return Location(rel.as_posix(), i)
        except OSError:
            continue
    return None


def _lockfile(module: Module, children: list[Module], root: Path | None = None) -> Iterator[Finding]:
    settings = list(_settings(module))
    uses = [(s, loc) for s, _v, loc in settings if s.startswith("backend.s3.") and s.endswith(".use_lockfile")]
    if not uses:
        return
    constraints = [v for m in [module, *children] for s, v, _l in _settings(m)
                   if s == "required_version" and isinstance(v, str)]
    if any("${" in c or "var." in c for c in constraints):
        return
    below = allows_below(constraints)
    if not below:
        return
    _s, loc = uses[0]
    if loc.line is None:
        loc = _source_line(root, "use_lockfile") or loc
    json_syntax = bool(loc.file and loc.file.endswith(".json")) or any(
        isinstance(a.expr, JsonExpr) for tb in module.of("terraform") for a in tb.body.attributes.values())
    error = ('Error: Extraneous JSON object property: No argument or block type is named "use_lockfile".'
             if json_syntax else 'Error: Unsupported argument: An argument named "use_lockfile" is not expected '
             "here.")
    pinned = (f"required_version {', '.join(repr(c) for c in constraints)} allows" if constraints
              else "with no required_version, nothing keeps out")
    yield Entry.finding(
        f'backend "s3" sets `use_lockfile`, which Terraform reads only from 1.10 on; {pinned} older '
        "releases, whose `terraform init` rejects the argument", location=loc, symbol="backend.s3.use_lockfile",
        severity=Severity.MEDIUM, error=error + " (Terraform < 1.10; S3 native locking arrived in 1.10)",
        fix='require Terraform 1.10 or later (required_version = ">= 1.10.0"), or lock with dynamodb_table '
        "instead of use_lockfile on older releases", check="use_lockfile").with_(stage="frontend")


# -- provider aliases across module calls ----------------------------------------------------------------------
def _refs(value: Any) -> list[str]:
    """`aws.replica` references in an HCL text or a JSON-syntax value."""
    text = value if isinstance(value, str) else json.dumps(value)
    return [f"{a}.{b}" for a, b in _ALIAS_REF.findall(text)]


def _declared_aliases(module: Module) -> dict[str, Location]:
    """`configuration_aliases` of required_providers, and aliases of empty provider blocks (the pre-0.15 proxy)."""
    out: dict[str, Location] = {}
    for setting, value, loc in _settings(module):
        if not setting.startswith("required_providers."):
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        m = re.search(r"configuration_aliases\"?\s*[=:]\s*\[([^\]]*)\]", text)
        for ref in _refs(m.group(1)) if m else ():
            out.setdefault(ref, loc)
    for b in module.of("provider"):
        alias = b.body.attributes.get("alias")
        if b.labels and alias is not None and isinstance(_value(alias), str):
            out.setdefault(f"{b.labels[0]}.{_value(alias)}", Location(b.file, b.line))
    return out


def _alias_uses(module: Module) -> dict[str, tuple[Block, Location]]:
    """Aliased provider configurations the module's resources, data sources and module calls use (first use)."""
    out: dict[str, tuple[Block, Location]] = {}
    for b in module.blocks:
        if b.type in ("resource", "data"):
            p = b.body.attributes.get("provider")
            for ref in _refs(_value(p)) if p is not None else ():
                out.setdefault(ref, (b, Location(p.file, p.line or b.line)))
        elif b.type == "module":
            p = b.body.attributes.get("providers")
            if p is not None:
                for _key, ref in _provider_map(p):
                    if "." in ref:
                        out.setdefault(ref, (b, Location(p.file, p.line or b.line)))
    return out


def _provider_map(attr: Attr) -> list[tuple[str, str]]:
    """The `providers = { aws = aws.west, aws.replica = aws.east }` pairs (child name, caller configuration)."""
    value = _value(attr)
    if isinstance(value, dict):
        return [(str(k), str(v).removeprefix("${").removesuffix("}")) for k, v in value.items()]
    text = value if isinstance(value, str) else json.dumps(value)
    return re.findall(r"([a-z][\w-]*(?:\.[\w-]+)?)\s*=\s*([a-z][\w-]*(?:\.[\w-]+)?)", text)


def _module_calls(module: Module, by_dir: dict[str, Module]) -> Iterator[Finding]:
    for call in module.of("module"):
        src = call.body.attributes.get("source")
        source = _value(src) if src is not None else None
        if not call.labels or not isinstance(source, str) or not source.startswith(("./", "../")):
            continue
        child = by_dir.get(norm_path(f"{module.dir}/{source}"))
        if child is None:
            continue
        name = call.labels[0]
        declared = _declared_aliases(child)
        where_declared = ("its required_providers has no" if _has_required_providers(child)
                          else "it has no required_providers block with")
        for ref, (block, where) in _alias_uses(child).items():
            if ref in declared:
                continue
            local = ref.split(".")[0]
            addr = ".".join(block.labels) if block.type == "resource" else f"{block.type}.{'.'.join(block.labels)}"
            yield Entry.finding(
                f"module.{name} ({source}): {addr} uses provider `{ref}`, but the module declares no such "
                f"configuration: {where_declared} configuration_aliases = [{ref}]",
                location=where, symbol=f"module.{name}.{addr}",
                error=f"Error: Provider configuration not present: To work with module.{name}.{addr} its original "
                f'provider configuration at module.{name}.provider["registry.terraform.io/hashicorp/{local}"].'
                f"{ref.split('.', 1)[1]} is not present. (with Warning: Reference to undefined provider, when the "
                "caller passes it)",
                fix=f"in {source}, declare it: required_providers {{ {local} = {{ source = \"hashicorp/{local}\", "
                f"configuration_aliases = [{ref}] }} }}, and pass it from the caller: providers = {{ {ref} = "
                f"{local}.<alias> }}", check="configuration_aliases").with_(stage="frontend")
        passed = {k for k, _v in _provider_map(call.body.attributes["providers"])} \
            if "providers" in call.body.attributes else set()
        for ref in declared:
            if ref in passed or not _is_configuration_alias(child, ref):
                continue
            yield Entry.finding(
                f"module.{name} ({source}) declares configuration_aliases [{ref}] but the call does not pass "
                f"`{ref}` in providers", location=Location(call.file, call.line), symbol=f"module.{name}",
                error="Error: Missing required provider configuration: The child module requires an additional "
                f"configuration for provider hashicorp/{ref.split('.')[0]}, with the local name \"{ref}\".",
                fix=f"add providers = {{ {ref} = {ref.split('.')[0]}.<alias> }} to module \"{name}\"",
                check="configuration_aliases").with_(stage="frontend")


def _is_configuration_alias(module: Module, ref: str) -> bool:
    """Declared by configuration_aliases (which the caller must fill), not by a local provider block."""
    local, alias = ref.split(".", 1)
    for b in module.of("provider"):
        a = b.body.attributes.get("alias")
        if b.labels and b.labels[0] == local and a is not None and _value(a) == alias:
            return False
    return True


# -- required_providers coverage -------------------------------------------------------------------------------
def _provider_coverage(module: Module) -> Iterator[Finding]:
    if not _has_required_providers(module):
        return
    listed = {s.split(".", 1)[1] for s, _v, _l in _settings(module) if s.startswith("required_providers.")}
    said: set[str] = set()
    for b in module.blocks:
        if b.type not in ("resource", "data") or len(b.labels) < 2:
            continue
        p = b.body.attributes.get("provider")
        ref = _value(p) if p is not None else None
        local = (ref.removeprefix("${").split(".")[0] if isinstance(ref, str) and ref else b.labels[0].split("_")[0])
        if local in listed or local in BUILTIN or local in said:
            continue
        said.add(local)
        kind = "data source" if b.type == "data" else "resource"
        yield Entry.finding(
            f"{kind} {'data.' if b.type == 'data' else ''}{b.labels[0]}.{b.labels[1]} needs the `{local}` provider, "
            f"which required_providers in {module.dir}/ does not list; terraform assumes hashicorp/{local} "
            "(this works when that is the provider meant: it is unpinned, not broken)",
            location=Location(b.file, b.line), symbol=f"required_providers.{local}", severity=Severity.LOW,
            error=f"nothing when hashicorp/{local} is meant: terraform init installs its newest version, unpinned",
            fix=f'add {local} = {{ source = "hashicorp/{local}", version = "~> <major>.0" }} to required_providers',
            check="required_providers").with_(stage="frontend")
