#!/usr/bin/env python3
"""Build iacqa's Terraform AWS provider schema index (src/iacqa/data/tf_aws_schema.json.gz).

Why this exists: `terraform validate` needs the provider binary, which cannot be downloaded offline, and no
registry package ships the provider schema. Two real sources can stand in:

1. (always) the jsii assembly inside the installed `cdktf-cdktf-provider-aws` wheel. cdktf generates it from
   `terraform providers schema -json` of one provider release (21.22.1 wraps hashicorp/aws 6.25.0), so it holds
   every resource and data source with its arguments, optional/required and nested block structs. Exact
   snake_case names come from the property docs (`Docs at Terraform Registry: {@link ...#fifo_queue
   SqsQueue#fifo_queue}`) and, where the docs carry a description instead of a link, from the generated
   JavaScript in the same tarball (`fifo_queue: cdktf.booleanToTerraform(struct.fifoQueue)`, getters such as
   `get arn() { return this.getStringAttribute('arn'); }` for computed attributes).
2. (when present) `terraform providers schema -json` run offline with a local terraform binary and a local
   hashicorp/aws provider from a filesystem mirror, e.g. 5.100.0. Merged so every argument and block knows which
   provider majors have it (`aws_eip.vpc` is 5.x only).

Output (gzip JSON, sorted keys, mtime 0 so rebuilding gives the same bytes):
  {"provenance": {...},
   "resources": {tf_type: BLOCK}, "data_sources": {tf_type: BLOCK}}
  BLOCK = {"a": {name: ARG}, "b": {name: NESTED}, "x": {name: 0 | [majors]}, "v": [majors]}
  ARG = kind letter, then "!" when required ("!6" when required only in those majors), then "@5" when only
        those majors have it: "s", "n!", "b@5", "s!6"; a string because it parses several times faster than a dict
        kind: s string, n number, b bool, l list/set, m map, o object, a any/dynamic
  NESTED = {"n": nesting, "b": BLOCK, "min": int, "max": int, "ab": 1, "v": [majors]}
        nesting: single | list | set | map; "ab": the provider declares it as an attribute of object type,
        so both `x { }` and `x = [...]` are accepted
  "x" holds the computed-only attributes (exported, not configurable), 0 meaning every indexed major.

Usage: python scripts/build_tf_schema.py [--jsii-tgz PATH] [--tf-schema PATH ...] [--no-terraform] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "iacqa" / "data" / "tf_aws_schema.json.gz"
PLUGIN_DIRS = ["/opt/tf-plugins", "~/.terraform.d/plugins", "~/.local/share/terraform/plugins",
               "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins"]
AWS_ADDR = "registry.terraform.io/hashicorp/aws"

# -- source 1: the jsii assembly -------------------------------------------------------------------------------
_LINK = re.compile(r"#([a-z0-9_]+) [A-Za-z0-9]+#([a-z0-9_]+)\}")
_TFTYPE = re.compile(r"^(\w+)\.tfResourceType = \"([\w-]+)\";", re.M)
_CLASS = re.compile(r"^class (\w+) extends ", re.M)
_TO_TF = re.compile(r"^function (\w+)ToTerraform\(struct\) \{(.*?)^\}", re.M | re.S)
_MAPPING = re.compile(r"^\s+([a-z0-9_]+): .*?\b(?:struct|this)\.(?:_)?(\w+)\)?", re.M)
_GETTER = re.compile(r"^    get (\w+)\(\) \{\s*\n(.*?)^    \}", re.M | re.S)
_ATTR_CALL = re.compile(r"Attribute\('([a-z0-9_]+)'\)")
_NEW_REF = re.compile(r"this\._(\w+) = new \w+\(this, \"([a-z0-9_]+)\"")


def find_jsii_tgz() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("cdktf_cdktf_provider_aws")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cdktf-cdktf-provider-aws is not installed (pip install cdktf-cdktf-provider-aws)")
    pkg = Path(list(spec.submodule_search_locations)[0])
    hits = sorted((pkg / "_jsii").glob("provider-aws@*.jsii.tgz"))
    if not hits:
        raise SystemExit(f"no provider-aws@*.jsii.tgz under {pkg / '_jsii'}")
    return hits[-1]


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", camel).lower()


class JsiiSource:
    """Resources and data sources of the jsii assembly plus the JS that cdktf generated beside it."""

    def __init__(self, tgz: Path) -> None:
        self.tgz = tgz
        self.types: dict[str, Any] = {}
        self.tf_type: dict[str, str] = {}  # class name -> tf type
        self.struct_names: dict[str, dict[str, str]] = {}  # struct (interface) name -> camel -> snake
        self.class_attrs: dict[str, dict[str, str]] = {}  # class name -> getter camel -> snake
        self.class_config: dict[str, dict[str, str]] = {}  # class name -> config camel -> snake
        self.stats = {"names_from_docs": 0, "names_from_js": 0, "names_guessed": 0}
        with tarfile.open(tgz) as tar:
            for member in tar:
                if member.name == "package/.jsii":
                    assembly = json.load(tar.extractfile(member))  # type: ignore[arg-type]
                    self.types = assembly["types"]
                    self.version = assembly["version"]
                elif member.name.endswith("/index.js") and member.name.startswith("package/lib/"):
                    self._read_js(tar.extractfile(member).read().decode())  # type: ignore[union-attr]
        self.provider_version = self._provider_version()

    def _provider_version(self) -> str:
        for t in self.types.values():
            m = re.search(r"providers/hashicorp/aws/([\d.]+)/docs", t.get("docs", {}).get("summary", ""))
            if m:
                return m.group(1)
        return "unknown"

    def _read_js(self, js: str) -> None:
        for m in _TFTYPE.finditer(js):
            self.tf_type[m.group(1)] = m.group(2)
        for m in _TO_TF.finditer(js):
            name = m.group(1)[0].upper() + m.group(1)[1:]
            self.struct_names[name] = {c: s for s, c in _MAPPING.findall(m.group(2))}
        starts = [(m.start(), m.group(1)) for m in _CLASS.finditer(js)]
        for i, (pos, cls) in enumerate(starts):
            body = js[pos:starts[i + 1][0] if i + 1 < len(starts) else len(js)]
            news = dict(_NEW_REF.findall(body))
            attrs: dict[str, str] = {}
            for g in _GETTER.finditer(body):
                camel, code = g.group(1), g.group(2)
                hit = _ATTR_CALL.search(code)
                if hit:
                    attrs[camel] = hit.group(1)
                else:
                    ref = re.search(r"this\._(\w+)", code)
                    if ref and ref.group(1) in news:
                        attrs[camel] = news[ref.group(1)]
            self.class_attrs[cls] = attrs
            synth = re.search(r"synthesizeAttributes\(\) \{\s*return \{(.*?)\n        \};", body, re.S)
            if synth:
                self.class_config[cls] = {c: s for s, c in _MAPPING.findall(synth.group(1))}

    # -- structure -------------------------------------------------------------------------------------------
    def _name(self, prop: dict[str, Any], js_names: dict[str, str]) -> str:
        docs = prop.get("docs", {})
        m = _LINK.search(docs.get("summary", "")) or _LINK.search(docs.get("remarks", ""))
        if m:
            self.stats["names_from_docs"] += 1
            return m.group(2)
        if prop["name"] in js_names:
            self.stats["names_from_js"] += 1
            return js_names[prop["name"]]
        self.stats["names_guessed"] += 1
        return _snake(prop["name"])

    def _struct(self, fqn: str) -> dict[str, Any] | None:
        t = self.types.get(fqn)
        return t if t and t.get("kind") == "interface" and t.get("datatype") else None

    def _shape(self, typ: dict[str, Any]) -> tuple[str, str | None, str | None]:
        """jsii type -> (kind, nesting, struct fqn): kind is an argument kind or "block"."""
        if "union" in typ:
            parts = [t for t in typ["union"]["types"] if t.get("fqn") != "cdktf.IResolvable"]
            return self._shape(parts[0]) if parts else ("a", None, None)
        if "primitive" in typ:
            return {"string": "s", "number": "n", "boolean": "b"}.get(typ["primitive"], "a"), None, None
        if "collection" in typ:
            col = typ["collection"]
            elem = col["elementtype"]
            inner = [t for t in elem.get("union", {}).get("types", [elem]) if t.get("fqn") != "cdktf.IResolvable"]
            if col["kind"] == "array" and inner and "fqn" in inner[0] and self._struct(inner[0]["fqn"]):
                return "block", "list", inner[0]["fqn"]
            return ("l" if col["kind"] == "array" else "m"), None, None
        if "fqn" in typ and self._struct(typ["fqn"]):
            return "block", "single", typ["fqn"]
        return "a", None, None

    def block(self, struct_fqn: str, js_names: dict[str, str] | None = None, depth: int = 0) -> dict[str, Any]:
        t = self._struct(struct_fqn) or {}
        names = js_names if js_names is not None else self.struct_names.get(t.get("name", ""), {})
        out: dict[str, Any] = {"a": {}, "b": {}}
        for prop in t.get("properties", []):
            name = self._name(prop, names)
            required = not prop.get("optional")
            kind, nesting, fqn = self._shape(prop["type"])
            if kind == "block" and fqn and depth < 12:
                nb: dict[str, Any] = {"n": nesting, "b": self.block(fqn, None, depth + 1)}
                if not prop.get("docs", {}).get("summary", "").endswith(" block."):
                    # cdktf summarizes real blocks as "x block."; a struct without it is a nested attribute
                    # (plugin framework), written `x = {...}`: accept either syntax rather than guess
                    nb["ab"] = 1
                if nesting == "single":
                    nb["max"] = 1
                if required:
                    nb["min"] = 1
                out["b"][name] = nb
            else:
                out["a"][name] = {"k": kind, "r": required}
        return out

    def entries(self) -> dict[str, dict[str, Any]]:
        """{"resources": {tf_type: block}, "data_sources": {...}} with computed attributes under "x"."""
        res: dict[str, Any] = {}
        data: dict[str, Any] = {}
        for t in self.types.values():
            if t.get("kind") != "class" or t.get("base") not in ("cdktf.TerraformResource", "cdktf.TerraformDataSource"):
                continue
            tf_type = self.tf_type.get(t["name"])
            if not tf_type:
                continue
            params = (t.get("initializer") or {}).get("parameters", [])
            config = next((p["type"]["fqn"] for p in params if p["name"] == "config"), None)
            blk = self.block(config, self.class_config.get(t["name"], {})) if config else {"a": {}, "b": {}}
            configurable = set(blk["a"]) | set(blk["b"])
            getters = self.class_attrs.get(t["name"], {})
            blk["x"] = sorted({s for c, s in getters.items() if not c.endswith("Input")} - configurable)
            (res if t["base"] == "cdktf.TerraformResource" else data)[tf_type] = blk
        return {"resources": res, "data_sources": data}


# -- source 2: terraform providers schema -json --------------------------------------------------------------
def local_providers() -> list[tuple[str, Path]]:
    """(version, mirror root) for every hashicorp/aws provider in a local filesystem mirror."""
    found = []
    for d in PLUGIN_DIRS:
        root = Path(os.path.expanduser(d))
        for binary in sorted(root.glob(f"{AWS_ADDR}/*/*/terraform-provider-aws*")):
            found.append((binary.parent.parent.name, root))
    return found


def terraform_schema(version: str, mirror: Path, terraform: str) -> dict[str, Any]:
    """Run `terraform init` + `providers schema -json` offline against the mirror (temp CLI config)."""
    with tempfile.TemporaryDirectory(prefix="iacqa-tfschema-") as tmp:
        cli = Path(tmp) / "cli.tfrc"
        cli.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n'
                       f'    include = ["{AWS_ADDR}"]\n  }}\n  direct {{ exclude = ["{AWS_ADDR}"] }}\n}}\n')
        work = Path(tmp) / "work"
        work.mkdir()
        (work / "main.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", '
                                      f'version = "{version}" }}\n  }}\n}}\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        env.update(TF_CLI_CONFIG_FILE=str(cli), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1",
                   TF_PLUGIN_CACHE_DIR="", HOME=tmp)
        subprocess.run([terraform, "init", "-backend=false", "-input=false", "-no-color"], cwd=work, env=env,
                       check=True, capture_output=True, timeout=300)
        out = subprocess.run([terraform, "providers", "schema", "-json"], cwd=work, env=env, check=True,
                             capture_output=True, timeout=300)
        return json.loads(out.stdout)


def _kind(cty: Any) -> str:
    if isinstance(cty, str):
        return {"string": "s", "number": "n", "bool": "b"}.get(cty, "a")
    if isinstance(cty, list) and cty:
        return {"list": "l", "set": "l", "tuple": "l", "map": "m", "object": "o"}.get(cty[0], "a")
    return "a"


def _is_objects(attr: dict[str, Any]) -> bool:
    cty = attr.get("type")
    if "nested_type" in attr:
        return True
    return isinstance(cty, list) and cty[0] in ("list", "set") and isinstance(cty[1], list) and cty[1][0] == "object"


def tf_block(block: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"a": {}, "b": {}, "x": []}
    for name, attr in (block.get("attributes") or {}).items():
        if attr.get("computed") and not attr.get("optional") and not attr.get("required"):
            out["x"].append(name)
            continue
        if _is_objects(attr):
            # An attribute of object type (aws_security_group.ingress): block syntax is accepted too.
            nested = attr.get("nested_type", {}).get("attributes")
            if nested is None:  # cty list(object({...})): every field optional in block syntax
                nested = {k: {"type": v, "optional": True} for k, v in attr["type"][1][1].items()}
            inner = tf_block({"attributes": nested})
            out["b"][name] = {"n": "list", "b": inner, "ab": 1, "min": 1 if attr.get("required") else 0}
            continue
        out["a"][name] = {"k": "o" if "nested_type" in attr else _kind(attr.get("type")),
                          "r": bool(attr.get("required"))}
    for name, bt in (block.get("block_types") or {}).items():
        nb = {"n": {"group": "single"}.get(bt["nesting_mode"], bt["nesting_mode"]), "b": tf_block(bt["block"])}
        if bt.get("min_items"):
            nb["min"] = bt["min_items"]
        if bt.get("max_items"):
            nb["max"] = bt["max_items"]
        out["b"][name] = nb
    return out


def tf_entries(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ps = schema["provider_schemas"][AWS_ADDR]
    return "", {"resources": {k: tf_block(v["block"]) for k, v in ps.get("resource_schemas", {}).items()},
                "data_sources": {k: tf_block(v["block"]) for k, v in ps.get("data_source_schemas", {}).items()}}


# -- merge ----------------------------------------------------------------------------------------------------
def merge(sources: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """{major: block} -> one block whose names carry the majors that have them (omitted when all do)."""
    majors = sorted(sources)
    present = {m: b for m, b in sources.items() if b is not None}
    out: dict[str, Any] = {"a": {}, "b": {}, "x": {}}
    a_names = sorted({n for b in present.values() for n in b["a"]})
    b_names = sorted({n for b in present.values() for n in b["b"]})
    newest = sorted(present, reverse=True)

    def vers(has: list[int]) -> list[int] | None:
        return None if has == majors else has

    for name in a_names:
        if name in b_names:
            continue  # a block in one source wins (jsii makes object-typed attributes blocks)
        has = [m for m in majors if m in present and name in present[m]["a"]]
        code = present[next(m for m in newest if m in has)]["a"][name]["k"]
        req = [m for m in has if present[m]["a"][name]["r"]]
        if req:
            code += "!" if req == has else "!" + ",".join(map(str, req))
        if vers(has):
            code += "@" + ",".join(map(str, has))
        out["a"][name] = code
    for name in b_names:
        has = [m for m in majors if m in present and (name in present[m]["b"] or name in present[m]["a"])]
        with_block = {m: present[m]["b"][name] for m in has if name in present[m]["b"]}
        for m in has:
            if m not in with_block and present[m]["a"][name]["k"] == "a":
                # cdktf gives up on very deep schemas (aws_wafv2_web_acl rule.statement) and types the block as
                # `any`: that major has the same block, as far as anyone can tell, so its contents count for it
                with_block[m] = with_block[max(with_block)]
                OPAQUE[0] += 1
        # nesting/min/max: prefer terraform's own schema (knows list vs set, exact min/max) over jsii's
        tf_ref = next((with_block[m] for m in sorted(with_block) if m in TF_MAJORS),
                      with_block[max(with_block)])
        rec = {"n": tf_ref["n"]}
        for k in ("min", "max"):
            if tf_ref.get(k):
                rec[k] = tf_ref[k]
        if any(b.get("ab") for b in with_block.values()) or any(name in present[m]["a"] for m in has):
            rec["ab"] = 1
            rec["n"] = "list" if rec["n"] == "single" and "max" not in rec else rec["n"]
        rec["b"] = merge({m: (with_block.get(m) or {"b": {"a": {}, "b": {}, "x": []}})["b"] if m in has else None
                          for m in majors})
        if vers(has):
            rec["v"] = has
        out["b"][name] = rec
    configurable = set(out["a"]) | set(out["b"])
    for name in sorted({n for b in present.values() for n in b.get("x", [])} - configurable):
        has = [m for m in majors if m in present and name in present[m].get("x", [])]
        out["x"][name] = vers(has) or 0
    if not out["x"]:
        del out["x"]
    return out


TF_MAJORS: set[int] = set()
OPAQUE = [0]  # blocks that one source only knows as `any`


def build(jsii_tgz: Path, tf_schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    started = time.time()
    src = JsiiSource(jsii_tgz)
    jsii = src.entries()
    j_major = int(src.provider_version.split(".")[0])
    per_major: dict[int, dict[str, Any]] = {j_major: jsii}
    provenance: dict[str, Any] = {
        # SOURCE_DATE_EPOCH (reproducible-builds convention) pins the date for byte-identical rebuilds
        "built": _dt.datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())),
                                            _dt.timezone.utc).date().isoformat(),
        "sources": [{"kind": "jsii", "package": "cdktf-cdktf-provider-aws", "package_version": src.version,
                     "file": jsii_tgz.name, "provider": "hashicorp/aws", "provider_version": src.provider_version,
                     "resources": len(jsii["resources"]), "data_sources": len(jsii["data_sources"]),
                     **src.stats}],
    }
    for version, schema in sorted(tf_schemas.items()):
        major = int(version.split(".")[0])
        if major in per_major:
            continue  # one source per major: the jsii assembly wins for its own major
        _, ent = tf_entries(schema)
        per_major[major] = ent
        TF_MAJORS.add(major)
        provenance["sources"].append({"kind": "terraform providers schema -json", "provider": "hashicorp/aws",
                                      "provider_version": version, "terraform": schema.get("_terraform", ""),
                                      "resources": len(ent["resources"]),
                                      "data_sources": len(ent["data_sources"])})
    majors = sorted(per_major)
    out: dict[str, Any] = {"provenance": provenance}
    for section in ("resources", "data_sources"):
        names = sorted({n for ent in per_major.values() for n in ent[section]})
        merged = {}
        for n in names:
            blk = merge({m: per_major[m][section].get(n) for m in majors})
            has = [m for m in majors if n in per_major[m][section]]
            if has != majors:
                blk["v"] = has
            merged[n] = blk
        out[section] = merged
    provenance.update(majors=majors, resources=len(out["resources"]), data_sources=len(out["data_sources"]),
                      blocks_typed_any_in_one_source=OPAQUE[0])
    print(f"index built in {time.time() - started:.1f} s", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jsii-tgz", type=Path, help="provider-aws@*.jsii.tgz (default: the installed package's)")
    ap.add_argument("--tf-schema", type=Path, action="append", default=[],
                    help="a saved `terraform providers schema -json` output (its provider version is read from "
                         "--tf-schema-version or the file name, e.g. aws-5.100.0.json)")
    ap.add_argument("--no-terraform", action="store_true", help="do not look for terraform + a local provider")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    tf_schemas: dict[str, dict[str, Any]] = {}
    for path in args.tf_schema:
        m = re.search(r"(\d+\.\d+\.\d+)", path.name)
        if not m:
            raise SystemExit(f"{path}: put the provider version in the file name (aws-5.100.0.json)")
        tf_schemas[m.group(1)] = json.loads(path.read_text())
    terraform = shutil.which("terraform")
    if not args.no_terraform and terraform:
        tf_version = subprocess.run([terraform, "version", "-json"], capture_output=True, text=True,
                                    env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull}).stdout
        tfv = json.loads(tf_version or "{}").get("terraform_version", "")
        for version, mirror in local_providers():
            if version in tf_schemas:
                continue
            try:
                tf_schemas[version] = terraform_schema(version, mirror, terraform)
                tf_schemas[version]["_terraform"] = tfv
                print(f"terraform {tfv}: hashicorp/aws {version} schema from {mirror}", file=sys.stderr)
            except (subprocess.SubprocessError, OSError, ValueError) as exc:
                print(f"skipping hashicorp/aws {version} from {mirror}: {exc}", file=sys.stderr)
    index = build(args.jsii_tgz or find_jsii_tgz(), tf_schemas)
    raw = json.dumps(index, sort_keys=True, separators=(",", ":")).encode()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="",
                                                   compresslevel=9) as gz:
        gz.write(raw)
    p = index["provenance"]
    print(f"{args.out}: {p['resources']} resources, {p['data_sources']} data sources, majors {p['majors']}, "
          f"{len(raw) / 1e6:.1f} MB JSON, {args.out.stat().st_size / 1e6:.2f} MB gzip",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
