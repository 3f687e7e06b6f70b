"""The HCL evaluator on real expressions: what `terraform console` would print for each."""

from __future__ import annotations

import pytest

from iacqa.frontends.terraform.expressions import EvalError, Evaluator, Scope, Unknown

SCOPE = {
    "xs": ["a", "bb", "ccc"],
    "m": {"k1": 1, "k2": 2},
    "flag": True,
    "s": "Orders-Queue",
}


def ev(text: str) -> object:
    return Evaluator(Scope(dict(SCOPE))).text(text)


@pytest.mark.parametrize(("expr", "value"), [
    ('"name-${s}"', "name-Orders-Queue"),
    ('"${flag}"', True),  # a lone interpolation keeps its type
    ("flag ? 30 : 10", 30),
    ("!flag || length(xs) > 2", True),
    ("[for x in xs : upper(x) if length(x) > 1]", ["BB", "CCC"]),
    ("{for k, v in m : k => v * 10}", {"k1": 10, "k2": 20}),
    ("xs[1]", "bb"),
    ("m[\"k2\"]", 2),
    ("xs.0", "a"),
    ('format("%s-%03d", s, 7)', "Orders-Queue-007"),
    ('lower(replace(s, "-", "_"))', "orders_queue"),
    ('jsonencode({a = [1, "b"], c = null})', '{"a":[1,"b"],"c":null}'),
    ('jsondecode("{\\"a\\": 1}").a', 1),
    ("merge(m, {k3 = 3})", {"k1": 1, "k2": 2, "k3": 3}),
    ("concat(xs, [\"d\"])", ["a", "bb", "ccc", "d"]),
    ('lookup(m, "nope", 0)', 0),
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ("element(xs, 4)", "bb"),
    ('try(m.nope, "fallback")', "fallback"),
    ("can(m.k1)", True),
    ("10 / 4", 2.5),
    ('join(",", [for i in range(3) : tostring(i)])', "0,1,2"),
    ("zipmap([\"a\", \"b\"], [1, 2])", {"a": 1, "b": 2}),
])
def test_expressions(expr: str, value: object) -> None:
    assert ev(expr) == value


def test_heredoc_interpolates_and_trims() -> None:
    text = 'x = <<-EOT\n    hello ${s}\n      indented\n    EOT\n'
    from iacqa.frontends.terraform.model import parse_hcl

    body = parse_hcl(text, "f.tf")
    assert Evaluator(Scope(dict(SCOPE))).eval(body.attributes["x"].expr) == "hello Orders-Queue\n  indented\n"


def test_unknown_values_stay_unknown() -> None:
    v = ev('"arn-${nothing.here}"')
    assert isinstance(v, Unknown)
    assert "nothing.here" in v.ref
    assert isinstance(ev("upper(missing)"), Unknown)


def test_wrong_function_is_an_error_terraform_would_give() -> None:
    with pytest.raises(EvalError, match='no function named "uppercase"'):
        ev("uppercase(s)")
    with pytest.raises(EvalError):
        ev('lookup(m, "nope")')
