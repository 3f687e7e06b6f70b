"""Evaluate HCL expressions (python-hcl2's lark trees) the way `terraform plan` would, offline.

Written by hand because no Python library evaluates HCL: python-hcl2 parses, and terraform itself needs
providers to plan. Values are plain Python (str, int, float, bool, None, list, dict); a value Terraform would know
only after apply is an `Unknown` that carries the reference text, and anything built from an unknown stays
unknown. Names are resolved through a `Scope` (variables, locals, resources, data sources, iteration values) so the
same evaluator serves module bodies, `count`/`for_each` instances and `for` expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from iacqa.frontends.terraform.functions import FUNCTIONS as BUILTINS
from iacqa.frontends.terraform.model import JsonExpr, parse_expression, parse_template
from iacqa.frontends.terraform.values import EvalError, Scope, Unknown, concrete, is_unknown

__all__ = ["FUNCTIONS", "EvalError", "Evaluator", "Scope", "Unknown", "concrete", "is_unknown", "literal"]

MAX_DEPTH = 200


# -- literals (no scope) ----------------------------------------------------------------------------------------
def literal(expr: Tree, text: str = "") -> Any:
    """A constant expression's value; raises for anything that needs names (used for name-only rendering)."""
    v = Evaluator(Scope()).eval(expr)
    if is_unknown(v):
        raise ValueError(text)
    return v


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(s: str) -> str:
    if "\\" not in s:
        return s

    def rep(m: re.Match[str]) -> str:
        c = m.group(1)
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c.startswith("u") or c.startswith("U"):
            try:
                return chr(int(c[1:], 16))
            except ValueError:
                return m.group(0)
        return m.group(0)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", rep, s)


def _str(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return str(v)
    if v is None:
        return ""
    return v


class Evaluator:
    def __init__(self, scope: Scope, functions: dict[str, Callable[..., Any]] | None = None) -> None:
        self.scope = scope
        self.functions = FUNCTIONS if functions is None else functions
        self.depth = 0

    def with_scope(self, scope: Scope) -> Evaluator:
        ev = Evaluator(scope, self.functions)
        ev.depth = self.depth
        return ev

    # -- entry points -----------------------------------------------------------------------------------------------
    def eval(self, node: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown("expression too deep")
            if isinstance(node, JsonExpr):
                return self.json(node.value)
            if isinstance(node, Token):
                return str(node)
            return getattr(self, "e_" + node.data, self.e_unsupported)(node)
        finally:
            self.depth -= 1

    def json(self, value: Any) -> Any:
        """A JSON-syntax value: objects and arrays recursively, strings as templates."""
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items() if not k.startswith("//")}
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, str) and ("${" in value or "%{" in value):
            try:
                return self.eval(parse_template(value))
            except Exception:  # noqa: BLE001 - an unparsable template stays as written
                return value
        return value

    def text(self, text: str) -> Any:
        return self.eval(parse_expression(text))

    # -- nodes ------------------------------------------------------------------------------------------------------
    def e_unsupported(self, node: Tree) -> Any:
        return Unknown(node.data)

    def e_expr_term(self, node: Tree) -> Any:
        inner = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        return self.eval(inner[0]) if inner else None

    def e_int_lit(self, node: Tree) -> Any:
        return int(str(node.children[0]))

    def e_float_lit(self, node: Tree) -> Any:
        return float(str(node.children[0]))

    def e_literal_value(self, node: Tree) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def e_string(self, node: Tree) -> Any:
        parts: list[Any] = []
        directives = False
        for p in node.children:
            if not isinstance(p, Tree) or p.data != "string_part":
                continue
            c = p.children[0] if p.children else ""
            if isinstance(c, Token):
                s = str(c)
                if c.type == "ESCAPED_INTERPOLATION":
                    s = s[1:]
                elif c.type == "ESCAPED_DIRECTIVE":
                    s = s[1:]
                else:
                    s = _unescape(s)
                parts.append(s)
            elif isinstance(c, Tree) and c.data == "interpolation":
                expr = next(x for x in c.children if isinstance(x, Tree))
                parts.append(self.eval(expr))
            else:
                directives = True
        if directives:
            return Unknown("template directive")
        if len(parts) == 1 and not isinstance(parts[0], str):
            return parts[0]  # "${x}" keeps x's type, as in Terraform
        if any(isinstance(p, Unknown) for p in parts):
            return Unknown("".join(p.ref if isinstance(p, Unknown) else str(_str(p)) for p in parts))
        out = []
        for p in parts:
            p = _str(p)
            if isinstance(p, (list, dict)):
                raise EvalError("Cannot include a list or object in a string template")
            out.append(p)
        return "".join(out)

    def _heredoc(self, node: Tree, trim: bool) -> Any:
        raw = str(node.children[0])
        first_nl = raw.index("\n")
        body = raw[first_nl + 1:]
        body = body[: body.rstrip("\n").rfind("\n") + 1] if "\n" in body.rstrip("\n") else ""
        if trim:
            lines = body.split("\n")
            indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
            cut = min(indents) if indents else 0
            body = "\n".join(ln[cut:] for ln in lines)
        if "${" not in body and "%{" not in body:
            return body
        try:
            return self.eval(parse_template(body))
        except Exception:  # noqa: BLE001
            return Unknown("heredoc")

    def e_heredoc_template(self, node: Tree) -> Any:
        return self._heredoc(node, False)

    def e_heredoc_template_trim(self, node: Tree) -> Any:
        return self._heredoc(node, True)

    def e_template_string(self, node: Tree) -> Any:
        return _unescape(str(node.children[0])[2:-2])

    def e_tuple(self, node: Tree) -> Any:
        return [self.eval(c) for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    def e_object(self, node: Tree) -> Any:
        out: dict[str, Any] = {}
        for elem in node.children:
            if not isinstance(elem, Tree) or elem.data != "object_elem":
                continue
            key_node, val_node = elem.children[0], elem.children[-1]
            key = self._key(key_node)
            out[key] = self.eval(val_node)
        return out

    def _key(self, key_node: Tree) -> str:
        inner = key_node.children[0]
        if isinstance(inner, Tree) and inner.data == "keyword":
            return str(inner.children[0])
        # A bare identifier key is the literal name, not a variable reference.
        if isinstance(inner, Tree) and inner.data == "expr_term":
            sub = [c for c in inner.children if isinstance(c, Tree)]
            if len(sub) == 1 and sub[0].data == "identifier" and len(inner.children) == 1:
                return str(sub[0].children[0])
        v = self.eval(inner)
        return str(_str(v)) if not isinstance(v, Unknown) else str(v)

    def e_identifier(self, node: Tree) -> Any:
        value, _ = self.scope.root(str(node.children[0]), [])
        return value

    def e_conditional(self, node: Tree) -> Any:
        parts = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        cond = self.eval(parts[0])
        if isinstance(cond, Unknown):
            a, b = self.eval(parts[1]), self.eval(parts[2])
            return a if a == b else Unknown(f"conditional on {cond.ref}")
        return self.eval(parts[1] if _truthy(cond) else parts[2])

    def e_unary_op(self, node: Tree) -> Any:
        op = str(node.children[0])
        v = self.eval(node.children[1])
        if isinstance(v, Unknown):
            return v
        if op == "!":
            return not _truthy(v)
        return -_num(v)

    def e_binary_op(self, node: Tree) -> Any:
        left = self.eval(node.children[0])
        term = node.children[1]
        op = str(next(c for c in term.children if isinstance(c, Tree) and c.data == "binary_operator").children[0])
        right_node = [c for c in term.children if isinstance(c, Tree) and c.data not in ("binary_operator",
                                                                                        "new_line_or_comment")][0]
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        right = self.eval(right_node)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return Unknown(f"{getattr(left, 'ref', left)} {op} {getattr(right, 'ref', right)}")
        return _binary(op, left, right)

    def e_function_call(self, node: Tree) -> Any:
        ids = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = str(ids[-1].children[0])
        args_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        args: list[Any] = []
        expand = False
        if name in ("try", "can") and args_node is not None:
            return self._try(name, [c for c in args_node.children if isinstance(c, Tree)
                                    and c.data != "new_line_or_comment"])
        if args_node is not None:
            args = [self.eval(c) for c in args_node.children if isinstance(c, Tree)
                    and c.data != "new_line_or_comment"]
            expand = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children)
        if expand and args and isinstance(args[-1], list):
            args = args[:-1] + args[-1]
        fn = self.functions.get(name)
        if fn is None:
            raise EvalError(f'Call to unknown function: There is no function named "{name}".')
        if any(isinstance(a, Unknown) for a in args) and name not in ("coalesce", "merge", "concat", "tolist",
                                                                       "toset", "length", "compact", "flatten"):
            return Unknown(f"{name}(...)")
        if name in ("file", "fileexists", "filebase64sha256", "filebase64", "filemd5", "filesha256",
                    "templatefile", "fileset"):
            return fn(self.scope, *args)
        try:
            return fn(*args)
        except EvalError:
            raise
        except Exception as exc:  # noqa: BLE001 - wrong argument types: terraform rejects the call
            raise EvalError(f'Invalid function argument: {name}(): {exc}') from None

    def _try(self, name: str, nodes: list[Tree]) -> Any:
        """try()/can() evaluate lazily: an error (or a missing attribute) moves on to the next argument."""
        last: Any = Unknown("try(...)")
        for node in nodes:
            try:
                v = self.eval(node)
            except EvalError:
                if name == "can":
                    return False
                continue
            if name == "can":
                return not isinstance(v, Unknown)
            if not isinstance(v, Unknown):
                return v
            last = v
        return last

    # -- traversals -------------------------------------------------------------------------------------------------
    def _flatten(self, node: Tree) -> tuple[Any, list[tuple[str, Any]]]:
        """`a.b[0].c` -> (root node, [("attr", "b"), ("index", 0), ("attr", "c")])."""
        steps: list[tuple[str, Any]] = []
        cur: Any = node
        while isinstance(cur, Tree):
            if cur.data == "expr_term":
                inner = [c for c in cur.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
                has_paren = any(isinstance(c, Token) and str(c) == "(" for c in cur.children)
                if len(inner) == 1 and not has_paren:
                    cur = inner[0]
                    continue
                break
            if cur.data == "get_attr_expr_term":
                steps.append(("attr", _name_of(cur.children[1])))
                cur = cur.children[0]
            elif cur.data == "index_expr_term":
                steps.append(("index", _index_expr(cur.children[1])))
                cur = cur.children[0]
            elif cur.data in ("attr_splat_expr_term", "full_splat_expr_term"):
                rest = []
                for c in cur.children[1].children:
                    if isinstance(c, Tree) and c.data == "get_attr":
                        rest.append(("attr", _name_of(c)))
                    elif isinstance(c, Tree):
                        rest.append(("index", _index_expr(c)))
                steps.append(("splat", rest))
                cur = cur.children[0]
            else:
                break
        steps.reverse()
        return cur, steps

    def _traverse(self, node: Tree) -> Any:
        root, steps = self._flatten(node)
        if isinstance(root, Tree) and root.data == "identifier":
            value, used = self.scope.root(str(root.children[0]), steps)
            # The label names what was resolved (`random_password.db`, not `random_password`), so an attribute
            # known only after apply keeps the address it belongs to.
            label = ".".join([str(root.children[0]), *(str(a) for _kind, a in steps[:used])])
            steps = steps[used:]
        else:
            value = self.eval(root)
            label = "value"
        return self._apply(value, steps, label)

    def _apply(self, value: Any, steps: list[tuple[str, Any]], label: str) -> Any:
        for i, (kind, arg) in enumerate(steps):
            if isinstance(value, Unknown):
                return Unknown(value.ref + _describe(steps[i:]))
            if kind == "splat":
                items = value if isinstance(value, list) else ([] if value is None else [value])
                return [self._apply(item, arg, label) for item in items]
            key = arg if kind == "attr" else self.eval(arg) if isinstance(arg, Tree) else arg
            if isinstance(key, Unknown):
                return Unknown(f"{label}[{key.ref}]")
            if isinstance(value, dict):
                k = str(_str(key))
                if k not in value:
                    return Unknown(f"{label}.{k}")
                value = value[k]
            elif isinstance(value, list):
                try:
                    value = value[int(key)]
                except (ValueError, IndexError, TypeError):
                    return Unknown(f"{label}[{key}]")
            else:
                return Unknown(f"{label}.{key}")
            label = f"{label}.{key}"
        return value

    e_get_attr_expr_term = _traverse
    e_index_expr_term = _traverse
    e_attr_splat_expr_term = _traverse
    e_full_splat_expr_term = _traverse

    # -- for expressions --------------------------------------------------------------------------------------------
    def _for(self, node: Tree) -> tuple[list[str], Any, list[Tree], Tree | None]:
        intro = next(c for c in node.children if isinstance(c, Tree) and c.data == "for_intro")
        names = [str(c.children[0]) for c in intro.children if isinstance(c, Tree) and c.data == "identifier"]
        coll_node = [c for c in intro.children if isinstance(c, Tree) and c.data not in ("identifier",
                                                                                        "new_line_or_comment")][0]
        body = [c for c in node.children if isinstance(c, Tree) and c.data not in ("for_intro", "for_cond",
                                                                                  "new_line_or_comment")]
        cond = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"), None)
        return names, self.eval(coll_node), body, cond

    def _iterate(self, names: list[str], coll: Any) -> list[dict[str, Any]]:
        if isinstance(coll, dict):
            pairs = list(coll.items())
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            return []
        out = []
        for k, v in pairs:
            out.append({names[0]: k, names[1]: v} if len(names) == 2 else {names[0]: v})
        return out

    def _cond_ok(self, ev: Evaluator, cond: Tree | None) -> bool:
        if cond is None:
            return True
        expr = [c for c in cond.children if isinstance(c, Tree) and c.data != "new_line_or_comment"][0]
        return _truthy(ev.eval(expr))

    def e_for_tuple_expr(self, node: Tree) -> Any:
        names, coll, body, cond = self._for(node)
        if isinstance(coll, Unknown):
            return Unknown(f"for over {coll.ref}")
        out = []
        for binding in self._iterate(names, coll):
            ev = self.with_scope(self.scope.child(binding))
            if self._cond_ok(ev, cond):
                out.append(ev.eval(body[0]))
        return out

    def e_for_object_expr(self, node: Tree) -> Any:
        names, coll, body, cond = self._for(node)
        if isinstance(coll, Unknown):
            return Unknown(f"for over {coll.ref}")
        grouped = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        out: dict[str, Any] = {}
        for binding in self._iterate(names, coll):
            ev = self.with_scope(self.scope.child(binding))
            if not self._cond_ok(ev, cond):
                continue
            k = ev.eval(body[0])
            key = str(_str(k)) if not isinstance(k, Unknown) else str(k)
            v = ev.eval(body[1])
            if grouped:
                out.setdefault(key, []).append(v)
            else:
                out[key] = v
        return out


def _index_expr(node: Tree) -> Any:
    """`[expr]` -> expr (a tree to evaluate); `.0` -> 0."""
    if node.data == "short_index":
        return int(str(next(c for c in node.children if isinstance(c, Token) and c.type == "INT_LITERAL")))
    if node.data == "braces_index":
        return next(c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment")
    return node


def _name_of(get_attr: Tree) -> str:
    return str(next(c for c in get_attr.children if isinstance(c, Tree)).children[0])


def _describe(steps: list[tuple[str, Any]]) -> str:
    return "".join(f".{a}" if k == "attr" else "[*]" if k == "splat" else "[...]" for k, a in steps)


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        if v in ("true", "false"):
            return v == "true"
        raise EvalError(f'Invalid condition: a bool is required, not the string "{v}"')
    return bool(v)


def _num(v: Any) -> int | float:
    if isinstance(v, bool):
        raise EvalError("a number is required")
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            return float(v)
    raise EvalError(f"a number is required, not {type(v).__name__}")


def _binary(op: str, a: Any, b: Any) -> Any:
    if op == "==":
        return _eq(a, b)
    if op == "!=":
        return not _eq(a, b)
    if op == "&&":
        return _truthy(a) and _truthy(b)
    if op == "||":
        return _truthy(a) or _truthy(b)
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise EvalError("Division by zero")
        r = x / y
        return int(r) if r.is_integer() else r
    if op == "%":
        return x % y
    return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, str) or isinstance(b, (int, float)) and isinstance(a, str):
        return False
    return a == b


def _templatefile(scope: Any, path: str, variables: dict | None = None) -> Any:
    """templatefile() renders with this evaluator, so it is registered here rather than among the plain functions."""
    text = scope.read_file(path)
    if text is None:
        raise EvalError(f'Invalid value for "path" parameter: no file exists at "{path}"')
    if "${" not in text and "%{" not in text:
        return text
    try:
        return Evaluator(Scope(dict(variables or {}))).eval(parse_template(text))
    except EvalError:
        raise
    except Exception:  # noqa: BLE001 - template directives the evaluator does not render
        return Unknown(f"templatefile({path})")


FUNCTIONS: dict[str, Callable[..., Any]] = {**BUILTINS, "templatefile": _templatefile}
