"""CloudFormation YAML/JSON -> ResourceGraph: decode with cfn-lint, resolve intrinsics, lint with cfn-lint."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.cfn import TooManyResources
from iacqa.catalog.program import ConfigSyntaxError
from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cloudformation.graph import graph_from_template
from iacqa.frontends.cloudformation.template import is_template, load_prefix, load_template
from iacqa.knowledge.regions import REGION, REGION_NAME
from iacqa.model import Location, Options, ResourceGraph

PREFERRED = ("lib/TapStack.yml", "lib/TapStack.yaml", "lib/TapStack.json", "template.yaml", "template.yml",
             "template.json")
SUFFIXES = (".yml", ".yaml", ".json", ".template")
SKIP_PARTS = {"node_modules", "cdk.out", "cdktf.out", ".git", "coverage", "cfn-outputs", "tests", "test"}


def find_templates(root: Path, files: list[str]) -> list[str]:
    """Templates in the project: the TAP names first, else every YAML/JSON file that is a template."""
    out = [f for f in PREFERRED if f in files]
    for f in sorted(files):
        if f in out or not f.endswith(SUFFIXES) or any(p in SKIP_PARTS for p in Path(f).parts):
            continue
        if f.endswith(("package.json", "tsconfig.json", "metadata.json", "cdk.json", "cdktf.json", "package-lock.json")):
            continue
        try:
            text = (root / f).read_text(errors="replace")
        except OSError:
            continue
        if is_template(text):
            out.append(f)
    return out


MAX_RESOURCES = 500  # resources per CloudFormation stack (hard quota)


class CloudFormationFrontend:
    platform = "cfn"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        options = Options.of(options)
        root: Path = project.root
        templates = find_templates(root, list(project.files))
        graph = ResourceGraph(platform="cfn")
        if not templates:
            return FrontendResult(graph, status="error", detail="no CloudFormation template (YAML/JSON with "
                                  "AWSTemplateFormatVersion or Resources) in the project")
        findings = []
        broken = 0
        merged: list[str] = []
        salvaged: set[str] = set()
        for rel in templates:
            loaded = load_template(root / rel, root)
            if loaded.template is None:
                broken += 1
                prefix = load_prefix(root / rel, root, loaded.errors[0][0]) if loaded.errors else None
                note = f" (the template above line {loaded.errors[0][0]} was read on its own)" if prefix else ""
                findings.extend(ConfigSyntaxError.finding(
                    f"{rel} does not parse: {msg}{note}", location=Location(rel, line), error=f"{msg}",
                    fix="fix the YAML/JSON syntax; CloudFormation reads nothing from a template that does not parse"
                    + ("; the lines from there on look like notes, not template: remove them" if prefix else ""),
                ) for line, msg in loaded.errors[:3])
                if prefix is None:
                    continue
                salvaged.add(rel)
                loaded = prefix  # cfn-lint below reads the file itself: its parse error is the one said above
            n_resources = len(loaded.template.get("Resources") or {}) if isinstance(loaded.template, dict) else 0
            if n_resources > MAX_RESOURCES:  # said at once: CloudFormation rejects the template before anything else
                findings.append(TooManyResources.finding(
                    f"{rel} declares {n_resources} resources; a CloudFormation stack may have at most "
                    f"{MAX_RESOURCES}, so the whole template is rejected", location=loaded.locate(("Resources",))
                    or Location(rel, None),
                    error=f"Template format error: Number of resources, {n_resources}, is greater than maximum "
                    f"allowed, {MAX_RESOURCES}", fix="split the stack (nested stacks, or one stack per service)"))
            g, resolved = graph_from_template(loaded.template, root, file=rel, platform="cfn", locate=loaded.locate,
                                              parameters=_with_region_file(root, options.parameters,
                                                                           getattr(project, "prompt", None)))
            findings.extend(resolved)
            if options.cfn_lint and n_resources > MAX_RESOURCES:
                # cfn-lint's cost grows faster than the template (250/500 resources: 28/152 s); the template is
                # rejected whole anyway, so only iacqa's own checks (linear) run on it.
                graph.notes.append(f"cfn-lint not run on {rel}: {n_resources} resources (over the 500 limit)")
            elif options.cfn_lint:
                from iacqa.frontends.cloudformation.cfnlint import run

                # One report per unresolved reference: resolution already said it, with CloudFormation's words.
                said = {(f.file, f.line) for f in resolved if f.rule == "CFN003"}
                findings.extend(f for f in run(root / rel, root) if not (f.rule == "CFN003" and (f.file, f.line) in said)
                                and not (f.rule == "SYN004" and rel in salvaged))
            for r in g:  # several templates (nested stacks, one per service): one graph, ids kept unique
                if r.id in graph.resources:
                    r.id = f"{Path(rel).stem}.{r.id}"
                graph.add(r)
            for k, v in g.code.items():
                graph.code[k if k in graph.resources and graph.resources[k].location.file == rel
                           else f"{Path(rel).stem}.{k}"] = v
            graph.outputs.update(g.outputs)
            graph.config_needs.update(g.config_needs)
            graph.notes.extend(g.notes)
            merged.append(rel)
        status = "failed" if broken else "ok"
        detail = f"{len(graph)} resources from {', '.join(merged) or 'no template'}"
        if broken:
            detail += f"; {broken} template(s) do not parse"
        return FrontendResult(graph, findings, status, detail)




def _with_region_file(root: Path, parameters: Any, prompt: str | None = None) -> dict[str, Any]:
    """The TAP convention: lib/AWS_REGION names the region the pipeline deploys the stack to (over the profile's
    default). Without the file, a prompt that names one region ("deploy in us-east-2") is where the task is deployed
    (a task copy without its lib/AWS_REGION, e.g. markdown only, would otherwise be judged in the profile's region:
    a region map holding only the prompt's region is right, not broken); a prompt naming several regions leaves the
    region unknown; else it stays what the run or profile fixed."""
    out = dict(parameters or {})
    for rel in ("lib/AWS_REGION", "AWS_REGION"):
        try:
            text = (root / rel).read_text().strip()
        except OSError:
            continue
        if REGION_NAME.match(text):
            out["AWS::Region"] = text
            return out
    named = sorted(set(re.findall(rf"\b{REGION}\b", prompt or "")))
    if len(named) == 1:
        out["AWS::Region"] = named[0]
    elif named:
        out.pop("AWS::Region", None)
    return out
