"""SDK009: a Pulumi Output formatted into a string: the property holds Pulumi's warning text, not the value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iacqa.knowledge.evidence import version
from iacqa.model import Category, Finding, Location, Resource, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene._source import declaration_span

# The first line of the text each SDK returns instead of the value (pulumi/output.py `_OutputToStringError`;
# @pulumi/pulumi output.js `OutputToStringError` and `toJSON`). Matched, not imitated: these are what the mock run
# put into the graph.
MARKERS = {
    "Calling __str__ on an Output[T] is not supported.": "python",
    "Calling [toString] on an [Output<T>] is not supported.": "node",
    "Calling [toJSON] on an [Output<T>] is not supported.": "node",
}
# The line each SDK appends after its message: what follows it in the value was written after the Output.
_TAIL = re.compile(r"This function may throw in a future version of (?:Pulumi|@pulumi/pulumi)\.")
# Attributes whose value AWS validates as a name, identifier, ARN, tag or policy: the ~300-character warning text
# (newlines, spaces, brackets) is rejected there. Anywhere else the resource deploys with the wrong value.
_WORDS = (r"names?|arns?|ids?|identifier|key|tags?|policy|document|bucket|prefix|role|principal|resource|uri|url|domain"
          r"|cidr|subnets?")
# snake_case or whole words in any case (`vpc_id`, `Resource`), camelCase endings (`roleArn`), never `valid`
_STRICT = re.compile(rf"(?i:(?:^|_)(?:{_WORDS})$)|[a-z](?:{_WORDS.title()})$")


def _walk(value: Any, path: str, in_tags: bool = False) -> Iterator[tuple[str, str, bool]]:
    """(attribute path, text, is a tag key/value) of every string (dict keys included) holding a marker."""
    if isinstance(value, str):
        if any(m in value for m in MARKERS):
            yield path, value, in_tags
    elif isinstance(value, dict):
        for k, v in value.items():
            tagged = in_tags or str(k).lower() in ("tags", "tags_all", "default_tags")
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(k, str) and any(m in k for m in MARKERS):
                yield f"{path}.<key>" if path else "<key>", k, True if tagged or in_tags else in_tags
            yield from _walk(v, sub, tagged)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}.{i}", in_tags)


class OutputRenderedAsText(Rule):
    """A Pulumi Output was formatted into a string, so the property holds Pulumi's warning text.

    What it finds: a property value (tag keys included) that contains the text the Pulumi SDK returns when an Output
    is turned into a string: Python `f"...{bucket.arn}..."`, `str(output)`, `"..." + output.format()`; TypeScript
    and JavaScript template literals or `+` over an Output, `JSON.stringify` of an object holding one. The program
    runs under Pulumi's mocks, so the value the SDK produced is in the graph, one finding per resource attribute.
    Why it breaks: an Output is a promise of a value; formatting it yields "Calling __str__ on an Output[T] is not
    supported" (Python) or "Calling [toString] on an [Output<T>] is not supported" (Node) instead of the value.
    Names, ARNs, tag keys and values and policy documents then fail AWS validation (the text is ~300 characters
    with newlines); other attributes deploy holding the warning text.
    Bad: `tags={f"k8s.io/cluster-autoscaler/{cluster.name}": "owned"}`;
    TS `` [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' ``
    Good: `cluster.name.apply(lambda n: {f"k8s.io/cluster-autoscaler/{n}": "owned"})`;
    `pulumi.Output.concat("arn:", bucket.arn)`; TS ``pulumi.interpolate`...${clusterName}` `` or
    `clusterName.apply(n => ({[`k8s.io/cluster-autoscaler/${n}`]: 'owned'}))`.
    What AWS says: for names, tags and ARNs a validation error (`ValidationException: ... Tag keys must be ...`,
    `Member must have length less than or equal to 128`); elsewhere nothing at deploy, the resource holds the text.
    The SDK logs `Calling __str__ on an Output[T] is not supported` as a warning.
    References: https://www.pulumi.com/docs/iac/concepts/inputs-outputs/,
    https://www.pulumi.com/docs/iac/concepts/inputs-outputs/apply/#outputs-and-strings
    """

    id = "SDK009"
    category = Category.SDK_API
    severity = Severity.CRITICAL
    title = "Output formatted into a string"
    docs_url = "https://www.pulumi.com/docs/iac/concepts/inputs-outputs/apply/#outputs-and-strings"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        lines: set[tuple[str | None, int | None]] = set()
        for r in ctx.graph:
            seen: set[str] = set()
            props = {k: v for k, v in (r.native_properties or {}).items() if k != "__opts"}
            for path, text, tagged in _walk(props, ""):
                top = path.split(".")[0]
                if top in seen:
                    continue
                seen.add(top)
                f = self._finding(ctx, r, path, text, tagged)
                lines.add((f.file, f.line))
                yield f
        # The graph misses what the program never reached (a partial run): read the TypeScript source too.
        for file, line, name in _ts_template_outputs(ctx):
            if (file, line) not in lines:
                yield self.finding(
                    f"`${{{name}}}` in a plain template literal: {name} is declared as a pulumi.Output, so the "
                    "string holds Pulumi's warning text (\"Calling [toString] on an [Output<T>] is not supported\"), "
                    "not the value", location=Location(file, line), severity=Severity.HIGH, symbol="toString",
                    error="a name, tag or ARN holding the warning text fails AWS validation; elsewhere nothing at "
                    "deploy, the resource holds the text", fix="pulumi.interpolate`...${" + name + "}...` or "
                    f"{name}.apply(v => `...${{v}}...`)",
                    evidence="@pulumi/pulumi's Output.toString (output.js) returns the warning text; the identifier's "
                    "declared type (pulumi.Output<...>) in the source")

    def _finding(self, ctx: RuleContext, r: Resource, path: str, text: str, tagged: bool) -> Finding:
        marker = next(m for m in MARKERS if m in text)
        sdk = MARKERS[marker]
        prefix = text[:text.index(marker)]
        leaf = [p for p in path.split(".") if not p.isdigit() and p != "<key>"]
        strict = tagged or any(_STRICT.search(p) for p in leaf[-1:] or [""])
        how = ("`str()`/an f-string/`.format()`" if sdk == "python" else "a template literal or `+`" if "toString"
               in marker else "`JSON.stringify`")
        shown = f"{'...' if len(prefix) > 40 else ''}{prefix[-40:]}<warning text>"
        what = "the tag key" if path.endswith("<key>") else path
        top = path.split(".")[0]
        if tagged:
            err = "ValidationException: tag keys must be at most 128 and values 256 characters of letters, digits, " \
                  "spaces and _.:/=+-@"
        elif re.search(r"policy|document", top, re.I):
            err = "MalformedPolicyDocument: the policy holds the warning text where an ARN or value belongs"
        elif strict:
            err = "ValidationException: the warning text (~300 characters with newlines) is not a valid value here"
        else:
            err = "nothing at deploy; the resource holds the warning text instead of the value"
        evidence = (f"the installed pulumi {version('pulumi')} SDK: Output.__str__ returns this text "
                    "(pulumi/output.py, _OutputToStringError)" if sdk == "python" else
                    "@pulumi/pulumi in iacqa's node toolchain: Output.toString/toJSON return this text (output.js)")
        fix = ("build the string inside `.apply()` or with `pulumi.Output.concat(...)` / `pulumi.Output.format(...)`"
               if sdk == "python" else "use pulumi.interpolate`...` or `.apply(v => ...)`; for objects, "
               "`pulumi.jsonStringify(...)` or `.apply(v => JSON.stringify(v))`")
        return self.finding(
            f"{r.id}: {what} was built from an Output with {how}: its value is {shown!r} (Pulumi's warning "
            "text), not the resource attribute" + ("; AWS rejects it" if strict else ""),
            resource=r, attribute=top, location=self._locate(ctx, r, top, text, marker),
            severity=Severity.CRITICAL if strict else Severity.HIGH, symbol=marker.split(" ")[1],
            error=f"{err}; the SDK warns: {marker}", fix=fix, evidence=evidence)

    @staticmethod
    def _locate(ctx: RuleContext, r: Resource, top: str, text: str, marker: str) -> Location:
        """The line in the resource's declaration that writes the literal text next to the Output (the piece before
        it, else the piece after it, within the same string), else the attribute's line."""
        before = re.split(r'["\s]', text[:text.index(marker)])[-1]
        after = re.split(r'["\s]', _TAIL.split(text, 1)[-1])[0] if _TAIL.search(text) else ""
        file, start, end = declaration_span(ctx, r)
        lines = ctx.lines(file) if file else []
        for probe in (before[-24:], after[:24]):
            if len(probe) < 3:
                continue
            for i in range(max(start, 1), min(end, len(lines)) + 1):
                if probe in lines[i - 1]:
                    return Location(file, i)
        for key in (top, re.sub(r"_(\w)", lambda m: m.group(1).upper(), top)):
            if key in r.attr_locations:
                return r.attr_locations[key]
        return r.location


# TypeScript: identifiers declared with an Output type (interface fields, parameters, class members, consts).
_OUTPUT_DECL = re.compile(r"\b([A-Za-z_$][\w$]*)\s*\??\s*:\s*(?:pulumi\.)?Output<")
_TEMPLATE_REF = re.compile(r"\$\{\s*(?:(?:this|args|props)\.)?([A-Za-z_$][\w$]*)\s*\}")


def _ts_template_outputs(ctx: RuleContext) -> Iterator[tuple[str, int, str]]:
    """(file, line, identifier) of `${x}` in an untagged template literal where x is declared as a pulumi.Output
    in the same file and never rebound as a callback parameter (where it would be the plain value)."""
    from iacqa.rules.hygiene._text import text_sources
    from iacqa.rules.hygiene.nondeterministic import _mask_js

    for file in text_sources(ctx):
        if not file.endswith((".ts", ".js", ".mjs")):
            continue
        raw = "\n".join(ctx.lines(file))
        if "@pulumi/pulumi" not in raw:
            continue
        masked = _mask_js(raw)
        outputs = set(_OUTPUT_DECL.findall(masked))
        if not outputs:
            continue
        # a name also bound to a plain value in the file (another scope) is left alone: the file says both
        rebound = {n for n in outputs if _param(masked, n) or re.search(
            rf"\b(?:const|let|var)\s+{re.escape(n)}\s*(?::[^=]+)?=|\b{re.escape(n)}\s*\??\s*:\s*"
            r"(?:string|number|boolean|pulumi\.Input<|Input<)", masked)}
        for m in _TEMPLATE_REF.finditer(masked):
            name = m.group(1)
            if name not in outputs or name in rebound:
                continue
            tick = masked.rfind("`", 0, m.start())
            if tick < 0 or re.search(r"interpolate\s*$", masked[:tick]):
                continue
            yield file, masked.count("\n", 0, m.start()) + 1, name


def _param(text: str, name: str) -> bool:
    """Whether `name` is bound as an arrow-function parameter somewhere (`name =>`, `(a, name) =>`,
    `([t, name]) =>`, `({ name }) =>`)."""
    n = re.escape(name)
    return bool(re.search(rf"\b{n}\s*=>|\((?:[^()]*[,(\[{{]\s*)?{n}\s*(?:[,\]}}][^()]*)?\)\s*(?::[^=]+)?=>", text))
