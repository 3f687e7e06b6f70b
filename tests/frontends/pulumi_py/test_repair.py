"""repair.py: the whole-project fixes a keep-going run starts from keep every line where it was."""

from __future__ import annotations

import ast
from pathlib import Path

from iacqa.frontends.pulumi_py import repair


def test_a_body_line_that_lost_its_indentation_is_indented_like_the_body() -> None:
    src = 'import json\n\ndef make(env):\n"""Doc."""\n\n    return json.dumps({"env": env})\n\nx = make("dev")\n'
    fixed = repair.fix_syntax(src)
    assert fixed is not None
    ast.parse(fixed)
    assert fixed.splitlines()[3] == '    """Doc."""'
    assert len(fixed.splitlines()) == len(src.splitlines())


def test_a_file_cut_off_mid_call_keeps_its_complete_statements() -> None:
    src = "import pulumi_aws as aws\n\nq = aws.sqs.Queue('q')\nt = aws.dynamodb.Table(\n    'orders',\n    hash_key='id',\n"
    fixed = repair.fix_syntax(src)
    assert fixed is not None
    assert "Queue('q')" in fixed and "Table(" not in fixed


def test_a_syntax_error_in_the_middle_is_not_guessed_at() -> None:
    assert repair.fix_syntax("x = 1\ny = = 2\nz = 3\n") is None
    assert repair.fix_syntax("x = 1\n") is None  # compiles: nothing to do


def test_free_known_names_are_the_unimported_well_known_ones() -> None:
    src = "def f(xs: List[str]) -> Dict[str, Any]:\n    local = 1\n    return {x: local for x in xs}\n"
    assert repair.free_known_names(src) == {"List", "Dict", "Any"}
    assert repair.free_known_names("from typing import List\nx: List[int] = []\n") == set()


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_imports_name_project_files_from_the_root_and_stand_in_for_missing_ones(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "components/store.py": "from ..utils.tags import tags\n\ndef make():\n    from ..utils.tags import more\n",
        "utils/tags.py": "def tags():\n    return {}\n\ndef more():\n    return {}\n",
        "lib/tap_stack.py": "import pulumi\nfrom infrastructure.net import Net\nfrom infrastructure.gone import Gone\n",
        "lib/infrastructure/net.py": "class Net:\n    pass\n",
    })
    out = repair.repair(tmp_path, ["components/store.py", "lib/tap_stack.py"], [tmp_path], imports=True)
    store = out["components/store.py"]
    assert "from utils.tags import tags" in store and "from utils.tags import more" in store
    assert "from .." not in store
    stack = out["lib/tap_stack.py"]
    assert "from lib.infrastructure.net import Net" in stack
    assert "from lib.infrastructure.gone import Gone" in stack and "__iacqa_import_failed__" in stack
    assert stack.splitlines()[0] == "import pulumi"  # an installed package is left as written
    for text in out.values():
        ast.parse(text)
    assert [len(t.splitlines()) for t in out.values()] == [4, 3]
