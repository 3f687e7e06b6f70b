"""What can be said about a function's code before running it: the package exists and holds the handler module,
and every environment variable the code reads by subscript is set."""

from __future__ import annotations

import ast
from typing import Any

from iacqa.catalog.runtime import CodePackageMissing, EnvVarNotSet, HandlerNotFound
from iacqa.model import CodeArtifact, Finding, Location, Resource, ResourceGraph

# Variables the Lambda runtime sets for every function.
LAMBDA_ENV = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
              "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
              "AWS_EXECUTION_ENV", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "TZ", "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS",
              "_X_AMZN_TRACE_ID", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_RUNTIME_API", "LANG", "PATH",
              "LD_LIBRARY_PATH", "PYTHONPATH", "HOME"}


def handler_module(handler: str, runtime: str) -> tuple[str, str]:
    module, _, func = handler.rpartition(".")
    if runtime.startswith("python"):
        return module.replace(".", "/") + ".py", func
    return module, func


def _rel(path: str | None, root: Any) -> str | None:
    if path and root is not None and path.startswith(str(root)):
        return "./" + path[len(str(root)):].lstrip("/")
    return path


def package_findings(graph: ResourceGraph, fn: Resource, root: Any = None) -> list[Finding]:
    """PKG001 / RTE003 from the graph alone. An empty list means the code can be run."""
    art = graph.code.get(fn.id)
    source = _rel(art.source_path, root) if art is not None else None
    runtime = str(fn.get("Runtime") or "")
    handler = str(fn.get("Handler") or "index.handler")
    if fn.get("PackageType") == "Image" or fn.get("ImageUri"):
        return []
    if art is None:
        return []  # no code the front end could see (S3 bucket/key, or a value known only at deploy time)
    missing = CodePackageMissing.missing(graph, fn, root)
    if missing is not None:
        return [missing]
    if not runtime.startswith("python"):
        return []
    path, _func = handler_module(handler, runtime)
    if path not in art.files:
        where = f"`{source}`" if source else "the inline code"
        if art.kind == "zip":
            return [CodePackageMissing.finding(
                f"{fn.id}: the zip {where} has no `{path}` (handler `{handler}`)", resource=fn,
                attribute="Code", error=f"Runtime.ImportModuleError: Unable to import module "
                f"'{handler.rpartition('.')[0]}'", fix=f"put {path} at the root of the zip")]
        return [HandlerNotFound.finding(
            f"{fn.id}: handler `{handler}` names `{path}`, which {where} does not contain "
            f"(files: {', '.join(sorted(art.files)[:6]) or 'none'})", resource=fn, attribute="Handler",
            error=f"Runtime.ImportModuleError: Unable to import module '{handler.rpartition('.')[0]}': "
            f"No module named '{handler.rpartition('.')[0]}'",
            fix="make handler `<file without .py>.<function>` match the package")]
    return []


def reachable(files: dict[str, str], handler: str) -> dict[str, str]:
    """The handler's module and the package modules it imports (transitively): several functions often share one
    code directory, each with its own handler file."""
    start = handler.rpartition(".")[0].replace(".", "/") + ".py"
    if start not in files:
        return {k: v for k, v in files.items() if k.endswith(".py")}
    out: dict[str, str] = {}
    todo = [start]
    while todo:
        path = todo.pop()
        if path in out or path not in files:
            continue
        out[path] = files[path]
        try:
            tree = ast.parse(files[path])
        except SyntaxError:
            continue
        base = path.rpartition("/")[0]
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    mod = (base.replace("/", ".") + "." + mod).strip(".") if base else mod
                names = [mod] + [f"{mod}.{a.name}" if mod else a.name for a in node.names]
            for n in names:
                rel = n.replace(".", "/")
                for cand in (f"{rel}.py", f"{rel}/__init__.py"):
                    if cand in files:
                        todo.append(cand)
    return out


def env_findings(fn: Resource, art: CodeArtifact | None, env: dict[str, Any]) -> list[Finding]:
    """RTE002 for `os.environ["X"]` reads where the function does not set X (a certain KeyError)."""
    if art is None:
        return []
    out = []
    seen = set()
    for path, text in reachable(art.files, str(fn.get("Handler") or "index.handler")).items():
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                    and isinstance(node.slice.value, str) and isinstance(node.ctx, ast.Load)):
                continue
            base = ast.unparse(node.value)
            if not base.endswith("environ"):
                continue
            var = node.slice.value
            if var in env or var in LAMBDA_ENV or var in seen:
                continue
            seen.add(var)
            loc = art.map_line(path, node.lineno)
            out.append(EnvVarNotSet.finding(
                f"{fn.id} reads environment variable `{var}`, which the function does not set "
                f"(it sets: {', '.join(sorted(env)) or 'none'})", resource=fn, location=loc, symbol=var,
                error=f"KeyError: '{var}'", fix=f"add `{var}` to the function's environment variables"))
    return out


def location_or(loc: Location | None, fallback: Location) -> Location:
    return loc if loc is not None and loc.file else fallback
