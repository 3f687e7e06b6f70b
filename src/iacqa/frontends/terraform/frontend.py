"""Terraform HCL -> ResourceGraph: parse the root module, evaluate it offline, check it against the provider schema.

Terraform itself cannot help offline (`terraform validate` needs the provider, which cannot be downloaded), so
the configuration is parsed with python-hcl2 and evaluated by iacqa; the provider schema index (shipped as
package data) stands in for the provider's own validation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.program import ConfigSyntaxError
from iacqa.frontends.base import FrontendResult
from iacqa.frontends.terraform.config import to_config
from iacqa.frontends.terraform.graph import graph_from_module
from iacqa.frontends.terraform.hcl_files import load_module_dir, tfvars
from iacqa.frontends.terraform.model import locator
from iacqa.frontends.terraform.references import reference_findings
from iacqa.model import Finding, Location, Options, ResourceGraph

SKIP = {".terraform", "node_modules", ".git", "cdktf.out", "cdk.out"}


def run_dir(root: Path, files: list[str] | None = None) -> str | None:
    """The directory terraform runs in: lib/ in the TAP layout, else the directory with the most .tf files."""
    tf = [Path(f) for f in (files if files is not None else [p.relative_to(root).as_posix() for p in root.rglob("*.tf")])
          if f.endswith((".tf", ".tf.json")) and not any(part in SKIP for part in Path(f).parts)]
    if not tf:
        return None
    dirs: dict[str, int] = {}
    for f in tf:
        d = f.parent.as_posix()
        if "modules" in f.parts:
            continue
        dirs[d] = dirs.get(d, 0) + 1
    if not dirs:
        return tf[0].parent.as_posix()
    if "lib" in dirs:
        return "lib"
    return max(sorted(dirs), key=lambda d: (dirs[d], -d.count("/")))


def provider_major(config: dict[str, Any]) -> int | None:
    """The AWS provider major version the constraint pins (`~> 5.0`, `5.1.0`, `>= 5.0, < 6.0`), else None.

    A lower bound alone (`>= 5.0`) pins nothing: `terraform init` installs the newest major it allows."""
    providers = (config.get("terraform") or {}).get("required_providers") or []
    for tf in [providers] if isinstance(providers, dict) else providers:
        aws = tf.get("aws") if isinstance(tf, dict) else None
        version = aws.get("version") if isinstance(aws, dict) else aws if isinstance(aws, str) else None
        if not isinstance(version, str):
            continue
        parts = [p.strip() for p in version.split(",") if p.strip()]
        for p in parts:
            m = re.match(r"(~>|=)?\s*v?(\d+)", p)
            if m and (m.group(1) in ("~>", "=") or p[0].isdigit()):
                return int(m.group(2))
        for p in parts:
            m = re.match(r"<\s*v?(\d+)(?:\.(\d+))?", p)
            if m and not p.startswith("<="):
                major, minor = int(m.group(1)), int(m.group(2) or 0)
                return major - 1 if minor == 0 else major
    return None


LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1}


def structure_findings(module: Any) -> list[Finding]:
    """What terraform rejects while loading a module: duplicate addresses, blocks without their labels."""
    from iacqa.catalog.terraform import InvalidConfigurationStructure as Rule

    out: list[Finding] = []
    seen: dict[tuple[str, ...], Any] = {}
    dups: dict[tuple[Any, Any], list[str]] = {}
    for b in module.blocks:
        want = LABELS.get(b.type)
        if want is None:
            continue
        if len(b.labels) != want:
            what = "type, name" if want == 2 else "name"
            error = (f"Error: Missing name for {b.type}: All {b.type} blocks must have {want} labels ({what})."
                     if len(b.labels) < want else f"Error: Extraneous label for {b.type}")
            out.append(Rule.finding(f"`{b.type}` block with {len(b.labels)} label(s) "
                                    f"({', '.join(b.labels) or 'none'}); terraform needs {want} ({what})",
                                    location=Location(b.file, b.line), error=error,
                                    fix=f"write `{b.type} \"<type>\" \"<name>\" {{ ... }}`" if want == 2
                                    else f"write `{b.type} \"<name>\" {{ ... }}`").with_(stage="frontend"))
            continue
        key = (b.type, *b.labels)
        first = seen.get(key)
        if first is None:
            seen[key] = b
            continue
        addr = ".".join(b.labels) if b.type == "resource" else f"{b.type}.{'.'.join(b.labels)}"
        pair = (first.file, b.file)
        dups.setdefault(pair, []).append(addr)
        if len(dups[pair]) > 3:
            continue  # one file repeating another: the first three say it, the summary below counts the rest
        out.append(Rule.finding(
            f"{addr} is declared twice in {module.dir}/ (also at {first.file}:{first.line})",
            location=Location(b.file, b.line), error=f'Error: Duplicate {b.type} "{b.labels[0]}" configuration: '
            f"A {b.labels[0]} {b.type} named \"{b.labels[-1]}\" was already declared at {first.file}:{first.line}. "
            f"{b.type.capitalize()} names must be unique per type in each module.",
            fix="keep one declaration (a response's draft and final answer must not both be saved as .tf files)",
        ).with_(resource=addr, stage="frontend"))
    for (a, b_file), addrs in dups.items():
        if len(addrs) > 3:
            out.append(Rule.finding(
                f"{b_file} declares {len(addrs)} blocks that {a} already declares (e.g. {', '.join(addrs[:3])}): "
                "two versions of the same configuration in one module", location=Location(b_file, 1),
                error=f"Error: Duplicate resource configuration ({len(addrs)} duplicates)",
                fix=f"keep one of {a} and {b_file}").with_(stage="frontend"))
    return out


class TerraformFrontend:
    platform = "tf"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        options = Options.of(options)
        root: Path = project.root
        rd = run_dir(root, list(project.files))
        if rd is None:
            return FrontendResult(ResourceGraph(platform="tf"), status="error", detail="no .tf files in the project")
        module = load_module_dir(root, rd)
        findings: list[Finding] = [
            ConfigSyntaxError.finding(f"{file} does not parse: {msg}", location=Location(file, line),
                                      error=f"Error: {msg}", fix="fix the syntax; terraform reads no file of the "
                                      "module until every file parses")
            for file, line, msg in module.errors]
        findings.extend(structure_findings(module))
        locate = locator(module)
        config = to_config(module)
        try:
            from iacqa.frontends.terraform import schema_check
        except ImportError:
            schema_check = None  # type: ignore[assignment]
        major = provider_major(config)
        if schema_check is not None:
            findings.extend(schema_check.check(config, locate, major))
        graph, evaluation, modules = graph_from_module(module, root, platform="tf", locate=locate, run_dir=rd,
                                                       variables=tfvars(root, rd), with_modules=True)
        findings.extend(reference_findings(module, modules))
        if schema_check is not None:
            for child in modules:  # local modules the root calls: terraform validates them with the root
                findings.extend(schema_check.check(to_config(child), locator(child), major))
                findings.extend(
                    ConfigSyntaxError.finding(f"{file} does not parse: {msg}", location=Location(file, line),
                                              error=f"Error: {msg}", fix="fix the syntax of the module file")
                    for file, line, msg in child.errors)
        findings.extend(evaluation)
        status = "failed" if module.errors else "ok"
        n = len([r for r in graph if r.mapped])
        detail = f"{len(graph)} resources ({n} mapped) from {rd}/"
        if module.errors:
            detail += f"; {len(module.errors)} file(s) do not parse, graph is partial"
        return FrontendResult(graph, findings, status, detail)
