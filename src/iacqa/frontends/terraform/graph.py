"""Terraform configuration -> ResourceGraph: evaluate every module the way `terraform plan` would, offline.

Resources are evaluated lazily (a reference to `aws_sqs_queue.dlq.arn` evaluates the DLQ first), so declaration
order does not matter; `count` and `for_each` expand into instances (`aws_sqs_queue.q[0]`); local modules are
evaluated with their inputs under `module.<name>.`. Values AWS assigns (ARNs, URLs, ids) come from the same
synthetic identities the Pulumi front end uses, because the Terraform and Pulumi AWS providers share argument
names: a TF resource is mapped through its Pulumi twin's entry in the type table (data/tf_types.json).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from iacqa.catalog.program import ConfigRequired, MissingFile, ProgramError
from iacqa.catalog.terraform import (
    ExpansionCapped,
    InvalidBackendBlock,
    LocalsCycle,
    ModuleArgumentMismatch,
    ModuleSourceMissing,
)
from iacqa.frontends.code_package import read_dir, read_zip
from iacqa.frontends.identity import graph_outputs, invoke, outputs_for
from iacqa.frontends.terraform.expressions import EvalError, Evaluator, Scope, Unknown, concrete, is_unknown
from iacqa.frontends.terraform.hcl_files import load_module_dir
from iacqa.frontends.terraform.model import (
    META_ARGS,
    Block,
    Body,
    JsonExpr,
    Module,
    locator,
    module_from_json,
    norm_path,
)
from iacqa.frontends.terraform.validate import validate_findings
from iacqa.frontends.value_paths import value_paths
from iacqa.knowledge.naming import camel as _camel
from iacqa.knowledge.naming import snake
from iacqa.model import CodeArtifact, Finding, Location, Resource, ResourceGraph

MAX_INSTANCES = 1000  # instances of one resource/data/module block expanded (iacqa's budget)

Locator = Callable[[tuple[str, ...]], Location | None]
_OPAQUE = frozenset({"tags", "variables"})  # user data maps: their keys are listed, not walked
TAP_DEFAULTS = {"environment_suffix": "dev", "environmentsuffix": "dev", "env": "dev", "environment": "dev",
                "aws_region": "us-east-1", "region": "us-east-1", "stage": "dev"}
# TF data source -> the Pulumi invoke whose synthetic answer it shares.
DATA_INVOKES = {"aws_caller_identity": "getCallerIdentity", "aws_region": "getRegion", "aws_partition": "getPartition",
                "aws_availability_zones": "getAvailabilityZones", "aws_iam_policy_document": "getPolicyDocument",
                "aws_ami": "getAmi", "aws_vpc": "getVpc", "aws_subnets": "getSubnets", "aws_subnet_ids": "getSubnets",
                "aws_secretsmanager_secret_version": "getSecretVersion", "aws_elb_service_account": "getServiceAccount"}
# List blocks whose Pulumi names are not the plain plural (or that stay singular).
_NOT_PLURAL = {"ingress", "egress", "statement_ids"}


@lru_cache(maxsize=1)
def tf_types() -> dict[str, dict[str, Any]]:
    data = json.loads(resources.files("iacqa.data").joinpath("tf_types.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _plural(name: str) -> str:
    if name in _NOT_PLURAL or name.endswith("s"):
        return name
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
        return name[:-1] + "ies"
    if name.endswith(("x", "ch", "sh")):
        return name + "es"
    return name + "s"


def _nesting(schema_block: Any, name: str) -> str | None:
    """'single' | 'list' | None (unknown) for a nested block, from the provider schema when it is installed."""
    if schema_block is None:
        return None
    nb = getattr(schema_block, "blocks", {}).get(name)
    if nb is None:
        return None
    nesting = getattr(nb, "nesting", None)
    max_items = getattr(nb, "max_items", None)
    if nesting == "single" or max_items == 1:
        return "single"
    return "list"


def _schema_for(tf_type: str, data: bool = False) -> Any:
    try:
        from iacqa.knowledge import tf_schema

        s = tf_schema.load()
        return s.data_source(tf_type) if data else s.resource(tf_type)
    except Exception:  # noqa: BLE001 - the schema index is optional for graph building
        return None


# Blocks that are single (max 1) in the AWS provider, for when the schema index is not available.
_SINGLE_FALLBACK = {"dead_letter_config", "tracing_config", "environment", "vpc_config", "ephemeral_storage",
                    "image_config", "snap_start", "logging_config", "destination_config", "on_success",
                    "on_failure", "filter_criteria", "point_in_time_recovery", "server_side_encryption", "ttl",
                    "versioning", "redrive_policy", "logging_configuration", "tracing_configuration",
                    "cors_configuration", "access_log_settings", "default_route_settings", "health_check",
                    "apply_server_side_encryption_by_default", "versioning_configuration",
                    "scaling_configuration", "serverlessv2_scaling_configuration", "scaling_config",
                    "source_access_configuration_placeholder", "default_tags", "assume_role", "endpoint_configuration",
                    "kinesis_target", "sqs_target", "input_transformer", "retry_policy",
                    "expiration", "noncurrent_version_expiration", "abort_incomplete_multipart_upload"}


def to_pulumi_native(tf_type: str, native: dict[str, Any], schema: Any = None) -> dict[str, Any]:
    """TF arguments -> the Pulumi twin's arguments: renames, plural names for list blocks, single blocks as objects."""
    spec = tf_types().get(tf_type, {})
    renames = spec.get("renames", {})
    return {renames.get(k, k): v for k, v in _shape(native, schema).items()}


def _shape(value: dict[str, Any], schema: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in value.items():
        nesting = _nesting(schema, k)
        sub = getattr(getattr(schema, "blocks", {}).get(k), "block", None) if schema is not None else None
        is_blocks = isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        if nesting is None and schema is not None and k in getattr(schema, "arguments", {}):
            out[k] = v  # a plain argument (map or list of objects), not a block
        elif nesting == "single" or (nesting is None and k in _SINGLE_FALLBACK):
            item = v[0] if is_blocks and len(v) == 1 else v
            out[k] = _shape(item, sub) if isinstance(item, dict) and k not in ("variables",) else item
        elif is_blocks and (nesting == "list" or nesting is None):
            out[_plural(k) if nesting == "list" or k in _LIST_FALLBACK else k] = [_shape(x, sub) for x in v]
        elif isinstance(v, dict) and nesting == "list":
            out[_plural(k)] = [_shape(v, sub)]
        else:
            out[k] = v
    return out


_LIST_FALLBACK = {"attribute", "global_secondary_index", "local_secondary_index", "replica", "inline_policy",
                  "statement", "principals", "condition", "lifecycle_rule", "cors_rule", "metric_query",
                  "file_system_config", "layer"}


def _unplural_paths(paths: dict[str, str], tf_native: dict[str, Any], renames: dict[str, str]) -> dict[str, str]:
    """Map the Pulumi-named native paths back to the names the user wrote in Terraform."""
    back = {v: k for k, v in renames.items()}
    names = set(_all_keys(tf_native))
    out = {}
    for cfn, native in paths.items():
        segs = []
        for seg in native.split("."):
            if seg in back:
                seg = back[seg]
            elif seg not in names:
                for cand in (seg[:-1], seg[:-2], seg[:-3] + "y"):
                    if cand in names and _plural(cand) == seg:
                        seg = cand
                        break
            segs.append(seg)
        out[cfn] = ".".join(segs)
    return out


def _all_keys(v: Any) -> list[str]:
    if isinstance(v, dict):
        return [k for k in v] + [x for val in v.values() for x in _all_keys(val)]
    if isinstance(v, list):
        return [x for item in v for x in _all_keys(item)]
    return []


# -- build context -------------------------------------------------------------------------------------------------
@dataclass
class Build:
    root: Path  # project root
    run_dir: str  # the directory terraform runs in, project-relative ("lib" or ".")
    graph: ResourceGraph
    findings: list[Finding] = field(default_factory=list)
    archives: dict[str, dict[str, Any]] = field(default_factory=dict)  # output_path -> archive_file arguments
    notes: list[str] = field(default_factory=list)
    modules_seen: int = 0
    modules: dict[str, Module] = field(default_factory=dict)  # local module directories loaded, by project path

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else self.root / self.run_dir / rel

    def project_rel(self, rel: str) -> str:
        try:
            return self.path(rel).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return rel


class ModuleScope(Scope):
    """Names of one module instance: var, local, data, module, path, resources."""

    def __init__(self, module: Module, build: Build, prefix: str, inputs: dict[str, Any],
                 locate: Locator | None, module_path: str = ".") -> None:
        super().__init__()
        self.module = module
        self.build = build
        self.prefix = prefix  # "" for the root module, "module.x." inside
        self.locate = locate or locator(module)
        self.module_path = module_path
        self.inputs = inputs
        self.vars: dict[str, Any] = {}
        self.locals_exprs: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        self._locals_path: list[str] = []  # locals being evaluated, outermost first (cycle detection)
        self._cycles_said: set[frozenset[str]] = set()
        self.resources: dict[tuple[str, str, str], Block] = {}
        self.values: dict[tuple[str, str, str], Any] = {}
        self.in_progress: set[tuple[str, str, str]] = set()
        self.modules: dict[str, Block] = {}
        self.module_outputs: dict[str, Any] = {}
        self.resource_types: set[str] = set()
        self.states: dict[str, dict[str, Any]] = {}
        self.pending: list[tuple] = []  # evaluated resource instances, added to the graph by evaluate_all  # address -> the Pulumi twin's state (identity outputs)
        self.ev = Evaluator(self)
        for b in module.blocks:
            if b.type in ("resource", "data") and len(b.labels) >= 2:
                self.resources[(b.type, b.labels[0], b.labels[1])] = b
                if b.type == "resource":
                    self.resource_types.add(b.labels[0])
            elif b.type == "locals":
                for name, a in b.body.attributes.items():
                    self.locals_exprs[name] = a
            elif b.type == "module" and b.labels:
                self.modules[b.labels[0]] = b
        self._variables()

    # -- variables and locals ---------------------------------------------------------------------------------------
    def _variables(self) -> None:
        for b in self.module.of("variable"):
            if not b.labels:
                continue
            name = b.labels[0]
            if name in self.inputs:
                self.vars[name] = self.inputs[name]
                if not self.prefix:
                    self.build.graph.config_needs[f"var.{name}"] = self.inputs[name]
                continue
            default = b.body.attributes.get("default")
            if default is not None:
                try:
                    self.vars[name] = Evaluator(Scope()).eval(default.expr)
                except EvalError:
                    self.vars[name] = Unknown(f"var.{name}")
                continue
            # No default and no value: terraform would prompt. TAP's conventional names get the pipeline's values;
            # anything else stays unknown, so no rule judges a value the user never wrote.
            value = TAP_DEFAULTS.get(name.lower(), Unknown(f"var.{name}"))
            self.vars[name] = value
            if isinstance(value, Unknown) and not self.prefix:
                self.build.findings.append(ConfigRequired.finding(
                    f"variable `{name}` has no default and no tfvars value; the pipeline runs terraform "
                    "without input", location=Location(b.file, b.line), symbol=f"var.{name}",
                    error=f'Error: No value for required variable: The root module input variable "{name}" is not '
                    "set, and has no default value.",
                    fix=f"give `{name}` a default, or ship it in terraform.tfvars").with_(stage="frontend"))
            if not self.prefix:
                self.build.graph.config_needs[f"var.{name}"] = None if isinstance(value, Unknown) else value

    def local(self, name: str) -> Any:
        if name in self._locals_path:  # a cycle: terraform validate stops here
            self._locals_cycle(self._locals_path[self._locals_path.index(name):] + [name])
            return Unknown(f"local.{name}")
        if name in self.locals:
            return self.locals[name]
        a = self.locals_exprs.get(name)
        if a is None:
            return Unknown(f"local.{name}")
        self._locals_path.append(name)
        try:
            self.locals[name] = self.ev.eval(a.expr)
        except EvalError as exc:
            self.locals[name] = Unknown(f"local.{name}")
            self._eval_error(exc, Location(a.file, a.line), f"local.{name}")
        finally:
            self._locals_path.pop()
        return self.locals[name]

    def _locals_cycle(self, path: list[str]) -> None:
        key = frozenset(path)
        if key in self._cycles_said:
            return
        self._cycles_said.add(key)
        a = self.locals_exprs[path[0]]
        chain = " -> ".join(f"{self.prefix}local.{n}" for n in path)
        self.build.findings.append(LocalsCycle.finding(
            f"locals refer to each other in a cycle: {chain}; terraform cannot evaluate them",
            location=Location(a.file, a.line),
            error="Error: Cycle: " + ", ".join(f"{self.prefix}local.{n} (expand)" for n in dict.fromkeys(path)),
            fix="break the cycle: give one of these locals a value that does not depend on the others",
            symbol=f"local.{path[0]}",
        ).with_(stage="frontend"))

    # -- Scope ----------------------------------------------------------------------------------------------------
    def root(self, name: str, steps: list[tuple[str, Any]]) -> tuple[Any, int]:
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if name == "var" and first is not None:
            return self.vars.get(first, Unknown(f"var.{first}")), 1
        if name == "local" and first is not None:
            return self.local(first), 1
        if name == "path" and first is not None:
            return {"module": self.module_path, "root": ".", "cwd": "."}.get(first, "."), 1
        if name == "terraform" and first == "workspace":
            return "default", 1
        if name == "data" and len(steps) >= 2 and steps[1][0] == "attr" and first is not None:
            return self.resource_value("data", first, steps[1][1]), 2
        if name == "module" and first is not None:
            return self.module_value(first), 1
        if name in self.resource_types and first is not None:
            return self.resource_value("resource", name, first), 1
        return Unknown(name + (f".{first}" if first else "")), 0

    def read_file(self, path: str) -> str | None:
        p = self.build.path(path)
        try:
            if p.is_file():
                return p.read_text(errors="replace")
        except OSError:
            return None
        data = self._archive_output(path)
        return None if data is None else data.decode()

    def read_bytes(self, path: str) -> bytes | None:
        p = self.build.path(path)
        try:
            if p.is_file():
                return p.read_bytes()
        except OSError:
            return None
        return self._archive_output(path)

    def _archive_output(self, path: str) -> bytes | None:
        """An `archive_file` output: Terraform writes the zip when it reads the data source, before any expression
        that refers to it (filebase64sha256/filemd5 of output_path) is evaluated, so the file exists at plan."""
        archive = self.build.archives.get(self.build.project_rel(path))
        return None if archive is None else json.dumps(archive, sort_keys=True, default=str).encode()

    def list_files(self, path: str, pattern: str) -> list[str]:
        base = self.build.path(path)
        return sorted(p.relative_to(base).as_posix() for p in base.glob(pattern) if p.is_file()) if base.is_dir() else []

    # -- resources --------------------------------------------------------------------------------------------------
    def resource_value(self, kind: str, rtype: str, name: str) -> Any:
        key = (kind, rtype, name)
        if key in self.values:
            return self.values[key]
        block = self.resources.get(key)
        addr = f"{'data.' if kind == 'data' else ''}{rtype}.{name}"
        if block is None:
            return Unknown(addr)
        if key in self.in_progress:
            return Unknown(addr)
        self.in_progress.add(key)
        try:
            self.values[key] = self._instances(block, kind, rtype, name)
        finally:
            self.in_progress.discard(key)
        return self.values[key]

    def _instances(self, block: Block, kind: str, rtype: str, name: str) -> Any:
        attrs = block.body.attributes
        base = f"{self.prefix}{'data.' if kind == 'data' else ''}{rtype}.{name}"
        if "count" in attrs:
            n = self._meta(attrs["count"], base)
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                self.build.notes.append(f"{base}: count is not known statically; one instance assumed")
                return self._instance(block, kind, rtype, name, f"{base}[0]", {"count": {"index": 0}})
            n = self._capped(int(n), base, attrs["count"], "count")
            return [self._instance(block, kind, rtype, name, f"{base}[{i}]", {"count": {"index": i}})
                    for i in range(n)]
        if "for_each" in attrs:
            coll = self._meta(attrs["for_each"], base)
            if isinstance(coll, list):
                coll = {str(x): x for x in coll}
            if not isinstance(coll, dict):
                self.build.notes.append(f"{base}: for_each is not known statically; one instance assumed")
                coll = {"key": Unknown("each.value")}
            keep = self._capped(len(coll), base, attrs["for_each"], "for_each")
            if keep < len(coll):
                coll = dict(list(coll.items())[:keep])
            return {str(k): self._instance(block, kind, rtype, name, f'{base}["{k}"]', {"each": {"key": k, "value": v}})
                    for k, v in coll.items()}
        return self._instance(block, kind, rtype, name, base, {})

    def _capped(self, n: int, base: str, attr: Any, what: str) -> int:
        """At most MAX_INSTANCES instances of one block are expanded (iacqa's budget); past it, a finding."""
        if n <= MAX_INSTANCES:
            return max(n, 0)
        self.build.findings.append(ExpansionCapped.finding(
            f"{base}: {what} yields {n} instances; the first {MAX_INSTANCES} are analyzed, the other "
            f"{n - MAX_INSTANCES} are not", location=Location(attr.file, attr.line),
            error=f"{what} = {n} instances (iacqa expands at most {MAX_INSTANCES} per block)",
            fix=f"check that {n} instances are intended (and within the AWS quota for this resource type)",
        ).with_(resource=base, stage="frontend"))
        return MAX_INSTANCES

    def _meta(self, attr: Any, base: str) -> Any:
        try:
            return self.ev.eval(attr.expr)
        except EvalError as exc:
            self._eval_error(exc, Location(attr.file, attr.line), base)
            return Unknown(base)

    def _instance(self, block: Block, kind: str, rtype: str, name: str, addr: str, iteration: dict) -> dict[str, Any]:
        scope = self.child(iteration) if iteration else self
        ev = self.ev.with_scope(scope)
        native = self._body(block.body, ev, addr)
        if kind == "data":
            return self._data(rtype, name, native, addr)
        return self._resource(block, rtype, name, native, addr)

    def _body(self, body: Body, ev: Evaluator, addr: str, top: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, a in body.attributes.items():
            if top and name in META_ARGS:
                continue
            try:
                value = ev.eval(a.expr)
            except EvalError as exc:
                self._eval_error(exc, Location(a.file, a.line), addr, name)
                value = Unknown(f"{addr}.{name}")
            if isinstance(a.expr, JsonExpr) and name == "dynamic" and isinstance(value, dict):
                continue  # JSON-syntax dynamic blocks are expanded below from the raw value
            out[name] = value
        for b in body.blocks:
            if top and b.type in ("lifecycle", "provisioner", "connection"):
                continue
            if b.type == "dynamic" and b.labels:
                out.setdefault(b.labels[0], []).extend(self._dynamic(b, ev, addr))
            else:
                out.setdefault(b.type, []).append(self._body(b.body, ev, addr, top=False))
        dyn = body.attributes.get("dynamic")
        if dyn is not None and isinstance(dyn.expr, JsonExpr) and isinstance(dyn.expr.value, dict):
            for bname, spec in dyn.expr.value.items():
                out.setdefault(bname, []).extend(self._json_dynamic(bname, spec, ev))
        return out

    def _dynamic(self, b: Block, ev: Evaluator, addr: str) -> list[dict[str, Any]]:
        label = b.labels[0]
        fe = b.body.attributes.get("for_each")
        it = b.body.attributes.get("iterator")
        it_name = it.text.strip() if it is not None else label
        content = next((c for c in b.body.blocks if c.type == "content"), None)
        if fe is None or content is None:
            return []
        try:
            coll = ev.eval(fe.expr)
        except EvalError:
            return []
        items = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll)) if isinstance(coll, list) else []
        return [self._body(content.body, ev.with_scope(ev.scope.child({it_name: {"key": k, "value": v}})), addr,
                           top=False) for k, v in items]

    def _json_dynamic(self, label: str, spec: Any, ev: Evaluator) -> list[dict[str, Any]]:
        if not isinstance(spec, dict):
            return []
        coll = ev.json(spec.get("for_each"))
        it_name = spec.get("iterator") or label
        items = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll)) if isinstance(coll, list) else []
        return [ev.with_scope(ev.scope.child({it_name: {"key": k, "value": v}})).json(spec.get("content") or {})
                for k, v in items]

    def _data(self, rtype: str, name: str, native: dict[str, Any], addr: str) -> dict[str, Any]:
        out = dict(native)
        if rtype == "archive_file":
            path = native.get("output_path")
            if isinstance(path, str):
                self.build.archives[self.build.project_rel(path)] = native
            out.update({"output_base64sha256": "bm90LWEtcmVhbC1oYXNoLWlhY3FhLXN5bnRoZXRpYw==",
                        "output_md5": "00000000000000000000000000000000", "output_size": 1024,
                        "output_sha": "0" * 40, "id": "archive"})
            return out
        token = DATA_INVOKES.get(rtype)
        if token is None:
            out.setdefault("id", f"{name}")
            if rtype == "aws_iam_policy" and isinstance(native.get("name"), str):
                # The provider looks the policy up by name (ListPolicies), whatever its path: the ARN it returns is
                # the real one (service-role/ for AWSLambdaBasicExecutionRole), never a guessed root path.
                from iacqa.knowledge.iam import AWS_MANAGED_POLICIES

                known = AWS_MANAGED_POLICIES.get(native["name"])
                out.setdefault("arn", known.arn if known else Unknown(f"{addr}.arn"))
            return out
        args = _policy_args(native) if rtype == "aws_iam_policy_document" else {_camel(k): v for k, v in native.items()}
        if rtype == "aws_iam_policy_document" and is_unknown(args):
            out.update({"json": Unknown(f"{addr}.json"), "minified_json": Unknown(f"{addr}.json")})
            return out
        for k, v in invoke("aws:x:" + token, args).items():
            out[snake(k)] = v
        if rtype == "aws_region":
            out.setdefault("name", "us-east-1")
        return out

    def _resource(self, block: Block, rtype: str, name: str, native: dict[str, Any], addr: str) -> dict[str, Any]:
        spec = tf_types().get(rtype)
        schema = _schema_for(rtype)
        out = dict(native)
        if spec is not None:
            pnative = to_pulumi_native(rtype, native, schema)
            camel = {_camel(k): v for k, v in concrete(pnative).items() if not isinstance(v, Unknown)}
            _rid, state = outputs_for(spec["pulumi"], addr, camel)
            # What the Pulumi front end records as outputs: computed values plus the identities.
            self.states[addr] = {k: v for k, v in state.items() if k not in camel or k in ("arn", "name", "id")}
            back = {v: k for k, v in spec.get("attrs", {}).items()}
            for k, v in state.items():
                sk = back.get(snake(k), snake(k))
                if sk not in native:
                    out[sk] = v
            if spec.get("id") and spec["id"] in out:
                out["id"] = out[spec["id"]]
        else:
            out.setdefault("id", _synthetic_id(rtype, addr))
            out.setdefault("arn", f"arn:aws:{rtype.split('_')[1] if '_' in rtype else 'mock'}:us-east-1:"
                           f"123456789012:{rtype}/{name}")
        self.pending.append((block, rtype, name, native, addr, out))
        return out

    # -- modules ----------------------------------------------------------------------------------------------------
    def module_value(self, name: str) -> Any:
        if name in self.module_outputs:
            return self.module_outputs[name]
        block = self.modules.get(name)
        if block is None:
            return Unknown(f"module.{name}")
        self.module_outputs[name] = Unknown(f"module.{name}")
        inputs = self._body(Body(dict(block.body.attributes)), self.ev, f"module.{name}")
        source = inputs.pop("source", None)
        for k in ("version", "providers"):
            inputs.pop(k, None)
        child = self._load_module(source)
        self._check_module_call(name, block, source, child)
        if child is None:
            self.build.notes.append(f"module.{name}: source {source!r} is not a local directory; its resources "
                                    "are not in the graph")
            return self.module_outputs[name]
        mpath = f"{self.module_path.rstrip('/')}/{source}" if self.module_path != "." else source
        scope = ModuleScope(child, self.build, f"{self.prefix}module.{name}.", inputs, None,
                            norm_path(mpath))
        scope.evaluate_all()
        outs = {}
        for b in child.of("output"):
            v = b.body.attributes.get("value")
            if b.labels and v is not None:
                try:
                    outs[b.labels[0]] = scope.ev.eval(v.expr)
                except EvalError:
                    outs[b.labels[0]] = Unknown(f"module.{name}.{b.labels[0]}")
        self.module_outputs[name] = outs
        return outs

    def _check_module_call(self, name: str, block: Block, source: Any, child: Module | None) -> None:
        """What `terraform init`/`validate` say about a local module call: a source directory that does not exist,
        arguments the module does not declare, required variables not passed."""
        src_attr = block.body.attributes.get("source")
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            return
        if child is None:
            rel = norm_path(f"{self.module_path}/{source}")
            if not self.build.path(rel).exists():
                self.build.findings.append(ModuleSourceMissing.finding(
                    f"module.{name}: source `{source}` is not a directory of the project; `terraform init` "
                    "cannot install it", location=Location(src_attr.file if src_attr else block.file,
                                                           src_attr.line if src_attr else block.line),
                    symbol=f"module.{name}",
                    error=f"Error: Unreadable module directory: Unable to evaluate directory symlink: lstat "
                    f"{rel.lstrip('./')}: no such file or directory",
                    fix=f"ship the module's .tf files in {source}, or point source at the directory that has "
                    "them").with_(stage="frontend"))
            return
        declared = {b.labels[0]: b for b in child.of("variable") if b.labels}
        given = {k: a for k, a in block.body.attributes.items()
                 if k not in ("source", "version", "providers", "count", "for_each", "depends_on")}
        if given and not declared:
            # A module with no variable at all while the call passes several: its variables.tf is not in the
            # project (responses often show only a module's main.tf). One finding for the call, every argument
            # listed, rather than one per argument (93 on one corpus task).
            first = min(given.values(), key=lambda a: (a.line or 0))
            names = sorted(given)
            self.build.findings.append(ModuleArgumentMismatch.finding(
                f"module.{name} passes {len(names)} arguments ({', '.join(names[:8])}"
                f"{', ...' if len(names) > 8 else ''}) but {source} declares no variable at all: its variables.tf "
                "is not in the project", location=Location(first.file, first.line), symbol=f"module.{name}",
                error=f'Error: Unsupported argument: An argument named "{min(given, key=lambda k: given[k].line or 0)}"'
                " is not expected here.", fix=f"ship {source}/variables.tf declaring {', '.join(names[:8])}"
                f"{', ...' if len(names) > 8 else ''}", arguments=names).with_(stage="frontend"))
            return
        for arg, attr in given.items():
            if arg not in declared:
                self.build.findings.append(ModuleArgumentMismatch.finding(
                    f"module.{name} passes `{arg}`, which {source} declares no variable for", location=Location(
                        attr.file, attr.line), symbol=f"module.{name}.{arg}",
                    error=f'Error: Unsupported argument: An argument named "{arg}" is not expected here.',
                    fix=f"declare variable \"{arg}\" in {source}, or pass one of its variables: "
                    f"{', '.join(sorted(declared)) or 'none'}").with_(stage="frontend"))
        for var, vb in declared.items():
            if var not in given and "default" not in vb.body.attributes:
                self.build.findings.append(ModuleArgumentMismatch.finding(
                    f"module.{name} does not pass `{var}`, a variable of {source} without a default",
                    location=Location(block.file, block.line), symbol=f"module.{name}.{var}",
                    error=f'Error: Missing required argument: The argument "{var}" is required, but no definition '
                    "was found.", fix=f"pass {var} = ... in module \"{name}\", or give the variable a "
                    "default").with_(stage="frontend"))

    def _load_module(self, source: Any) -> Module | None:
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            return None
        rel = norm_path(f"{self.module_path}/{source}")
        d = self.build.path(rel)
        if not d.is_dir() or self.build.modules_seen > 50:
            return None
        self.build.modules_seen += 1
        key = self.build.project_rel(rel)
        if key not in self.build.modules:
            self.build.modules[key] = load_module_dir(self.build.root, key)
        return self.build.modules[key]

    # -- all ------------------------------------------------------------------------------------------------------
    def evaluate_all(self) -> None:
        for (kind, rtype, name) in list(self.resources):
            self.resource_value(kind, rtype, name)
        for name in list(self.modules):
            self.module_value(name)
        for block, rtype, name, native, addr, out in self.pending:
            self._add(block, rtype, name, native, addr, out)
        self.pending.clear()

    def _add(self, block: Block, rtype: str, name: str, native: dict[str, Any], addr: str, out: dict) -> None:
        from iacqa.knowledge.typemap import map_pulumi

        spec = tf_types().get(rtype)
        schema = _schema_for(rtype)
        tf_native = concrete(native)
        mapped = None
        if spec is not None:
            pnative = concrete(to_pulumi_native(rtype, native, schema))
            mapped = map_pulumi(spec["pulumi"], pnative)
        loc = self.locate(("resource", rtype, name)) or Location(block.file, block.line, block.end_line)
        attr_locs: dict[str, Location] = {}
        for path in value_paths(tf_native, _OPAQUE):
            hit = self.locate(("resource", rtype, name, *path.split(".")))
            if hit is not None and hit != loc:
                attr_locs[path] = hit
        # The same outputs the Pulumi front end records (inputs plus identities), so references resolve alike.
        computed = self.states.get(addr) or {_camel(k): v for k, v in concrete(out).items() if k not in native}
        res = Resource(
            id=addr, type=mapped.cfn_type if mapped else rtype, native_type=rtype,
            properties=mapped.properties if mapped else {}, native_properties=tf_native,
            native_paths=_unplural_paths(mapped.native_paths, tf_native, spec.get("renames", {}))
            if mapped and spec else {},
            location=loc, attr_locations=attr_locs, outputs=graph_outputs(computed),
            depends_on=self._depends_on(block), mapped=mapped is not None,
        )
        self.build.graph.add(res)
        if rtype == "aws_lambda_function":
            for code_arg in ("filename", "image_uri", "s3_key"):
                if code_arg in tf_native:  # findings about the code package point at the argument that names it
                    res.native_paths.setdefault("Code", code_arg)
                    break
            art = self._code(addr, tf_native, loc)
            if art is not None:
                self.build.graph.code[addr] = art

    def _depends_on(self, block: Block) -> list[str]:
        a = block.body.attributes.get("depends_on")
        if a is None:
            return []
        if isinstance(a.expr, JsonExpr):
            vals = a.expr.value if isinstance(a.expr.value, list) else []
            return [str(v).strip("${}") for v in vals]
        return [p.strip() for p in a.text.strip("[] \n").split(",") if p.strip()]

    def _code(self, addr: str, native: dict[str, Any], loc: Location) -> CodeArtifact | None:
        filename = native.get("filename")
        if not isinstance(filename, str) or filename.startswith("${"):
            return None
        art = CodeArtifact(resource=addr)
        rel = self.build.project_rel(filename)
        archive = self.build.archives.get(rel)
        if archive is not None:
            return _from_archive(art, archive, self.build)
        art.source_path = rel
        path = self.build.root / rel
        if path.is_file() and path.suffix == ".zip":
            read_zip(art, path)
        elif path.is_dir():
            read_dir(art, path, self.build.root)
        else:
            art.kind = "missing"
            art.missing_error = f'Error: unable to load "{filename}": open {filename}: no such file or directory'
        return art

    def _eval_error(self, exc: EvalError, loc: Location, addr: str, attr: str | None = None) -> None:
        if "no file exists" in str(exc):
            self.build.findings.append(MissingFile.finding(
                f"{addr}{'.' + attr if attr else ''} reads a file the project does not contain",
                location=loc, error=f"Error: {exc}", fix="ship the file with the configuration (paths are relative "
                "to the directory terraform runs in; use path.module for files beside the .tf files)",
            ).with_(resource=addr, attribute=attr, stage="frontend"))
            return
        self.build.findings.append(ProgramError.finding(
            f"{addr}{'.' + attr if attr else ''}: terraform cannot evaluate this expression",
            location=loc, error=f"Error: {exc}",
            fix="fix the expression so terraform plan can evaluate it").with_(resource=addr, attribute=attr))


# Resource id prefixes AWS uses, for types without a Pulumi twin in the table (ids must look real: rules and
# cfn-lint check patterns such as ^subnet-[0-9a-z]*$).
_ID_PREFIXES = {"aws_vpc": "vpc-", "aws_subnet": "subnet-", "aws_security_group": "sg-", "aws_internet_gateway": "igw-",
                "aws_nat_gateway": "nat-", "aws_route_table": "rtb-", "aws_eip": "eipalloc-", "aws_instance": "i-",
                "aws_launch_template": "lt-", "aws_network_interface": "eni-", "aws_vpc_endpoint": "vpce-",
                "aws_network_acl": "acl-", "aws_egress_only_internet_gateway": "eigw-", "aws_route": "r-",
                "aws_ec2_transit_gateway": "tgw-", "aws_customer_gateway": "cgw-", "aws_vpn_gateway": "vgw-",
                "aws_flow_log": "fl-", "aws_key_pair": "key-", "aws_ebs_volume": "vol-", "aws_ami": "ami-",
                "aws_placement_group": "pg-", "aws_vpc_peering_connection": "pcx-", "aws_db_subnet_group": "",
                "aws_security_group_rule": "sgrule-", "aws_vpc_security_group_ingress_rule": "sgr-",
                "aws_vpc_security_group_egress_rule": "sgr-"}


def _synthetic_id(rtype: str, addr: str) -> str:
    import hashlib

    h = hashlib.sha1(addr.encode()).hexdigest()
    prefix = _ID_PREFIXES.get(rtype)
    return f"{prefix}0{h[:16]}" if prefix else f"{addr.rsplit('.', 1)[-1].split('[')[0]}-{h[:8]}"


def _policy_args(native: dict[str, Any]) -> dict[str, Any]:
    """aws_iam_policy_document blocks -> the invoke's argument names (statements, principals, conditions)."""
    stmts = []
    for s in native.get("statement") or []:
        st = {_camel(k): v for k, v in s.items() if k not in ("principals", "not_principals", "condition")}
        st["principals"] = [{"type": p.get("type"), "identifiers": p.get("identifiers")} for p in s.get("principals") or []]
        st["notPrincipals"] = [{"type": p.get("type"), "identifiers": p.get("identifiers")}
                               for p in s.get("not_principals") or []]
        st["conditions"] = list(s.get("condition") or [])
        stmts.append(st)
    return {"statements": stmts}




def _from_archive(art: CodeArtifact, archive: dict[str, Any], build: Build) -> CodeArtifact:
    """The zip `data "archive_file"` would build: source_dir, source_file or inline `source` blocks."""
    art.kind = "directory"
    src_dir, src_file = archive.get("source_dir"), archive.get("source_file")
    if isinstance(src_dir, str):
        rel = build.project_rel(src_dir)
        art.source_path = rel
        d = build.root / rel
        if d.is_dir():
            read_dir(art, d, build.root)
        else:
            art.kind = "missing"
            art.missing_error = ("Error: Archive creation error: error archiving directory: could not archive "
                                 f"missing directory: {src_dir}")
    elif isinstance(src_file, str):
        rel = build.project_rel(src_file)
        art.source_path = rel
        f = build.root / rel
        if f.is_file():
            art.files[f.name] = f.read_text(errors="replace")
            art.origin[f.name] = Location(rel, 1)
        else:
            art.kind = "missing"
    else:
        for src in archive.get("source") or []:
            if isinstance(src, dict) and isinstance(src.get("filename"), str) and isinstance(src.get("content"), str):
                art.files[src["filename"]] = src["content"]
        art.kind = "inline"
    return art


def graph_from_config(config: dict[str, Any], root: Path, *, platform: str, locate: Locator | None = None,
                      run_dir: str = ".") -> tuple[ResourceGraph, list[Finding]]:
    """A configuration in Terraform's JSON syntax (cdk.tf.json) -> graph and evaluation findings."""
    module = module_from_json(config, run_dir, None, locate)
    return graph_from_module(module, root, platform=platform, locate=locate, run_dir=run_dir)


_BACKEND_REF = re.compile(r"\$\{|\b(?:var|local|data|module)\.\w")


def backend_findings(module: Module) -> list[Finding]:
    """`terraform init` reads the backend block before evaluating anything: no nested blocks, no variables."""
    out: list[Finding] = []
    for tb in module.of("terraform"):
        for backend in (b for b in tb.body.blocks if b.type == "backend"):
            kind = backend.labels[0] if backend.labels else "?"
            for inner in backend.body.blocks:
                out.append(InvalidBackendBlock.finding(
                    f'backend "{kind}" holds a `{inner.type}` block; backend blocks take arguments only',
                    location=Location(inner.file, inner.line), symbol=f"backend.{kind}.{inner.type}",
                    error=f'Error: Unsupported block type: Blocks of type "{inner.type}" are not expected here.',
                    fix=f"remove the {inner.type} block from the backend (prevent_destroy belongs on the state "
                    "bucket's own resource)").with_(stage="frontend"))
            for name, attr in backend.body.attributes.items():
                if _BACKEND_REF.search(attr.text or ""):
                    out.append(InvalidBackendBlock.finding(
                        f'backend "{kind}" argument `{name}` = {attr.text} uses a variable or interpolation, which '
                        "Terraform does not evaluate in backend blocks", location=Location(attr.file, attr.line),
                        symbol=f"backend.{kind}.{name}",
                        error="Error: Variables not allowed: Variables may not be used here.",
                        fix=f"write a literal {name}, or leave it out and pass it with terraform init "
                        f"-backend-config={name}=...").with_(stage="frontend"))
    return out


def graph_from_module(module: Module, root: Path, *, platform: str, locate: Locator | None = None,
                      run_dir: str = ".", variables: dict[str, Any] | None = None,
                      with_modules: bool = False) -> Any:
    """Evaluate a root module -> (graph, findings), plus the local child modules it loaded when `with_modules`."""
    graph = ResourceGraph(platform=platform)
    build = Build(root=root, run_dir=run_dir, graph=graph)
    scope = ModuleScope(module, build, "", dict(variables or {}), locate or locator(module))
    scope.evaluate_all()
    build.findings.extend(backend_findings(module))
    build.findings.extend(validate_findings(module, list(build.modules.values()), root))
    for b in module.of("output"):
        v = b.body.attributes.get("value")
        if b.labels and v is not None:
            try:
                graph.outputs[b.labels[0]] = concrete(scope.ev.eval(v.expr))
            except EvalError as exc:
                scope._eval_error(exc, Location(v.file, v.line), f"output.{b.labels[0]}")
    graph.notes.extend(build.notes)
    if with_modules:
        return graph, build.findings, list(build.modules.values())
    return graph, build.findings
