"""What iacqa cannot check is not the project's defect: declared packages it cannot install offline, build outputs
a repository does not keep, runs its own sandbox broke, and synth-time AWS calls its dead endpoint cannot answer.

A program that imports `pulumi_docker`, `cdk_nag` or `aws_solutions_constructs`, or a handler that imports
`aws_lambda_powertools`, fails under iacqa with ModuleNotFoundError when the package is not in iacqa's
environment. When the project declares it (requirements*.txt anywhere in the project, Pipfile, pyproject.toml,
setup.py/setup.cfg; for CDKTF, `cdktf.json` providers/modules generate the `imports` package with `cdktf get`), the
deploying machine installs it: the import is not the defect, iacqa just cannot run past it. Such findings are
re-rated here (`reclassify`): the program-level ones (SDK004, SDK001 on a module that is not installed) become a
low "not checkable offline" finding that says which checks were skipped; a handler import (RTE004) declared next to
the handler becomes medium, because the package reaches the function only if the deploy bundles or vendors it.
Only an import that nothing declares or ships stays a packaging failure.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from iacqa.knowledge.declared_packages import declared, declaring_file
from iacqa.model import Finding, Severity

_MISSING = re.compile(r"No module named '([\w.]+)'")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module.split(".")[0]) is not None
    except (ImportError, ValueError):
        return False


def _module_of(f: Finding) -> str | None:
    m = _MISSING.search(f"{f.error or ''} {f.message}")
    if m:
        return m.group(1)
    if f.rule == "SDK001" and f.symbol and not _installed(f.symbol):
        return f.symbol.split(".")[0]
    return None


# A missing file that is a build output (a zip, jar or wheel, or anything under dist/ build/ target/ out/): task
# archives and repositories leave build outputs out, so "not in the project" is what iacqa knows, not that the
# deploy fails (a build step may well make it).
_ARTIFACT = re.compile(r"""["'`]?((?:[\w.-]+/)*[\w.-]+\.(?:zip|jar|whl|tar\.gz|tgz))["'`]?|"""
                       r"""["'`]((?:\./)?(?:dist|build|target|out|\.aws-sam)/[\w./-]*)["'`]""")


def _artifact(f: Finding) -> str | None:
    m = _ARTIFACT.search(f"{f.error or ''} {f.message}")
    return (m.group(1) or m.group(2)) if m else None


# The run failed because of iacqa's own sandbox (a read-only cache, a blocked socket), not because of the program.
_SANDBOX = re.compile(r"EROFS|[Rr]ead-only file system|Cannot use the jsii package cache|iacqa sandbox:|"
                      r"NetworkBlocked|BrokenPipeError|Broken pipe")
# A synth-time AWS call (STS GetCallerIdentity, an SSM lookup) that the sandbox's dead endpoint cannot answer.
_AWS_CALL = re.compile(r"EndpointConnectionError|Could not connect to the endpoint URL|NoCredentialsError|"
                       r"Unable to locate credentials|ExpiredToken|InvalidClientTokenId")
_PROGRAM_RUN = ("SDK004", "CDK002", "TST011", "RTE001", "RTE005")


# jsii talks to its node process over a pipe of JSON lines: a parse error or EOF raised inside jsii's own kernel
# means that node process died or wrote something else (killed for memory, a broken cache), which no test code can
# cause through the API; a JSONDecodeError raised anywhere else is the test's own.
_JSII_PIPE = re.compile(r"JSONDecodeError|EOFError|Expecting value: line 1 column 1")
_JSII_KERNEL = re.compile(r"jsii/_kernel|jsii\._kernel")


def _sandbox_caused(f: Finding) -> Finding | None:
    text = f"{f.error or ''} {f.message}"
    site = f"{f.extra.get('crash') or ''} {f.extra.get('longrepr') or ''}"
    if _SANDBOX.search(text) or (_JSII_PIPE.search(text) and _JSII_KERNEL.search(site)):
        sev = Severity.LOW if f.rule != "TST011" else Severity.MEDIUM
        return f.with_(severity=sev, title="not checkable here: iacqa's sandbox broke the run", message=(
            f"iacqa's sandbox broke this run, not the program (read-only cache or blocked I/O in the sandbox): "
            f"{f.message}"), fix="nothing to fix in the project; the run needs the sandbox fixed or --isolation "
            "process", extra={**f.extra, "sandbox_caused": True})
    if _AWS_CALL.search(text) and f.rule in ("SDK004", "CDK002"):
        return f.with_(severity=Severity.MEDIUM, title="the program calls AWS at synth time", message=(
            f"the program calls AWS while it synthesizes (offline, iacqa's endpoint cannot answer it, so the run "
            f"stopped there; with credentials the pipeline's synth makes the call): {f.message}"),
            fix="nothing blocks the deploy; to check the rest offline, avoid AWS calls at synth time (pass the "
            "account/region as context or config)", extra={**f.extra, "synth_time_aws_call": True})
    return None


def reclassify(findings: list[Finding], root: Path | None) -> list[Finding]:
    """Findings caused only by a declared package iacqa does not have, re-rated as "not checkable offline"; a
    missing build artifact, re-rated as "not in the project" (high, not a certain deploy failure)."""
    if root is None or not root.is_dir():
        return findings
    out = []
    for f in findings:
        # medium too: a failure on a synthetic event is medium before anyone asks whether the sandbox caused it
        if f.rule in _PROGRAM_RUN and f.severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM):
            changed = _sandbox_caused(f)
            if changed is not None:
                out.append(changed)
                continue
        if f.rule in ("PKG001", "PKG002") and f.severity is Severity.CRITICAL:
            art = _artifact(f)
            if art and not (root / art.lstrip("./")).exists():
                f = f.with_(severity=Severity.HIGH, message=(
                    f"{f.message}; `{art}` is not in the project: it looks like a build output (archives and "
                    "repositories usually leave those out), so the deploy fails only if no build step makes it"),
                    extra={**f.extra, "confidence": "not in the project", "artifact": art})
                out.append(f)
                continue
        if f.rule in ("SDK004", "SDK001", "RTE004", "TST011") and f.severity in (Severity.CRITICAL, Severity.HIGH):
            module = _module_of(f)
            where = declaring_file(root, module) if module else None
            if module and where and not _installed(module):
                f = _not_checkable(f, module, where)
        out.append(f)
    stood_in = sorted({f.extra["not_checkable"] for f in out if f.rule in ("SDK004", "SDK001")
                       and f.extra.get("not_checkable")})
    if stood_in:
        # A keep-going run went on past the import with a stand-in: an error it meets later (a construct that got
        # the stand-in, CDK validation of what the stand-in's statements never added) may be the stand-in's.
        out = [f.with_(severity=Severity.LOW, message=f"not checkable offline past this point (the program runs on "
                       f"a stand-in for {', '.join(stood_in)}): {f.message}",
                       extra={**f.extra, "not_checkable": stood_in[0]})
               if f.rule == "SDK004" and f.revealed_by and not f.extra.get("not_checkable")
               and f.severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM) else f for f in out]
    if any(f.rule == "TST011" and f.extra.get("sandbox_caused") for f in out):
        # Coverage measured on a run the sandbox broke says nothing about the tests.
        out = [f.with_(severity=Severity.LOW, message=f"{f.message} (measured on a run iacqa's sandbox broke)")
               if f.rule == "TST030" else f for f in out]
    return out


def _not_checkable(f: Finding, module: str, where: str) -> Finding:
    top = module.split(".")[0]
    if f.rule == "TST011":
        return f.with_(severity=Severity.MEDIUM, message=(
            f"not checkable offline: the tests import `{top}`, which {where} declares but iacqa cannot install "
            f"offline, so they were not run: {f.message}"), extra={**f.extra, "not_checkable": top,
                                                                 "declared_in": where})
    if f.rule == "RTE004":
        return f.with_(severity=Severity.MEDIUM, message=(
            f"{f.message}; {where} declares it, so the deploy works only if it bundles or vendors that file into the "
            "code package (pip install -r ... -t <code dir>, sam build, PythonFunction): iacqa cannot install it "
            "offline, so the handler was not run past this import"),
            extra={**f.extra, "not_checkable": top, "declared_in": where})
    skipped = ("the resources created after this import are not in the graph; graph rules, the emulator and the "
               "tests stage saw only what was declared before it")
    return f.with_(severity=Severity.LOW, title="not checkable offline: declared package not installed here",
                   message=f"not checkable offline: the program imports `{top}`, which {where} declares but iacqa "
                   f"cannot install offline ({f.error or f.message}); {skipped}",
                   fix=f"nothing to fix in the project; to check it fully, install `{top}` where iacqa runs",
                   extra={**f.extra, "not_checkable": top, "declared_in": where})


__all__ = ["declared", "declaring_file", "reclassify"]
