"""Terraform's built-in functions over plain Python values (the subset IaC for AWS uses).

Hand-written for the same reason as the evaluator: no library implements them outside terraform. Functions that
read files take the scope first (paths resolve against the directory terraform runs in); functions whose result
only exists at apply time (timestamp, uuid) give stable placeholders so analyses are reproducible.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import ipaddress
import itertools
import json
import math
import re
import urllib.parse
from typing import Any

import yaml

from iacqa.frontends.terraform.values import EvalError, Unknown, is_unknown


def _s(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        raise EvalError("string required")
    return str(v)


def _format(fmt: str, *args: Any) -> str:
    out, i = [], 0
    pos = 0
    for m in re.finditer(r"%(%|[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])", fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        spec = m.group(1)
        if spec == "%":
            out.append("%")
            continue
        if i >= len(args):
            raise EvalError("not enough arguments for format string")
        a = args[i]
        i += 1
        verb = spec[-1]
        if verb == "q":
            out.append(json.dumps(_s(a)))
        elif verb == "v" and "#" in spec or verb == "v" and isinstance(a, (list, dict)):
            out.append(json.dumps(a, separators=(",", ":")))
        elif verb in ("d",):
            out.append(("%" + spec) % int(a))
        elif verb in ("f", "e", "g"):
            out.append(("%" + spec) % float(a))
        elif verb in ("x", "X", "o", "b"):
            out.append(format(int(a), verb if verb != "b" else "b"))
        else:
            s = _s(a)
            width = spec[:-1]
            out.append(("%" + width + "s") % s if width and width.lstrip("-").isdigit() else s)
    out.append(fmt[pos:])
    return "".join(out)


def _lookup(m: dict, key: Any, *default: Any) -> Any:
    if not isinstance(m, dict):
        raise EvalError("lookup() requires a map")
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise EvalError(f'Invalid index: the given key "{key}" does not exist in the map')


def _element(lst: list, idx: int) -> Any:
    if not lst:
        raise EvalError("cannot use element function with an empty list")
    return lst[int(idx) % len(lst)]


def _merge(*maps: Any) -> Any:
    out: dict = {}
    for m in maps:
        if isinstance(m, Unknown):
            return Unknown("merge(...)")
        if m is None:
            continue
        if not isinstance(m, dict):
            raise EvalError("arguments must be maps or objects")
        out.update(m)
    return out


def _concat(*lists: Any) -> Any:
    out: list = []
    for x in lists:
        if isinstance(x, Unknown):
            return Unknown("concat(...)")
        if not isinstance(x, list):
            raise EvalError("all arguments must be lists or tuples")
        out.extend(x)
    return out


def _flatten(lst: Any) -> Any:
    if isinstance(lst, Unknown):
        return lst
    out: list = []
    for x in lst:
        out.extend(_flatten(x) if isinstance(x, list) else [x])
    return out


def _coalesce(*args: Any) -> Any:
    for a in args:
        if isinstance(a, Unknown):
            return a
        if a is not None and a != "":
            return a
    raise EvalError("no non-null, non-empty-string arguments")


def _length(v: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, (list, dict, str)):
        return len(v)
    raise EvalError("argument must be a string, a collection type, or a structural type")


def _distinct(lst: list) -> list:
    out: list = []
    for x in lst:
        if x not in out:
            out.append(x)
    return out


def _toset(v: Any) -> Any:
    return v if isinstance(v, Unknown) else sorted(_distinct(list(v)), key=lambda x: json.dumps(x, default=str))


def _tonumber(v: Any) -> Any:
    if v is None or isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    try:
        return int(v)
    except (TypeError, ValueError):
        try:
            return float(v)
        except (TypeError, ValueError):
            raise EvalError(f'Invalid function argument: cannot convert "{v}" to number') from None


def _tobool(v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return v
    if v in ("true", "false"):
        return v == "true"
    raise EvalError(f'cannot convert "{v}" to bool')


def _jsondecode(s: str) -> Any:
    try:
        return json.loads(s)
    except ValueError as exc:
        raise EvalError(f"jsondecode: {exc}") from None


def _jsonencode(v: Any) -> Any:
    if is_unknown(v):
        return Unknown("jsonencode(...)")
    return json.dumps(v, separators=(",", ":"))


def _yamlencode(v: Any) -> str:
    return yaml.safe_dump(v, sort_keys=False)


def _yamldecode(s: str) -> Any:
    return yaml.safe_load(s)


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    subnets = list(net.subnets(prefixlen_diff=int(newbits))) if int(newbits) <= 16 else None
    if subnets is None:
        raise EvalError("newbits too large")
    try:
        return str(subnets[int(netnum)])
    except IndexError:
        raise EvalError(f'prefix extension of {newbits} does not accommodate a subnet numbered {netnum}') from None


def _cidrhost(prefix: str, hostnum: int) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    return str(net.network_address + int(hostnum))


def _cidrsubnets(prefix: str, *newbits: int) -> list[str]:
    net = ipaddress.ip_network(prefix, strict=False)
    out, cur = [], int(net.network_address)
    for nb in newbits:
        plen = net.prefixlen + int(nb)
        size = 2 ** (net.max_prefixlen - plen)
        cur = (cur + size - 1) // size * size
        out.append(str(ipaddress.ip_network((cur, plen))))
        cur += size
    return out


def _range(*args: Any) -> list:
    nums = [int(a) for a in args]
    if len(range(*nums)) > 1024:  # terraform's own limit (cty RangeFunc); also keeps iacqa from building huge lists
        raise EvalError("Call to function \"range\" failed: more than 1024 values were "
                        "generated; either decrease the difference between start and end or use a smaller step.")
    return list(range(*nums))


def _substr(s: str, offset: int, length: int) -> str:
    offset = int(offset)
    length = int(length)
    return s[offset:] if length == -1 else s[offset:offset + length]


def _regex(pattern: str, s: str) -> Any:
    m = re.search(_re(pattern), s)
    if not m:
        raise EvalError("pattern did not match any part of the given string")
    if m.groupdict():
        return m.groupdict()
    return list(m.groups()) if m.groups() else m.group(0)


def _re(pattern: str) -> str:
    return re.sub(r"\(\?P?<", "(?P<", pattern)


def _file(scope: Any, path: str) -> Any:
    text = scope.read_file(path)
    if text is None:
        raise EvalError(f'Invalid value for "path" parameter: no file exists at "{path}"')
    return text


def _fileexists(scope: Any, path: str) -> bool:
    return scope.read_file(path) is not None


def _filehash(algo: str, b64: bool) -> Any:
    def fn(scope: Any, path: str) -> Any:
        data = scope.read_bytes(path) if hasattr(scope, "read_bytes") else None
        if data is None:
            text = scope.read_file(path)
            if text is None:
                raise EvalError(f'Invalid value for "path" parameter: no file exists at "{path}"')
            data = text.encode()
        digest = hashlib.new(algo, data)
        return base64.b64encode(digest.digest()).decode() if b64 else digest.hexdigest()
    return fn


def _filebase64(scope: Any, path: str) -> Any:
    data = scope.read_bytes(path) if hasattr(scope, "read_bytes") else None
    if data is None:
        raise EvalError(f'Invalid value for "path" parameter: no file exists at "{path}"')
    return base64.b64encode(data).decode()


def _fileset(scope: Any, path: str, pattern: str) -> Any:
    lister = getattr(scope, "list_files", None)
    return lister(path, pattern) if lister else Unknown("fileset(...)")


def _b64(fn: Any) -> Any:
    return lambda s: base64.b64encode(fn(_s(s).encode()).digest()).decode()


FUNCTIONS: dict[str, Any] = {
    # numbers
    "abs": abs, "ceil": math.ceil, "floor": math.floor, "max": max, "min": min, "pow": pow, "log": math.log,
    "signum": lambda x: (x > 0) - (x < 0), "parseint": lambda s, b: int(s, int(b)),
    # strings
    "chomp": lambda s: s.rstrip("\r\n"), "format": _format,
    "formatlist": lambda f, *ls: [_format(f, *xs) for xs in zip(*ls, strict=False)],
    "indent": lambda n, s: s.replace("\n", "\n" + " " * int(n)), "join": lambda sep, lst: sep.join(_s(x) for x in lst),
    "lower": lambda s: s.lower(), "upper": lambda s: s.upper(),
    "replace": lambda s, a, b: re.sub(_re(a[1:-1]), b.replace("$", "\\"), s) if len(a) > 1 and a.startswith("/")
    and a.endswith("/") else s.replace(a, b),
    "split": lambda sep, s: s.split(sep), "strrev": lambda s: s[::-1], "substr": _substr,
    "title": lambda s: s.title(), "trim": lambda s, cs: s.strip(cs), "trimprefix": lambda s, p: s.removeprefix(p),
    "trimsuffix": lambda s, p: s.removesuffix(p), "trimspace": lambda s: s.strip(), "regex": _regex,
    "regexall": lambda p, s: [m.group(0) if not m.groups() else list(m.groups()) for m in re.finditer(_re(p), s)],
    "startswith": lambda s, p: s.startswith(p), "endswith": lambda s, p: s.endswith(p),
    "strcontains": lambda s, p: p in s, "tostring": lambda v: None if v is None else _s(v),
    # collections
    "alltrue": lambda lst: all(lst), "anytrue": lambda lst: any(lst),
    "chunklist": lambda lst, n: [lst[i:i + int(n)] for i in range(0, len(lst), int(n))],
    "coalesce": _coalesce, "coalescelist": lambda *ls: next((x for x in ls if x), []),
    "compact": lambda lst: lst if isinstance(lst, Unknown) else [x for x in lst if x not in (None, "")],
    "concat": _concat, "contains": lambda lst, v: v in lst, "distinct": _distinct, "element": _element,
    "flatten": _flatten, "index": lambda lst, v: lst.index(v), "keys": lambda m: sorted(m.keys()),
    "length": _length, "lookup": _lookup, "merge": _merge, "one": lambda lst: lst[0] if lst else None,
    "range": _range, "reverse": lambda lst: list(reversed(lst)),
    "setintersection": lambda a, *r: [x for x in a if all(x in o for o in r)],
    "setunion": lambda *ls: _distinct([x for lst in ls for x in lst]),
    "setsubtract": lambda a, b: [x for x in a if x not in b],
    "setproduct": lambda *ls: [list(t) for t in itertools.product(*ls)],
    "slice": lambda lst, a, b: lst[int(a):int(b)], "sort": lambda lst: sorted(lst, key=_s),
    "sum": lambda lst: sum(lst), "values": lambda m: [m[k] for k in sorted(m)],
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=False)), "tolist": lambda v: v if isinstance(v, Unknown) else list(v),
    "toset": _toset, "tomap": lambda v: dict(v), "tonumber": _tonumber, "tobool": _tobool,
    "transpose": lambda m: {v: sorted(k for k, vs in m.items() if v in vs) for vs in m.values() for v in vs},
    "matchkeys": lambda vals, keys, search: [v for v, k in zip(vals, keys, strict=False) if k in search],
    "sensitive": lambda v: v, "nonsensitive": lambda v: v, "type": lambda v: type(v).__name__,
    "try": lambda *a: a[0] if a else None, "can": lambda *a: True,
    # encoding
    "base64encode": lambda s: base64.b64encode(_s(s).encode()).decode(),
    "base64decode": lambda s: base64.b64decode(s).decode(errors="replace"), "jsondecode": _jsondecode,
    "jsonencode": _jsonencode, "yamlencode": _yamlencode, "urlencode": lambda s: urllib.parse.quote(s, safe=""),
    "csvdecode": lambda s: list(csv.DictReader(s.splitlines())), "yamldecode": _yamldecode,
    # hashes and crypto (of strings)
    "md5": lambda s: hashlib.md5(_s(s).encode()).hexdigest(), "sha1": lambda s: hashlib.sha1(_s(s).encode()).hexdigest(),
    "sha256": lambda s: hashlib.sha256(_s(s).encode()).hexdigest(),
    "sha512": lambda s: hashlib.sha512(_s(s).encode()).hexdigest(),
    "base64sha256": _b64(hashlib.sha256), "base64sha512": _b64(hashlib.sha512),
    "uuid": lambda: "00000000-0000-4000-8000-000000000000", "timestamp": lambda: "2026-01-01T00:00:00Z",
    "formatdate": lambda fmt, ts: ts, "timeadd": lambda ts, d: ts, "plantimestamp": lambda: "2026-01-01T00:00:00Z",
    # network
    "cidrsubnet": _cidrsubnet, "cidrhost": _cidrhost, "cidrsubnets": _cidrsubnets,
    "cidrnetmask": lambda p: str(ipaddress.ip_network(p, strict=False).netmask),
    # paths and files
    "abspath": lambda p: p, "dirname": lambda p: p.rsplit("/", 1)[0] if "/" in p else ".",
    "basename": lambda p: p.rsplit("/", 1)[-1], "pathexpand": lambda p: p,
    "file": _file, "fileexists": _fileexists, "filebase64": _filebase64,
    "filebase64sha256": _filehash("sha256", True), "filebase64sha512": _filehash("sha512", True),
    "filemd5": _filehash("md5", False), "filesha256": _filehash("sha256", False), "filesha1": _filehash("sha1", False),
    "fileset": _fileset,
}
