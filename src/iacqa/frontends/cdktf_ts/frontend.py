"""CDKTF (TypeScript) -> ResourceGraph: tsc against @cdktf/provider-aws's types, the app in the sandbox, then
`cdk.tf.json` through the Terraform path (as the CDKTF Python front end does), located at the
`new S3Bucket(this, 'id', {...})` calls and their props by construct id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cdk_ts.frontend import build_in_workspace
from iacqa.frontends.node import program, sites
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding, Options, ResourceGraph


class CdktfTsFrontend:
    platform = "cdktf"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        return build_in_workspace(project, "cdktf", options, self._synth,
                                  "no CDKTF app to run (cdktf.json \"app\" or bin/tap.ts)")

    def _synth(self, ws: Workspace, entry: str, records: list[dict], findings: list[Finding], detail: str,
               options: Options, graph: ResourceGraph) -> FrontendResult:
        own = set(ws.files) - set(ws.added)
        outdir = ws.root / _output_dir(ws.root)
        env = {"CDKTF_OUTDIR": str(outdir), "CDKTF_CONTEXT_JSON": json.dumps({"environmentSuffix": "dev"}),
               "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1"}
        timeout, memory = options.limits(120, 3072)
        t0 = time.monotonic()
        run = program.run_program(ws, entry, env, timeout, memory)
        findings = findings + program.findings(run, ws, own, entry, "cdktf synth", timeout, memory, findings)
        detail += program.missing_note(run)
        from iacqa.frontends.cdk_ts.frontend import _keep_going

        # as for CDK: past a run-time error in the project's code, with that statement stubbed
        run, findings, stubbed, revealed = _keep_going(ws, entry, env, timeout, memory, own, run, findings, outdir,
                                                       pattern="cdk.tf.json", tool="cdktf synth")
        if stubbed:
            detail += f"; synth run again with {stubbed} statement(s) that threw stubbed"
        paths = sorted(outdir.glob("stacks/*/cdk.tf.json")) if outdir.is_dir() else []
        detail += (f"; synth {run.status} via {entry} in {time.monotonic() - t0:.1f} s, peak {run.peak_mb:.0f} MB "
                   f"({run.isolation}); {len(paths)} stack(s)")
        if not paths:
            if run.status == "ok":
                detail += "; the app wrote no cdk.tf.json (does it call app.synth()?)"
            return FrontendResult(graph, findings, "failed", detail)
        graph, more = self._graph(paths, ws, records)
        if stubbed:
            graph.revealed_by = revealed
        findings.extend(more)
        n = len([r for r in graph if r.mapped])
        detail += f"; {len(graph)} resources ({n} mapped)"
        failed = run.status != "ok" or any(f.severity.value == "critical" for f in findings)
        return FrontendResult(graph, findings, "failed" if failed else "ok", detail)

    def _graph(self, paths: list[Path], ws: Workspace, records: list[dict]) -> tuple[ResourceGraph, list[Finding]]:
        from iacqa.frontends.cdktf_py.frontend import graph_of_stacks

        # Outputs keyed by stack as `cdktf output --outputs-file` writes them: the corpus' CDKTF TS integration
        # tests read `outputs[Object.keys(outputs)[0]]` from cfn-outputs/flat-outputs.json.
        return graph_of_stacks(paths, ws.root, sites.to_sites(records, 1))


def _output_dir(root: Path) -> str:
    from iacqa.frontends.cdktf_py.frontend import _output_dir as out

    return out(root)
