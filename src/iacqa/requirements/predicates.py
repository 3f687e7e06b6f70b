"""The predicate language of the concept knowledge base: small, data only, three-valued.

A concept's `check` (src/iacqa/knowledge/concepts/*.yaml) is one of these forms; nothing in the data is evaluated
as Python. Every value the graph does not know offline (`<unresolved:...>`, Terraform unknowns) makes a condition
UNKNOWN rather than false, so a requirement is "not checkable" instead of a false "not met".

Checks (what a requirement needs from the whole graph):
- `exists: TYPES` [`where: COND`] [`min: N`]: at least N (default 1) resources of the types satisfy COND.
  Met; partly met when 0 < count < N; not met when none (the closest resources of the types are named).
- `all: TYPES` [`where: COND`] `assert: COND` [`empty: not_met|not_checkable|met`]: coverage, every resource of
  the types (that satisfies `where`) satisfies `assert`. Met when all do, partly met when some do (the ones that
  fall short are listed with their values), not met when none do; `empty` says what no such resource means
  (default not_met).
- `none: TYPES` [`where: COND`]: no resource satisfies COND (a forbidden setting); not met lists the offenders.
- `count: TYPES` [`where: COND`] `op: eq|ge|le` `value: N`: the number of matching resources compared with N.
- `values: TYPES` `path: P` `expect: LIST`: every expected value appears at P on some resource (subnet CIDRs).
- `covered: TYPES` `by: TYPES` [`where: COND`]: each resource of the first types is named (id, name or ARN)
  in the properties of some resource of the `by` types satisfying COND (an alarm per function).
- `any_of: [CHECK...]` the best of the alternatives; `all_of: [CHECK...]` the worst.
- `files: [EXT...]` `max: N`: the response's own code files with those extensions (tests aside) number at most N
  ("everything in a single main.tf"); not checkable without the project's file list.

Conditions (on one resource):
- `{path: P, op: OP, value: V, default: D}`. P is a CloudFormation property path (`A.B.C`); a `[]` segment
  (`Rules[].Status`) means "some item of the list". `default` is the AWS default used when the path is absent.
  OP: eq, ne, in, gt, ge, lt, le (numbers compare numerically, numeric strings included; strings
  case-insensitively), exists, absent, truthy, falsy, contains (list item or substring), startswith, matches
  (regular expression), mentions (the JSON text under P, or of the whole resource when P is empty, contains V,
  case-insensitively), len_ge.
- `{and: [COND...]}`, `{or: [COND...]}`, `{not: COND}`.
- `{tag: KEY}`: the resource carries the tag KEY (list of Key/Value or a map).
- `{ref: P, type: TYPES}`: the value at P names a resource of those types in the graph.
- `{any: P, where: COND}`: some item of the list at P satisfies COND (paths in COND are relative to the item).
- `{tags: [KEY...]}`: every tag key is present (`$values`: the keys the requirement names).
- `{name: OP, value: V}`: the resource's physical name (FunctionName, BucketName, ...) compared with OP.
- `{type: TYPES}`: the resource is of one of the types (inside `or`).
- `{used_by: TYPES, path: P}` [`via: P2 | [P2...]`]: some resource of TYPES names this one at P (a load balancer's
  SecurityGroups); with `via`, the resource named at P2 of this one is the one looked for (a rule's GroupId).
Types: a CloudFormation type or a list of them; `$taggable` stands for every type in the graph whose
CloudFormation schema has `Tags`, `$named` for every resource the program gave a physical name.
Values: literals, or `$n` (the number the requirement states, in the concept's unit), `$value` (the text value),
`$values` (every value of the requirement's kind, e.g. all CIDRs or all environment sizes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from iacqa.knowledge.tagging import TAG_EXEMPT, taggable
from iacqa.model import Resource, ResourceGraph
from iacqa.requirements.view import reading_of


class _Unknown:
    """A value iacqa cannot know offline."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()
_MISSING = object()

MET, PARTLY, NOT_MET, NOT_CHECKABLE = "met", "partly met", "not met", "not checkable"
_RANK = {MET: 3, PARTLY: 2, NOT_MET: 1, NOT_CHECKABLE: 0}

CHECK_FORMS = ("exists", "all", "none", "count", "values", "covered", "files", "any_of", "all_of")
OPS = ("eq", "ne", "in", "gt", "ge", "lt", "le", "exists", "absent", "truthy", "falsy", "contains", "startswith",
       "matches", "mentions", "len_ge")


class PredicateError(ValueError):
    """A concept's check is not written in the predicate language."""


@dataclass
class Outcome:
    """What a check found: status, the resources (and attribute) that meet it or fall short, and why."""

    status: str
    evidence: list[str] = field(default_factory=list)
    resource: Resource | None = None  # the closest resource: one that meets it, or one that falls short
    attribute: str | None = None  # CFN path of the value that falls short
    reason: str | None = None  # for not checkable


# Properties that hold a resource's physical name, in the order they are looked up.
NAME_PROPERTIES = ("FunctionName", "BucketName", "TableName", "QueueName", "TopicName", "RoleName", "GroupName",
                   "LogGroupName", "DBInstanceIdentifier", "DBClusterIdentifier", "ClusterName", "StreamName",
                   "RepositoryName", "StateMachineName", "AlarmName", "DashboardName", "SecretName",
                   "ReplicationGroupId", "CacheClusterId", "LoadBalancerName", "TargetGroupName", "PolicyName",
                   "RuleName", "AliasName", "Name")
# Types whose Tags reviewers do not expect (the schema allows them, templates rarely set them).
def resource_name(resource: Resource) -> str | None:
    """The physical name the program gave the resource (None when it let AWS name it)."""
    for key in NAME_PROPERTIES:
        value = resource.properties.get(key)
        if isinstance(value, str) and value:
            return None if is_unknown(value) else value
    return None


def is_unknown(value: Any) -> bool:
    if value is UNKNOWN or type(value).__name__ == "Unknown":  # the Terraform evaluator's unknown value
        return True
    return isinstance(value, str) and ("<unresolved" in value or "${" in value or "(known after apply)" in value)


# -- values -----------------------------------------------------------------------------------------------------------
def _values_at(props: Any, path: str) -> list[Any]:
    """Every value at `path` (a `[]` segment fans out over list items); UNKNOWN where the path crosses one."""
    if not path:
        return [props]
    current = [props]
    for part in path.split("."):
        fan = part.endswith("[]")
        key = part[:-2] if fan else part
        nxt: list[Any] = []
        for node in current:
            if is_unknown(node):
                nxt.append(UNKNOWN)
                continue
            if isinstance(node, dict):
                value = _lookup(node, key)
                if value is _MISSING:
                    continue
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                value = node[int(key)]
            elif isinstance(node, list):
                # A single block written as a one-item list (Terraform, CDKTF): look inside its items.
                hits = [_lookup(item, key) for item in node if isinstance(item, dict)]
                hits = [h for h in hits if h is not _MISSING]
                if not hits:
                    continue
                value = hits[0] if len(hits) == 1 else hits
            else:
                continue
            if fan:
                if isinstance(value, list):
                    nxt.extend(value)
                elif is_unknown(value):
                    nxt.append(UNKNOWN)
                elif value is not None:
                    nxt.append(value)
            else:
                nxt.append(value)
        current = nxt
    return [UNKNOWN if is_unknown(v) else v for v in current]


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _lookup(node: dict[str, Any], key: str) -> Any:
    """node[key], else the key that differs only in case or underscores (MultiAz / MultiAZ, multi_az)."""
    if key in node:
        return node[key]
    want = _norm(key)
    for k, v in node.items():
        if isinstance(k, str) and _norm(k) == want:
            return v
    return _MISSING


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _eq(a: Any, b: Any) -> bool:
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        return na == nb
    if isinstance(a, bool) or isinstance(b, bool):
        return _truth(a) is _truth(b) if isinstance(a, (bool, str)) and isinstance(b, (bool, str)) else a == b
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return bool(a == b)


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "enabled", "yes", "1", "active", "on")
    return bool(value)


def _compare(op: str, actual: Any, expected: Any) -> bool | _Unknown:
    if op == "exists":
        return actual is not None
    if op == "absent":
        return actual is None
    if is_unknown(actual):
        return UNKNOWN
    if op == "truthy":
        return actual is not None and _truth(actual)
    if op == "falsy":
        return actual is None or not _truth(actual)
    if actual is None:
        return False
    if op == "eq":
        if isinstance(expected, list):
            return any(_eq(actual, e) for e in expected)
        return _eq(actual, expected)
    if op == "ne":
        return not _eq(actual, expected)
    if op == "in":
        return any(_eq(actual, e) for e in (expected if isinstance(expected, list) else [expected]))
    if op in ("gt", "ge", "lt", "le"):
        a = _num(actual)
        targets = expected if isinstance(expected, list) else [expected]
        nums = [n for n in (_num(t) for t in targets) if n is not None]
        if a is None or not nums:
            return False
        b = min(nums) if op in ("gt", "ge") else max(nums)
        return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]
    if op == "contains":
        if isinstance(actual, list):
            return any(_eq(x, expected) for x in actual)
        return isinstance(actual, str) and str(expected).lower() in actual.lower()
    if op == "startswith":  # "prod-env-data" starts with the prefix "ProdEnv": case and separators aside
        return isinstance(actual, str) and _norm(actual).startswith(_norm(str(expected)))
    if op == "matches":
        return isinstance(actual, str) and re.search(str(expected), actual, re.I) is not None
    if op == "mentions":
        text = (actual if isinstance(actual, str) else json.dumps(actual, default=str)).lower()
        needles = expected if isinstance(expected, list) else [expected]
        if any(str(n).lower() in text for n in needles):
            return True
        return UNKNOWN if "<unresolved" in text else False
    if op == "len_ge":
        n = _num(expected)
        return isinstance(actual, (list, dict, str)) and n is not None and len(actual) >= n
    raise PredicateError(f"unknown op {op!r}")


def _subst(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return params.get(value[1:], value)
    if isinstance(value, list):
        return [_subst(v, params) for v in value]
    return value


# -- conditions (three-valued) ----------------------------------------------------------------------------------------
def _types(spec: Any) -> tuple[str, ...]:
    return tuple(spec) if isinstance(spec, list) else (str(spec),)


def evaluate(cond: dict[str, Any] | None, resource: Resource, graph: ResourceGraph,
             params: dict[str, Any]) -> bool | _Unknown:
    """True, False or UNKNOWN: whether one resource satisfies a condition."""
    if not cond:
        return True
    if (reading_of(resource) == "component" and not any(k in cond for k in ("and", "or", "not"))
            and not ("type" in cond and "path" not in cond and "ref" not in cond)):
        return UNKNOWN  # a packaged component whose inputs and children the graph does not hold
    if "and" in cond:
        results = [evaluate(c, resource, graph, params) for c in cond["and"]]
        if any(r is False for r in results):
            return False
        return UNKNOWN if any(r is UNKNOWN for r in results) else True
    if "or" in cond:
        results = [evaluate(c, resource, graph, params) for c in cond["or"]]
        if any(r is True for r in results):
            return True
        return UNKNOWN if any(r is UNKNOWN for r in results) else False
    if "not" in cond:
        r = evaluate(cond["not"], resource, graph, params)
        return r if r is UNKNOWN else not r
    if "type" in cond and "path" not in cond and "ref" not in cond:
        return resource.type in _types(cond["type"])
    if "used_by" in cond:
        return _used_by(cond, resource, graph)
    if "tag" in cond:
        key = str(_subst(cond["tag"], params)).lower()
        tags = resource.properties.get("Tags")
        if tags is None and resource.native_properties:
            # Terraform/CDKTF aws_autoscaling_group `tag { key = ... }` blocks, which the type map does not carry
            tags = resource.native_properties.get("tag")
        if is_unknown(tags):
            return UNKNOWN
        if isinstance(tags, dict):
            return any(str(k).lower() == key for k in tags)
        if isinstance(tags, list):
            return any(isinstance(t, dict) and str(t.get("Key", t.get("key", ""))).lower() == key for t in tags)
        return False
    if "any" in cond:
        items = [v for v in _values_at(resource.properties, str(cond["any"]) + "[]") if v is not None]
        results = []
        for item in items:
            if item is UNKNOWN:
                results.append(UNKNOWN)
            elif isinstance(item, dict):
                sub = Resource(id=resource.id, type=resource.type, native_type=resource.native_type, properties=item)
                results.append(evaluate(cond.get("where"), sub, graph, params))
        if any(r is True for r in results):
            return True
        return UNKNOWN if any(r is UNKNOWN for r in results) else False
    if "tags" in cond:
        keys = _subst(cond["tags"], params)
        keys = keys if isinstance(keys, list) else [keys]
        results = [evaluate({"tag": k}, resource, graph, params) for k in keys]
        if any(r is False for r in results):
            return False
        return UNKNOWN if any(r is UNKNOWN for r in results) else True
    if "name" in cond:
        name = resource_name(resource)
        wanted = _subst(cond.get("value"), params)
        if name is None or wanted is None or (isinstance(wanted, str) and wanted.startswith("$")):
            return UNKNOWN
        # "/aws/lambda/prod-app": the last path segment is the name the convention is about.
        return _compare(str(cond["name"]), name, wanted) or _compare(str(cond["name"]), name.rstrip("/").split("/")[-1],
                                                                     wanted)
    if "ref" in cond:
        wanted = _types(cond.get("type", []))
        values = _values_at(resource.properties, cond["ref"])
        if any(v is UNKNOWN for v in values) and not values:
            return UNKNOWN
        for v in values:
            for item in (v if isinstance(v, list) else [v]):
                target = graph.resolve_resource(item) if isinstance(item, str) else None
                if target is not None and (not wanted or target.type in wanted):
                    return True
        return UNKNOWN if any(v is UNKNOWN for v in values) else False
    if "path" in cond:
        op = cond.get("op", "exists")
        if op not in OPS:
            raise PredicateError(f"unknown op {op!r}")
        expected = _subst(cond.get("value"), params)
        if isinstance(expected, str) and expected.startswith("$"):
            return UNKNOWN  # the requirement did not state the value this condition needs
        if op == "mentions" and not cond["path"]:
            values: list[Any] = [resource.properties, resource.native_properties or {}]
        else:
            values = [v for v in _values_at(resource.properties, cond["path"]) if v is not None]
            if not values and resource.native_properties:
                # A mapping that dropped the argument (manage_master_user_password): read what the user wrote.
                values = [v for v in _values_at(resource.native_properties, cond["path"]) if v is not None]
        if not values and reading_of(resource) == "derived":
            return UNKNOWN  # a type read by its name: the property may be spelled differently, not absent
        if not values:
            values = [cond["default"]] if "default" in cond else [None]
        results = [_compare(op, v, expected) for v in values]
        if op in ("absent", "falsy") and len(values) > 1:  # every item must be absent / false
            if any(r is False for r in results):
                return False
            return UNKNOWN if any(r is UNKNOWN for r in results) else True
        if any(r is True for r in results):
            return True
        return UNKNOWN if any(r is UNKNOWN for r in results) else False
    raise PredicateError(f"condition without a known form: {sorted(cond)}")


def _used_by(cond: dict[str, Any], resource: Resource, graph: ResourceGraph) -> bool | _Unknown:
    targets = [resource]
    if cond.get("via"):
        targets = []
        for path in _types(cond["via"]):
            for v in _values_at(resource.properties, path):
                if v is UNKNOWN:
                    return UNKNOWN
                hit = graph.resolve_resource(v) if isinstance(v, str) else None
                if hit is not None:
                    targets.append(hit)
        if not targets:
            return False
    ids = {t.id for t in targets}
    unknown = False
    for user in _pool(graph, _types(cond["used_by"])):
        for v in _values_at(user.properties, str(cond.get("path", ""))):
            for item in (v if isinstance(v, list) else [v]):
                if is_unknown(item):
                    unknown = True
                    continue
                hit = graph.resolve_resource(item) if isinstance(item, str) else None
                if hit is not None and hit.id in ids:
                    return True
    return UNKNOWN if unknown else False


# -- checks -----------------------------------------------------------------------------------------------------------
def _describe(r: Resource) -> str:
    name = r.native_type.split(":")[-1] if r.native_type else r.type
    return f"{r.id} ({name})"


def _shown_value(cond: dict[str, Any] | None, r: Resource) -> tuple[str | None, str]:
    """The first plain path of a condition and its value on the resource, for evidence."""
    path = _first_path(cond)
    if not path:
        return None, ""
    vals = [v for v in _values_at(r.properties, path) if v is not None]
    shown = "unknown" if any(v is UNKNOWN for v in vals) else (json.dumps(vals[0], default=str)[:80] if vals
                                                               else "not set")
    return path.replace("[]", ""), f"{path.replace('[]', '')}={shown}"


def _offending_item(cond: Any, r: Resource, graph: ResourceGraph, params: dict[str, Any]) -> str | None:
    """For a condition on some item of a list (`any`), that item as evidence: the port-80 rule, not the first rule."""
    if not isinstance(cond, dict):
        return None
    if "any" in cond:
        for item in _values_at(r.properties, str(cond["any"]) + "[]"):
            if isinstance(item, dict):
                sub = Resource(id=r.id, type=r.type, native_type=r.native_type, properties=item)
                if evaluate(cond.get("where"), sub, graph, params) is True:
                    shown = {k: v for k, v in item.items() if v not in (None, [], {})}
                    return f"{cond['any']} item {json.dumps(shown, default=str)[:160]}"
        return None
    for c in cond.get("and", []):
        hit = _offending_item(c, r, graph, params)
        if hit:
            return hit
    return None


def _first_path(cond: Any) -> str | None:
    if not isinstance(cond, dict):
        return None
    if "path" in cond and cond.get("op") != "mentions" and "used_by" not in cond:
        return str(cond["path"])
    if "any" in cond:  # the list an item of which falls short (SecurityGroupIngress)
        return str(cond["any"])
    for key in ("and", "or"):
        for c in cond.get(key, []):
            p = _first_path(c)
            if p:
                return p
    if "not" in cond:
        return _first_path(cond["not"])
    return None


# Attachments the schema lets carry tags but that stacks (and reviewers) treat as part of their parent (HYG009 skips
# the same ones): an event source mapping without the stack's tags is not an untagged resource of the stack.
_ATTACHMENTS = frozenset({"AWS::Lambda::EventSourceMapping", "AWS::Lambda::Url", "AWS::EC2::VPCGatewayAttachment",
                          "AWS::EC2::SubnetNetworkAclAssociation", "AWS::EC2::TransitGatewayAttachment"})


def _pool(graph: ResourceGraph, types: tuple[str, ...]) -> list[Resource]:
    if "$taggable" in types:
        return [r for r in graph if r.mapped and r.type not in TAG_EXEMPT and r.type not in _ATTACHMENTS
                and taggable(r.type)]
    if "$any" in types:
        return list(graph)
    if "$named" in types:
        return [r for r in graph if r.mapped and resource_name(r) is not None]
    return [r for r in graph if r.type in types]


def run_check(check: dict[str, Any], graph: ResourceGraph, params: dict[str, Any]) -> Outcome:
    """Evaluate one check of the predicate language on the graph."""
    if not isinstance(check, dict):
        raise PredicateError("a check is a mapping")
    if "any_of" in check or "all_of" in check:
        subs = [run_check(c, graph, params) for c in (check.get("any_of") or check.get("all_of"))]
        if not subs:
            raise PredicateError("any_of/all_of needs checks")
        pick = max if "any_of" in check else min
        best = pick(subs, key=lambda o: _RANK[o.status] if o.status != NOT_CHECKABLE else (0 if pick is max else 4))
        return best
    form = next((f for f in CHECK_FORMS if f in check), None)
    if form is None:
        raise PredicateError(f"check without a known form: {sorted(check)}")
    if form == "files":
        return _files(check, params.get("_files"))
    types = _types(check[form] if form not in ("values", "covered") else check[form])
    pool = _pool(graph, types)
    where = check.get("where")
    if form == "exists":
        return _exists(pool, where, check, graph, params, types)
    if form == "all":
        return _all(pool, where, check, graph, params, types)
    if form == "none":
        hits = [r for r in pool if evaluate(where, r, graph, params) is True]
        if hits:
            path, _ = _shown_value(where, hits[0])
            return Outcome(NOT_MET, [f"{_describe(r)}: {_offending_item(where, r, graph, params) or _shown_value(where, r)[1]}"
                                     if path else f"{_describe(r)} does it" for r in hits[:5]], hits[0], path)
        return Outcome(MET, [f"none of {len(pool)} {_plural(types)} does it"])
    if form == "count":
        matched = [r for r in pool if evaluate(where, r, graph, params) is True]
        unknown = [r for r in pool if evaluate(where, r, graph, params) is UNKNOWN]
        target = _num(_subst(check.get("value"), params))
        if target is None:
            return Outcome(NOT_CHECKABLE, reason="the requirement states no number")
        op = check.get("op", "eq")
        ok = {"eq": len(matched) == target, "ge": len(matched) >= target, "le": len(matched) <= target}[op]
        ev = [f"{len(matched)} {_plural(types)}: " + ", ".join(r.id for r in matched[:6]) if matched else
              f"0 of the {len(pool)} {_plural(types)} in the graph qualify" + (
                  f" ({', '.join(r.id for r in pool[:4])})" if pool else "")]
        if ok:
            return Outcome(MET, ev, matched[0] if matched else None)
        if unknown:
            return Outcome(NOT_CHECKABLE, ev, reason="some values are not known offline")
        status = PARTLY if matched and op == "ge" else NOT_MET
        return Outcome(status, ev + [f"expected {op} {int(target)}"], matched[0] if matched else None)
    if form == "values":
        expect = _subst(check.get("expect"), params)
        if not isinstance(expect, list) or not expect:
            return Outcome(NOT_CHECKABLE, reason="the requirement lists no values")
        have: list[Any] = []
        for r in pool:
            have.extend(_values_at(r.properties, check["path"]))
        if any(v is UNKNOWN for v in have):
            missing = [e for e in expect if not any(_eq(h, e) for h in have if h is not UNKNOWN)]
            if missing:
                return Outcome(NOT_CHECKABLE, reason="some values are not known offline")
        missing = [e for e in expect if not any(_eq(h, e) for h in have)]
        found = [e for e in expect if e not in missing]
        if not missing:
            return Outcome(MET, [f"{check['path']} has {', '.join(map(str, expect))}"], pool[0] if pool else None)
        ev = [f"missing {check['path']}: {', '.join(map(str, missing))}"]
        return Outcome(PARTLY if found else NOT_MET, ev, pool[0] if pool else None, check["path"])
    if form == "covered":
        by = _pool(graph, _types(check["by"]))
        by = [b for b in by if evaluate(where, b, graph, params) is not False]
        texts = [json.dumps(b.properties, default=str).lower() for b in by]
        if not pool:
            return _empty(check, types)
        covered, short = [], []
        for r in pool:
            names = {r.id.lower()} | {str(v).lower() for k, v in r.outputs.items()
                                       if isinstance(v, str) and k in ("Name", "Arn", "Id", "Ref") and v}
            for key in ("FunctionName", "TableName", "QueueName", "DBInstanceIdentifier", "BucketName"):
                if isinstance(r.properties.get(key), str):
                    names.add(r.properties[key].lower())
            (covered if any(n and n in t for n in names for t in texts) else short).append(r)
        if not short:
            return Outcome(MET, [f"all {len(pool)} {_plural(types)} covered"], pool[0])
        ev = [f"not covered: {', '.join(_describe(r) for r in short[:5])}"]
        return Outcome(PARTLY if covered else NOT_MET, ev, short[0])
    raise PredicateError(form)  # pragma: no cover


_TEST_DIR = re.compile(r"(^|/)(tests?|__tests__|spec)/|(^|/)test_[^/]*$|_test\.\w+$|\.test\.\w+$")


def _files(check: dict[str, Any], files: Any) -> Outcome:
    """The response's own code files of the given extensions against the number the prompt allows."""
    if not isinstance(files, list):
        return Outcome(NOT_CHECKABLE, reason="the project's file list is not known here")
    exts = tuple(_types(check["files"]))
    code = sorted(f for f in files if isinstance(f, str) and f.endswith(exts) and not _TEST_DIR.search(f))
    if not code:
        return Outcome(NOT_CHECKABLE, reason=f"the response has no {'/'.join(exts)} file")
    limit = int(_num(check.get("max", 1)) or 1)
    if len(code) <= limit:
        return Outcome(MET, [f"{len(code)} {'/'.join(exts)} file(s): {', '.join(code)}"])
    return Outcome(NOT_MET, [f"{len(code)} {'/'.join(exts)} files where {limit} was asked: {', '.join(code[:8])}"])


def _plural(types: tuple[str, ...]) -> str:
    """AWS::CodeCommit::Repository -> CodeCommit::Repository (the service keeps 'Repository' unambiguous)."""
    shown = ["::".join(t.split("::")[-2:]) if t.startswith("AWS::") else t.lstrip("$") for t in types]
    return "/".join(shown[:4]) + ("/..." if len(shown) > 4 else "")


def _empty(check: dict[str, Any], types: tuple[str, ...]) -> Outcome:
    empty = check.get("empty", NOT_MET.replace(" ", "_"))
    status = {"not_met": NOT_MET, "not_checkable": NOT_CHECKABLE, "met": MET}.get(empty, NOT_MET)
    return Outcome(status, [f"no {_plural(types)} in the graph"],
                   reason=f"no {_plural(types)} in the graph" if status == NOT_CHECKABLE else None)


def _exists(pool: list[Resource], where: Any, check: dict[str, Any], graph: ResourceGraph,
            params: dict[str, Any], types: tuple[str, ...]) -> Outcome:
    results = [(r, evaluate(where, r, graph, params)) for r in pool]
    hits = [r for r, ok in results if ok is True]
    unknown = [r for r, ok in results if ok is UNKNOWN]
    need = _num(_subst(check.get("min", 1), params)) or 1
    if len(hits) >= need:
        path, shown = _shown_value(where, hits[0])
        ev = [f"{_describe(r)}" + (f": {_shown_value(where, r)[1]}" if shown else "") for r in hits[:4]]
        return Outcome(MET, ev, hits[0], path)
    if unknown and len(hits) + len(unknown) >= need:
        return Outcome(NOT_CHECKABLE, [_describe(r) for r in unknown[:4]], unknown[0],
                       reason="the value is not known offline")
    if hits:
        return Outcome(PARTLY, [f"{len(hits)} of {int(need)} {_plural(types)}: "
                                + ", ".join(r.id for r in hits[:6])], hits[0])
    if pool:
        path, _ = _shown_value(where, pool[0])
        ev = [f"{_describe(r)}: {_shown_value(where, r)[1]}" if path else _describe(r) for r in pool[:4]]
        return Outcome(NOT_MET, ev, pool[0], path)
    return Outcome(NOT_MET, [f"no {_plural(types)} in the graph"])


def _all(pool: list[Resource], where: Any, check: dict[str, Any], graph: ResourceGraph,
         params: dict[str, Any], types: tuple[str, ...]) -> Outcome:
    subjects = [r for r in pool if evaluate(where, r, graph, params) is not False]
    if not subjects:
        return _empty(check, types)
    assertion = check.get("assert")
    results = [(r, evaluate(assertion, r, graph, params)) for r in subjects]
    good = [r for r, ok in results if ok is True]
    bad = [r for r, ok in results if ok is False]
    unknown = [r for r, ok in results if ok is UNKNOWN]
    path = _first_path(assertion)
    if not bad and not unknown:
        ev = [f"all {len(good)} {_plural(types)}" + (f" ({_shown_value(assertion, good[0])[1]})" if path else "")]
        return Outcome(MET, ev, good[0], path.replace("[]", "") if path else None)
    if not bad:
        return Outcome(NOT_CHECKABLE, [_describe(r) for r in unknown[:4]], unknown[0],
                       reason="the value is not known offline")
    ev = [f"{_describe(r)}: {_shown_value(assertion, r)[1]}" if path else _describe(r) for r in bad[:5]]
    if len(bad) > 5:
        ev.append(f"... and {len(bad) - 5} more")
    status = PARTLY if good else NOT_MET
    if good:
        ev.insert(0, f"{len(good)} of {len(subjects)} {_plural(types)} meet it")
    return Outcome(status, ev, bad[0], path.replace("[]", "") if path else None)


def validate(check: Any, where: str = "check") -> list[str]:
    """Problems with a check written in the predicate language (empty when it is well formed)."""
    errors: list[str] = []
    if not isinstance(check, dict):
        return [f"{where}: a check is a mapping"]
    if "any_of" in check or "all_of" in check:
        subs = check.get("any_of") or check.get("all_of")
        if not isinstance(subs, list) or not subs:
            return [f"{where}: any_of/all_of needs a list of checks"]
        for i, c in enumerate(subs):
            errors += validate(c, f"{where}[{i}]")
        return errors
    form = next((f for f in CHECK_FORMS if f in check), None)
    if form is None:
        return [f"{where}: no check form ({', '.join(CHECK_FORMS)})"]
    for key in ("where", "assert"):
        if key in check:
            errors += _validate_cond(check[key], f"{where}.{key}")
    if form == "all" and "assert" not in check:
        errors.append(f"{where}: `all` needs `assert`")
    return errors


def _validate_cond(cond: Any, where: str) -> list[str]:
    if not isinstance(cond, dict):
        return [f"{where}: a condition is a mapping"]
    if "and" in cond or "or" in cond:
        subs = cond.get("and") or cond.get("or")
        out: list[str] = []
        for i, c in enumerate(subs if isinstance(subs, list) else []):
            out += _validate_cond(c, f"{where}[{i}]")
        return out
    if "not" in cond:
        return _validate_cond(cond["not"], f"{where}.not")
    if "any" in cond:
        return _validate_cond(cond.get("where", {}), f"{where}.any")
    if "name" in cond:
        return [] if cond["name"] in OPS else [f"{where}: unknown name op {cond['name']!r}"]
    if any(k in cond for k in ("tag", "tags", "ref", "used_by")) or ("type" in cond and "path" not in cond):
        return []
    if "path" in cond:
        op = cond.get("op", "exists")
        return [] if op in OPS else [f"{where}: unknown op {op!r}"]
    return [f"{where}: no condition form"]


def resources_of(graph: ResourceGraph, types: Iterable[str]) -> list[Resource]:
    return _pool(graph, tuple(types))
