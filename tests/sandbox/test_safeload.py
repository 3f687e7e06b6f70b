"""Untrusted YAML/JSON is loaded with limits: an alias bomb is refused quickly and in little memory."""

from __future__ import annotations

import resource
import time

import pytest

from iacqa.sandbox.safeload import LoadLimit, load_json, load_yaml

BOMB = "\n".join(["config:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] +
                 [f"  {chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)] +
                 ["  boom: [*i, *i, *i, *i, *i, *i, *i, *i, *i]"])


def test_alias_bomb_is_refused_fast_and_small() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    with pytest.raises(LoadLimit, match="expands"):
        load_yaml(BOMB)
    assert time.monotonic() - t0 < 2
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 50


def test_ordinary_yaml_with_anchors_loads() -> None:
    data = load_yaml("base: &b {runtime: python3.12}\nfn:\n  <<: *b\n  memory: 256\n")
    assert data["fn"] == {"runtime": "python3.12", "memory": 256}


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(LoadLimit):
        load_yaml("a: &a [1, *a]\n")


def test_size_and_depth_limits() -> None:
    with pytest.raises(LoadLimit):
        load_yaml("a: " + "x" * 200, max_bytes=100)
    with pytest.raises(LoadLimit, match="deeper"):
        load_json("[" * 500 + "]" * 500)
    assert load_json('{"a": ["[{", {"b": 1}]}') == {"a": ["[{", {"b": 1}]}


def test_pulumi_stack_config_alias_bomb(tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("pulumi")
    from iacqa.frontends.pulumi_py.frontend import stack_config

    (tmp_path / "Pulumi.dev.yaml").write_text(BOMB)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    cfg = stack_config(tmp_path, "TapStack")
    assert time.monotonic() - t0 < 5
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100
    assert "TapStack:boom" not in cfg
