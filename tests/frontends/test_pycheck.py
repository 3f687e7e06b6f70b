"""The shared static-check core on a small fake SDK index: what every platform's checker inherits."""

from __future__ import annotations

from pathlib import Path

from iacqa.frontends.pycheck import errors
from iacqa.frontends.pycheck.files import check_files, check_source, chosen, imports_any
from iacqa.frontends.pycheck.index import Kind, SdkIndex, Signature
from iacqa.frontends.pycheck.suggest import closest, confident

# module -> names; classes -> members; signatures by class
MODULES = {"sdk": {"storage", "queues"}, "sdk.storage": {"Bucket", "BucketArgs", "Retention"},
           "sdk.queues": {"Queue"}}
CLASSES = {"sdk.storage.Bucket": {"arn", "name"}, "sdk.storage.BucketArgs": set(),
           "sdk.storage.Retention": {"DAYS", "YEARS"}, "sdk.queues.Queue": {"url"}}
SIGS = {
    "sdk.storage.Bucket": Signature("Bucket.__init__", positional=("scope", "id"), required_positional=2,
                                    keywords=frozenset({"scope", "id", "versioned", "retention_days"}),
                                    required_kwonly=("retention_days",), var_args=False),
    "sdk.queues.Queue": Signature("Queue.__init__", keywords=frozenset({"name", "visibility_timeout_seconds"})),
}


class FakeIndex(SdkIndex):
    def kind(self, dotted: str) -> Kind:
        if dotted in MODULES:
            return Kind.MODULE
        if dotted in CLASSES:
            return Kind.CLASS
        parent, _, name = dotted.rpartition(".")
        if parent in MODULES:
            return Kind.MISSING
        if parent in CLASSES:
            return Kind.VALUE if name in CLASSES[parent] else Kind.MISSING
        return Kind.UNKNOWN

    def names(self, dotted: str) -> list[str]:
        return sorted(MODULES.get(dotted) or CLASSES.get(dotted) or ())

    def signature(self, dotted: str, instance: bool = False) -> Signature | None:
        return None if instance else SIGS.get(dotted)


INDEX = FakeIndex(roots=("sdk",), label="fake-sdk 1.0")

SRC = '''from sdk.storage import Bucket, Buckets, BucketArg, Retention
from sdk import queues as q, nothing
import sdk.missing.deeper

b = Bucket(None, "b", retention_days=1)
b.arm
Retention.DAY
q.Queue(name="x", visibility_timeout=3)
Bucket(None, "c", versioned=True)
Bucket(None, "d", "e", retention_days=2)
Bucket(None, "f", retention=2)


def f(q):
    q.Queue(anything=1)
'''


def _got(src: str = SRC) -> dict[tuple[int, str], str | None]:
    return {(f.line, f.rule): f.error for f in check_source(INDEX, "lib/s.py", src)}


def test_every_missing_name_of_a_multi_name_import() -> None:
    got = [f for f in check_source(INDEX, "lib/s.py", SRC) if f.line == 1]
    assert [f.symbol for f in got] == ["sdk.storage.Buckets", "sdk.storage.BucketArg"]
    assert got[0].error == "ImportError: cannot import name 'Buckets' from 'sdk.storage' (unknown location)"
    assert "Bucket" in got[0].fix


def test_python_error_texts() -> None:
    got = _got()
    assert got[(2, "SDK001")] == "ImportError: cannot import name 'nothing' from 'sdk' (unknown location)"
    assert got[(3, "SDK001")] == "ModuleNotFoundError: No module named 'sdk.missing'"  # the first missing package
    assert got[(6, "SDK001")] == "AttributeError: 'Bucket' object has no attribute 'arm'"
    assert got[(7, "SDK001")] == "AttributeError: type object 'Retention' has no attribute 'DAY'"
    assert got[(8, "SDK002")] == "TypeError: Queue.__init__() got an unexpected keyword argument 'visibility_timeout'"
    assert got[(9, "CDK001")] == ("TypeError: Bucket.__init__() missing 1 required keyword-only argument: "
                                  "'retention_days'")
    assert got[(10, "CDK001")] == ("TypeError: Bucket.__init__() takes 3 positional arguments but 4 positional "
                                   "arguments (and 1 keyword-only argument) were given")


def test_a_misspelt_keyword_is_not_also_reported_missing() -> None:
    got = [f for f in check_source(INDEX, "lib/s.py", SRC) if f.line == 11]
    assert [(f.rule, f.fix) for f in got] == [("SDK002", "retention_days=")]


def test_a_parameter_hides_the_alias() -> None:
    assert not [k for k in _got() if k[0] == 15]


def test_error_texts_match_cpython() -> None:
    def f(a: int, *, b: int, c: int) -> None: ...

    for call, text in ((lambda: f(), "missing 1 required positional argument: 'a'"),  # type: ignore[call-arg]
                       (lambda: f(1), "missing 2 required keyword-only arguments: 'b' and 'c'"),  # type: ignore
                       (lambda: f(1, 2), "takes 1 positional argument but 2 were given"),  # type: ignore
                       (lambda: f(1, 2, b=1, c=1), "takes 1 positional argument but 2 positional arguments "
                        "(and 2 keyword-only arguments) were given"),  # type: ignore
                       (lambda: f(1, b=1, c=1, d=1), "got an unexpected keyword argument 'd'")):  # type: ignore
        try:
            call()
        except TypeError as exc:
            assert str(exc).endswith(text), exc
    assert errors.missing_arguments("f", ["b", "c"], "keyword-only").endswith(
        "missing 2 required keyword-only arguments: 'b' and 'c'")
    assert errors.too_many_positional("f", 1, 1, 2).endswith("takes 1 positional argument but 2 were given")
    assert errors.too_many_positional("g", 1, 2, 3).endswith("takes from 1 to 2 positional arguments but 3 were given")
    assert errors.too_many_positional("f", 1, 1, 2, 1).endswith(
        "takes 1 positional argument but 2 positional arguments (and 1 keyword-only argument) were given")


def test_one_suggestion_algorithm() -> None:
    assert closest("subnet_group_name", {"name", "subnet_ids"}, owner="ElasticacheSubnetGroup")[0] == "name"
    assert closest("memory", {"memory_size", "timeout"})[0] == "memory_size"
    assert closest("hashKey", {"hash_key", "range_key"})[0] == "hash_key"
    assert closest("STR", {"STRING", "NUMBER", "BINARY"})[0] == "STRING"
    assert closest("zzz", {"name"}) == []
    assert confident("S3BucketVersioning", "S3BucketVersioningA") and not confident("bucket_name", "bucket")


def test_files_chosen_once_for_all_platforms(tmp_path: Path) -> None:
    assert chosen(["lib/a.py", "tests/unit/test_a.py", "README.md", ".venv/x.py", "lib/b.py"]) == ["lib/a.py",
                                                                                                  "lib/b.py"]
    assert imports_any("import json\nfrom sdk.storage import Bucket\n", ("sdk",))
    assert not imports_any("import sdkother\n", ("sdk",))
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("from sdk.storage import Nope\n")
    (tmp_path / "lib" / "handler.py").write_text("Nope\n")
    assert [f.file for f in check_files(INDEX, tmp_path, ["lib/a.py", "lib/handler.py"])] == ["lib/a.py"]


def test_syntax_errors_are_left_to_the_syntax_stage() -> None:
    assert check_source(INDEX, "s.py", "def f(:\n") == []
