"""CDKTF (TypeScript) -> ResourceGraph: tsc against @cdktf/provider-aws's types, the app in the sandbox, then
`cdk.tf.json` through the Terraform path (as the CDKTF Python front end does), located at the
`new S3Bucket(this, 'id', {...})` calls and their props by construct id.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cdk_ts.frontend import build_in_workspace
from iacqa.frontends.node import program, sites
from iacqa.frontends.node.keep_going import keep_going
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding, Options, ResourceGraph
from iacqa.toolchain import runner as noderun


class CdktfTsFrontend:
    platform = "cdktf"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        return build_in_workspace(project, "cdktf", options, functools.partial(self._synth, project),
                                  "no CDKTF app to run (cdktf.json \"app\" or bin/tap.ts)")

    def _synth(self, project: Any, ws: Workspace, entry: str, records: list[dict], findings: list[Finding], detail: str,
               options: Options, graph: ResourceGraph) -> FrontendResult:
        own = set(ws.files) - set(ws.added)
        outdir = ws.root / _output_dir(ws.root)
        env = {"CDKTF_OUTDIR": str(outdir), "CDKTF_CONTEXT_JSON": json.dumps({"environmentSuffix": "dev"}),
               "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1"}
        timeout, memory = options.limits(120, 3072)
        from iacqa.frontends.node import salvage

        # what the findings' fixes say, applied to the analysis copy so the rest of the program is synthesized
        ingest = list(getattr(project, "findings", None) or [])  # SYN001: the response was cut off in a file
        note, salvaged = salvage.salvage_truncated(ws, ingest + findings, entry)
        detail += salvage.fix_root_imports(ws, findings) + note
        t0 = time.monotonic()
        # Errors cdktf raises only at app.synth(), with no line of the project: reported at the line that causes
        # them, then fixed in the analysis copy so synth goes on (a stack without its provider construct is given
        # one; a construct in addOverride('depends_on') is replaced by its reference)
        preload = [noderun.script("cdktf_provider.js"), noderun.script("cdktf_depends_on.js")]

        def synth() -> program.ProgramRun:
            return program.run_program(ws, entry, env, timeout, memory, preload=preload)

        run = synth()
        findings = findings + program.findings(run, ws, own, entry, "cdktf synth", timeout, memory, findings)
        detail += program.missing_note(run)

        # as for CDK: past a run-time error in the project's code, with that statement stubbed
        def done(r: program.ProgramRun) -> bool:
            return r.status == "ok" or (outdir.is_dir() and any(outdir.rglob("cdk.tf.json")))

        run, findings, stubbed, revealed = keep_going(ws, entry, own, run, findings, synth, done, "cdktf synth",
                                                      timeout, memory)
        if stubbed:
            detail += f"; synth run again with {stubbed} statement(s) that threw stubbed"
        if salvaged:
            findings = salvage.cut_off_calls(ws, ingest + findings, salvaged)[len(ingest):]
        paths = sorted(outdir.glob("stacks/*/cdk.tf.json")) if outdir.is_dir() else []
        detail += (f"; synth {run.status} via {entry} in {time.monotonic() - t0:.1f} s, peak {run.peak_mb:.0f} MB "
                   f"({run.isolation}); {len(paths)} stack(s)")
        if not paths:
            if run.status == "ok":
                detail += "; the app wrote no cdk.tf.json (does it call app.synth()?)"
            return FrontendResult(graph, findings, "failed", detail)
        graph, more = self._graph(paths, ws, records)
        if salvaged:
            # not `revealed_by` (which says the graph is whole once the first error is fixed): what the response
            # would have declared after the cut is not in it
            graph.notes.append(f"partial graph: {', '.join(salvaged)} cut off in the response; only what precedes "
                               "the cut was synthesized")
        elif stubbed:
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
