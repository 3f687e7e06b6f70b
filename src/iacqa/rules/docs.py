"""docs/rules.md is generated from the rule registry: the docstrings are the documentation."""

from __future__ import annotations

from iacqa.rules.registry import all_rules


def rules_markdown() -> str:
    rules = all_rules()
    out = ["# iacqa rules", "",
           "Generated from the rule registry by `iacqa rules --markdown > docs/rules.md`; do not edit by hand.", "",
           "| id | category | severity | stage | title |", "|---|---|---|---|---|"]
    for r in rules.values():
        out.append(f"| [{r.id}](#{r.id.lower()}) | {r.category.value} | {r.severity.value} | {r.stage} | {r.title} |")
    for r in rules.values():
        out += ["", f"## {r.id}", "", f"**{r.title}** — category `{r.category.value}`, severity `{r.severity.value}`, "
                f"stage `{r.stage}`", "", r.documentation()]
    return "\n".join(out) + "\n"
