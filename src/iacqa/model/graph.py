"""The resource graph: one vocabulary (CloudFormation types and property names) for every front end.

Each resource keeps its native type, native property names and source locations so that findings speak the
user's language. Front ends produce concrete values; identifiers that AWS would assign (ARNs, URLs, names) are
synthetic but well-formed, and `ResourceGraph.resolve` turns such a value back into the resource it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from iacqa.model.findings import Finding, Location


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass
class CodeArtifact:
    """Code a Lambda function would run.

    files: path inside the deployment package -> source text.
    origin: for each package path, where its text lives in the project (file, first line), so a line in the
    package can be mapped back to the IaC file when the code was an inline string.
    """

    resource: str
    files: dict[str, str] = field(default_factory=dict)
    origin: dict[str, Location] = field(default_factory=dict)
    source_path: str | None = None  # directory or zip the configuration points at (project-relative)
    kind: str = "inline"  # inline | directory | zip | missing
    missing_error: str | None = None  # what the IaC tool says when the package is missing (tool-specific wording)
    # package file -> {line in the package: where that line came from}, for code built at synth (an esbuild bundle)
    line_map: dict[str, dict[int, Location]] = field(default_factory=dict)

    def map_line(self, package_file: str, line: int) -> Location:
        mapped = self.line_map.get(package_file, {}).get(line)
        if mapped is not None:
            return mapped
        loc = self.origin.get(package_file)
        if loc is None or loc.file is None:
            return Location(package_file, line)
        base = loc.line or 1
        return Location(loc.file, base + line - 1)


@dataclass
class Resource:
    id: str  # logical id: Pulumi resource name, Terraform "type.name", CFN logical id
    type: str  # CloudFormation type, or the native type when unmapped
    native_type: str
    properties: dict[str, Any] = field(default_factory=dict)  # CloudFormation vocabulary
    native_properties: dict[str, Any] = field(default_factory=dict)  # as written (snake_case for Python SDKs)
    # CFN property path ("DestinationConfig.OnSuccess.Destination") -> native path ("destination_config.on_success.destination")
    native_paths: dict[str, str] = field(default_factory=dict)
    location: Location = field(default_factory=Location)
    attr_locations: dict[str, Location] = field(default_factory=dict)  # native top-level attribute -> location
    outputs: dict[str, Any] = field(default_factory=dict)  # what the deployment returns: Arn, Name, Url...
    parent: str | None = None
    depends_on: list[str] = field(default_factory=list)
    mapped: bool = True
    # The program ended before the resource's inputs resolved (declared, never registered): `properties` hold only
    # the values known when the constructor ran, possibly none, so an absent property says nothing about the code.
    # The engine drops findings on such a resource unless they name a property whose value is known.
    unresolved: bool = False

    # -- property access in CFN vocabulary -------------------------------------------------------------------
    def get(self, path: str, default: Any = None) -> Any:
        cur: Any = self.properties
        for part in path.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return default
        return cur

    def has(self, path: str) -> bool:
        sentinel = object()
        return self.get(path, sentinel) is not sentinel

    def knows_native(self, path: str) -> bool:
        """Whether the native (user's) attribute path has a recorded value (`tags.Name`, `opts.protect`)."""
        cur: Any = self.native_properties
        if path.startswith("opts.") or path == "opts":
            cur, path = cur.get("__opts") or {}, path[5:] or ""
            if not path:
                return bool(cur)
        for part in path.split("."):
            # TypeScript front ends report camelCase names over snake_case native properties
            key = part if not isinstance(cur, dict) or part in cur else _snake(part)
            if isinstance(cur, dict) and key in cur:
                cur = cur[key]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return False
        return cur is not None

    def native_name(self, path: str) -> str:
        """The user's name for a CFN property path (falls back to the CFN path)."""
        if path in self.native_paths:
            return self.native_paths[path]
        # Longest mapped prefix, then the remainder as-is.
        parts = path.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.native_paths:
                return self.native_paths[prefix] + "." + ".".join(parts[i:])
        return path

    def location_of(self, path: str | None = None) -> Location:
        """Where the attribute (CFN path) is written; the resource's own location when unknown."""
        if path:
            native = self.native_name(path)
            parts = native.split(".")
            for i in range(len(parts), 0, -1):
                loc = self.attr_locations.get(".".join(parts[:i]))
                if loc is not None:
                    return loc
        return self.location

    @property
    def service(self) -> str:
        parts = self.type.split("::")
        return parts[1] if len(parts) == 3 else self.native_type.split(":")[0]


@dataclass
class ResourceGraph:
    platform: str = ""
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    code: dict[str, CodeArtifact] = field(default_factory=dict)  # resource id -> code
    config_needs: dict[str, Any] = field(default_factory=dict)  # config keys the program read, with the value used
    output_stacks: dict[str, str] = field(default_factory=dict)  # output key -> stack (CDKTF: outputs file nesting)
    notes: list[str] = field(default_factory=list)
    # fingerprint of the finding whose assumed fix the graph was built under (a front end that continued past a
    # blocking error on a fixed copy): graph-rule findings on it are marked revealed_by this
    revealed_by: str | None = None

    def add(self, resource: Resource) -> Resource:
        self.resources[resource.id] = resource
        return resource

    def of_type(self, *types: str) -> Iterator[Resource]:
        for r in self.resources.values():
            if r.type in types:
                yield r

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources.values())

    def __len__(self) -> int:
        return len(self.resources)

    @property
    def unchecked_types(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.resources.values():
            if not r.mapped:
                counts[r.native_type] = counts.get(r.native_type, 0) + 1
        return counts

    # -- references -------------------------------------------------------------------------------------------
    def _index(self) -> dict[str, tuple[str, str]]:
        idx: dict[str, tuple[str, str]] = {}
        for r in self.resources.values():
            for attr, value in r.outputs.items():
                if isinstance(value, str) and value and value not in idx:
                    idx[value] = (r.id, attr)
        return idx

    def resolve(self, value: Any) -> tuple[Resource, str] | None:
        """The resource (and output attribute) that a concrete value names, if any.

        Also accepts ARNs with a suffix (`table-arn/stream/...`, `arn:...:log-group:x:*`)."""
        if not isinstance(value, str) or not value:
            return None
        idx = self._index()
        hit = idx.get(value)
        if hit is None and value.startswith("arn:"):
            for cand in (value.rstrip("*").rstrip(":").rstrip("/"), value.split("/*")[0]):
                hit = idx.get(cand)
                if hit:
                    break
        if hit is None:
            return None
        return self.resources[hit[0]], hit[1]

    def resolve_resource(self, value: Any) -> Resource | None:
        hit = self.resolve(value)
        return hit[0] if hit else None

    def on_unknown_inputs(self, finding: Finding) -> bool:
        """Whether `finding` judges a resource whose inputs never resolved (Resource.unresolved) by a value that
        was not recorded. Such a resource holds only what was known when its constructor ran, so a check that
        reports a *missing* or default property would speak about code it never saw. A finding is kept only when
        it names, by attribute or by the line it points at, a property whose value is known."""
        res = self.resources.get(finding.resource) if finding.resource else None
        if res is None or not res.unresolved:
            return False
        if finding.attribute and res.knows_native(finding.attribute):
            return False
        if finding.line is not None and finding.line != res.location.line:
            for attr, loc in res.attr_locations.items():
                if loc.file == finding.file and loc.line == finding.line and res.knows_native(attr):
                    return False
        return True

    def functions(self) -> Iterator[Resource]:
        return self.of_type("AWS::Lambda::Function")

    def function_for(self, ref: Any) -> Resource | None:
        """A Lambda function named by ARN, name or alias/qualified ARN."""
        res = self.resolve_resource(ref)
        if res is not None and res.type == "AWS::Lambda::Function":
            return res
        if isinstance(ref, str):
            base = ref.split(":")[6] if ref.startswith("arn:") and len(ref.split(":")) > 6 else ref
            for fn in self.functions():
                if base in (fn.outputs.get("Name"), fn.get("FunctionName"), fn.id):
                    return fn
        return None
