"""Map a synthesized CloudFormation resource (and its properties, and its Lambda code) back to the Python source.

Each resource of a CDK template carries `Metadata["aws:cdk:path"]` (`TapStackdev/orders/Resource`) when the
context asks for path metadata (synth.py does). The construct id in that path is the second argument of the
constructor call, so `constructs.find_site` gives the call's file:line and the lines of its keywords. CloudFormation
property names line up with the L2 keywords most of the time (`QueueName` <- `queue_name`); the few that do not
are listed in ALIASES; anything else is located at the construct call.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacqa.frontends.code_package import CODE_SUFFIXES as PACKAGE_SUFFIXES
from iacqa.frontends.code_package import read_dir, read_zip
from iacqa.frontends.constructs import ConstructSite, construct_sites, find_site
from iacqa.knowledge.naming import snake
from iacqa.model import CodeArtifact, Location

# (CFN type or "*", CFN top-level property) -> the L2 keyword that sets it, where the names do not line up.
ALIASES: dict[tuple[str, str], str] = {
    ("AWS::SQS::Queue", "RedrivePolicy"): "dead_letter_queue",
    ("AWS::SQS::Queue", "MessageRetentionPeriod"): "retention_period",
    ("AWS::SQS::Queue", "KmsMasterKeyId"): "encryption_master_key",
    ("AWS::SQS::Queue", "ReceiveMessageWaitTimeSeconds"): "receive_message_wait_time",
    ("AWS::SQS::Queue", "DelaySeconds"): "delivery_delay",
    ("AWS::SQS::Queue", "FifoQueue"): "fifo",
    ("AWS::DynamoDB::Table", "StreamSpecification"): "stream",
    ("AWS::DynamoDB::Table", "KeySchema"): "partition_key",
    ("AWS::DynamoDB::Table", "AttributeDefinitions"): "partition_key",
    ("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification"): "point_in_time_recovery",
    ("AWS::DynamoDB::Table", "SSESpecification"): "encryption",
    ("AWS::DynamoDB::Table", "TimeToLiveSpecification"): "time_to_live_attribute",
    ("AWS::Lambda::Function", "Environment"): "environment",
    ("AWS::Lambda::Function", "ReservedConcurrentExecutions"): "reserved_concurrent_executions",
    ("AWS::Lambda::Function", "TracingConfig"): "tracing",
    ("AWS::Lambda::Function", "DeadLetterConfig"): "dead_letter_queue",
    ("AWS::Lambda::Function", "VpcConfig"): "vpc",
    ("AWS::Lambda::Function", "LoggingConfig"): "log_group",
    ("AWS::Lambda::EventInvokeConfig", "MaximumRetryAttempts"): "retry_attempts",
    ("AWS::Lambda::EventInvokeConfig", "MaximumEventAgeInSeconds"): "max_event_age",
    ("AWS::IAM::Role", "AssumeRolePolicyDocument"): "assumed_by",
    ("AWS::IAM::Role", "ManagedPolicyArns"): "managed_policies",
    ("AWS::IAM::Role", "Policies"): "inline_policies",
    ("AWS::SNS::Topic", "KmsMasterKeyId"): "master_key",
    ("AWS::S3::Bucket", "BucketEncryption"): "encryption",
    ("AWS::S3::Bucket", "VersioningConfiguration"): "versioned",
    ("AWS::S3::Bucket", "PublicAccessBlockConfiguration"): "block_public_access",
    ("AWS::S3::Bucket", "LifecycleConfiguration"): "lifecycle_rules",
    ("AWS::Logs::LogGroup", "RetentionInDays"): "retention",
    ("AWS::KMS::Key", "EnableKeyRotation"): "enable_key_rotation",
    ("AWS::KMS::Key", "PendingWindowInDays"): "pending_window",
}


def cdk_path(resource: dict[str, Any]) -> str | None:
    meta = resource.get("Metadata") if isinstance(resource, dict) else None
    path = meta.get("aws:cdk:path") if isinstance(meta, dict) else None
    return path if isinstance(path, str) else None


def _cls_hint(cfn_type: str) -> str | None:
    parts = cfn_type.split("::")
    return parts[-1] if len(parts) == 3 else None


class Locator:
    """locate(("Resources", lid[, "Properties", "A", ...])) -> Location, for graph_from_template."""

    def __init__(self, root: Path, files: list[str], templates: list[dict[str, Any]]) -> None:
        self.root = root
        self.sites: list[ConstructSite] = construct_sites(root, [f for f in files if f.endswith(".py")])
        self.resources: dict[str, dict[str, Any]] = {}
        for tpl in templates:
            for lid, res in (tpl.get("Resources") or {}).items():
                if isinstance(res, dict):
                    self.resources.setdefault(lid, res)
        self._site_cache: dict[str, ConstructSite | None] = {}

    def site(self, logical_id: str) -> ConstructSite | None:
        if logical_id not in self._site_cache:
            res = self.resources.get(logical_id) or {}
            path = cdk_path(res)
            hint = _cls_hint(str(res.get("Type", "")))
            site = find_site(self.sites, path, hint) if path else None
            if site is None and path is None:
                # Cfn* escape hatches and constructs without path metadata: the logical id is often the construct id.
                site = find_site(self.sites, logical_id, hint)
            self._site_cache[logical_id] = site
        return self._site_cache[logical_id]

    def own_site(self, logical_id: str) -> bool:
        """Whether the resource's own construct (not an ancestor) is declared in the project."""
        site = self.site(logical_id)
        path = cdk_path(self.resources.get(logical_id) or {}) or ""
        segments = [s for s in path.split("/") if s and s not in ("Resource", "Default")]
        return site is not None and bool(segments) and site.matches(segments[-1])

    def native_path(self, cfn_type: str, props: tuple[str, ...]) -> str:
        """The keyword path the user most likely wrote for a CFN property path."""
        if not props:
            return ""
        first = ALIASES.get((cfn_type, props[0])) or snake(props[0])
        return ".".join([first, *(snake(p) for p in props[1:] if not p.isdigit())])

    def __call__(self, path: tuple[str, ...]) -> Location | None:
        if len(path) < 2 or path[0] != "Resources":
            return None
        site = self.site(path[1])
        if site is None:
            return None
        if len(path) > 3 and path[2] == "Properties":
            cfn_type = str((self.resources.get(path[1]) or {}).get("Type", ""))
            native = self.native_path(cfn_type, tuple(path[3:])).split(".")
            for i in range(len(native), 0, -1):
                loc = site.keywords.get(".".join(native[:i]))
                if loc is not None:
                    return loc
        return site.location

    def attr_locations(self, logical_id: str) -> dict[str, Location]:
        site = self.site(logical_id)
        return dict(site.keywords) if site else {}

    def native_paths(self, cfn_type: str, props: dict[str, Any]) -> dict[str, str]:
        """CFN top-level property -> the user's keyword, for the properties whose keyword exists in the call."""
        return {k: self.native_path(cfn_type, (k,)) for k in props}


def make_locate(root: Path, files: list[str], templates: list[dict[str, Any]]) -> Callable[[tuple[str, ...]], Location | None]:
    return Locator(root, files, templates)


# -- Lambda code ---------------------------------------------------------------------------------------------------
CODE_SUFFIXES = (*PACKAGE_SUFFIXES, ".yaml", ".yml")  # CDK assets often carry config files
SKIP = {"__pycache__", "node_modules", ".venv", "cdk.out", ".git"}


def asset_artifact(rid: str, asset_path: str, root: Path) -> CodeArtifact:
    """The code of a `Code.from_asset(dir)` function, read from the project (kind directory / zip / missing)."""
    art = CodeArtifact(resource=rid, kind="missing")
    src = Path(asset_path)
    if not src.is_absolute():
        src = root / src
    try:
        src = src.resolve()
    except OSError:
        return art
    art.source_path = src.relative_to(root.resolve()).as_posix() if src.is_relative_to(root.resolve()) else str(src)
    rroot = root.resolve()
    if src.is_dir():
        read_dir(art, src, rroot, suffixes=CODE_SUFFIXES, skip=SKIP)
    elif src.is_file() and src.suffix == ".zip":
        read_zip(art, src, CODE_SUFFIXES)
    elif src.is_file():
        art.kind = "directory"
        art.files[src.name] = src.read_text(errors="replace")
        art.origin[src.name] = Location(art.source_path, 1)
    return art


@lru_cache(maxsize=64)
def _constants(path: str, mtime: float) -> tuple[tuple[str, int], ...]:
    try:
        tree = ast.parse(Path(path).read_text(errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return ()
    return tuple((n.value, n.lineno) for n in ast.walk(tree)
                 if isinstance(n, ast.Constant) and isinstance(n.value, str) and "\n" in n.value)


def inline_origin(root: Path, files: list[str], text: str) -> Location | None:
    """Where an inline ZipFile text is written: the string constant in the Python source (line of its first
    line), else a project file with the same content (a handler read with open() at synth time)."""
    if not text.strip():
        return None
    probe = text.strip()
    dedented = textwrap.dedent(text).strip()
    for rel in files:
        if not rel.endswith(".py"):
            continue
        path = root / rel
        try:
            consts = _constants(str(path), path.stat().st_mtime)
        except OSError:
            continue
        for value, line in consts:
            if value == text or value.strip() == probe or textwrap.dedent(value).strip() == dedented:
                # A constant that starts with its own newline (`"""\nimport json`) has code line 1 on the quote line.
                lead = len(value) - len(value.lstrip("\n")) - (len(text) - len(text.lstrip("\n")))
                return Location(rel, line + max(lead, 0))
    for rel in files:
        try:
            if (root / rel).read_text(errors="replace").strip() == probe:
                return Location(rel, 1)
        except OSError:
            continue
    return None


# esbuild marks each module of a (non-minified) bundle with a `// path/of/module.ts` line, path relative to where it
# ran (the project root). It rewrites quotes and import names, so lines are matched by their words, not their text.
_MODULE_MARK = re.compile(r"^// ((?:[\w.@-]+/)*[\w.@-]+\.(?:ts|tsx|mts|cts|js|mjs|cjs|jsx))$")
_WORD = re.compile(r"[A-Za-z_$][\w$]*|\d+")
_NOISE = {"var", "let", "const", "export", "import", "require", "from", "async", "function", "return", "await", "new"}


def bundle_line_map(art: CodeArtifact, project: Path) -> None:
    """For an esbuild bundle of the project's handler code: each bundle line -> the project line it came from (the
    module from esbuild's marker, the line whose words cover the bundle line's best), so runtime findings point at
    the handler source, not at `asset.<hash>/index.js`."""
    for name, text in art.files.items():
        if not name.endswith((".js", ".mjs", ".cjs")):
            continue
        mapping: dict[int, Location] = {}
        source: list[set[str]] = []
        module = None
        for n, line in enumerate(text.splitlines(), 1):
            m = _MODULE_MARK.match(line.strip())
            if m:
                module = m.group(1) if (project / m.group(1)).is_file() and "node_modules" not in m.group(1) else None
                source = [set(_WORD.findall(x)) - _NOISE for x in (project / module).read_text(
                    errors="replace").splitlines()] if module else []
                continue
            words = set(_WORD.findall(line)) - _NOISE
            if not module or not words:
                continue
            best, score = 0, 0.0
            for i, cand in enumerate(source, 1):
                if cand:
                    s = len(words & cand) / len(words)
                    if s > score:
                        best, score = i, s
            if score >= 0.5:
                mapping[n] = Location(module, best)
        if mapping:
            art.line_map[name] = mapping
