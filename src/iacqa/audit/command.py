"""`iacqa audit TASK`: the arguments and the run (cli.py registers the subcommand and calls `main`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from iacqa.audit.review import audit, to_markdown

EXIT_OK, EXIT_USAGE = 0, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("task", help="task directory (metadata.json, lib/MODEL_FAILURES.md, lib/MODEL_RESPONSE.md)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown",
                   help="markdown review (default) or JSON: {task, claims: [...], missed_blockers: [...]}")
    p.add_argument("--output", "-o", help="write the audit to FILE instead of stdout")
    p.add_argument("--results", metavar="JSONL",
                   help="take the model response's findings from this `iacqa batch` results file instead of "
                        "analyzing it again")
    p.add_argument("--stages", help="stages of the model analysis (default: all)")


def _from_results(results: Path, task: Path) -> dict[str, Any] | None:
    from iacqa.report.results import latest_results, resolve

    return latest_results(results).get((resolve(task), "model"))


def main(args: argparse.Namespace, options: Any = None) -> int:
    task = Path(args.task)
    if not (task / "lib" / "MODEL_FAILURES.md").is_file():
        sys.stderr.write(f"iacqa: {task} has no lib/MODEL_FAILURES.md to audit\n")
        return EXIT_USAGE
    model: dict[str, Any] | None
    if args.results:
        model = _from_results(Path(args.results), task)
        if model is None:
            sys.stderr.write(f"iacqa: {args.results} has no model result for {task}\n")
            return EXIT_USAGE
    else:
        from iacqa.ingest.task import InputError
        from iacqa.pipeline import analyze
        from iacqa.report import json_report

        stages = tuple(s.strip() for s in args.stages.split(",") if s.strip()) if args.stages else None
        try:
            kwargs: dict[str, Any] = {"response": "model", "options": options}
            if stages:
                kwargs["stages"] = stages
            model = json_report.to_json(analyze(str(task), **kwargs))
        except InputError as exc:
            # The response cannot be analysed: the claims are still checked against the texts.
            sys.stderr.write(f"iacqa: the model response cannot be analysed ({exc}); claims checked against the "
                             "text only\n")
            model = None
    result = audit(task, model)
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str) if args.format == "json" else \
        to_markdown(result, (model or {}).get("findings"))
    if args.output:
        Path(args.output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
