"""Which jobs a batch runs: tasks found once each, resume by resolved absolute path, torn lines skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from iacqa.batch.runner import plan
from iacqa.batch.tasks import done_jobs, find_tasks, latest_results, repair_tail
from tests.batch.fixtures import result, write_results, write_task


def test_find_tasks_resolved_sorted_unique_and_limited(tmp_path: Path) -> None:
    a = write_task(tmp_path / "c", "Pr2")
    b = write_task(tmp_path / "c", "Pr1")
    (tmp_path / "c" / ".hidden" / "x").mkdir(parents=True)
    (tmp_path / "c" / ".hidden" / "x" / "metadata.json").write_text("{}")
    os.symlink(a, tmp_path / "link")
    got = find_tasks([tmp_path / "c", a, str(tmp_path / "link"), tmp_path / "missing"])
    assert got == [b.resolve(), a.resolve()]
    assert find_tasks([tmp_path / "c"], limit=1) == [b.resolve()]


def test_resume_matches_relative_absolute_and_symlinked_paths(tmp_path: Path, monkeypatch) -> None:
    task = write_task(tmp_path / "corpus", "Pr1")
    os.symlink(tmp_path / "corpus", tmp_path / "alias")
    out = tmp_path / "r.jsonl"
    monkeypatch.chdir(tmp_path)
    # an earlier run wrote a relative path (the old batch did) and a symlinked one
    write_results(out, [result("corpus/cfn-yaml/Pr1", "model"),
                        result(str(tmp_path / "alias" / "cfn-yaml" / "Pr1"), "ideal", error="boom")])
    assert done_jobs(out) == {(str(task.resolve()), "model"), (str(task.resolve()), "ideal")}
    p = plan([task], ["model", "ideal"], out)
    assert p.jobs == [] and p.skipped == 2
    p = plan([task], ["model", "ideal"], out, retry_errors=True)
    assert p.jobs == [(str(task.resolve()), "ideal")]
    assert len(plan([task], ["model", "ideal"], out, resume=False).jobs) == 2


def test_torn_last_line_is_skipped_and_repaired(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text(json.dumps(result("/t/a", "model")) + "\n" + '{"task": {"path": "/t/b", "resp')
    assert list(latest_results(out)) == [("/t/a", "model")]
    repair_tail(out)
    with out.open("a") as fh:
        fh.write(json.dumps(result("/t/c", "model")) + "\n")
    assert sorted(latest_results(out)) == [("/t/a", "model"), ("/t/c", "model")]


def test_newest_result_of_a_job_wins(tmp_path: Path) -> None:
    out = write_results(tmp_path / "r.jsonl", [result("/t/a", "model", error="first"), result("/t/a", "model")])
    assert latest_results(out)[("/t/a", "model")].get("error") is None


def test_unusable_output_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    from iacqa.cli import main

    task = write_task(tmp_path / "c", "Pr1")
    assert main(["batch", str(task), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().endswith("it is a directory")
    assert main(["batch", str(tmp_path / "nothing-here")]) == 2
    assert main(["batch", str(task), "--stages", "ingest,bogus", "-o", str(tmp_path / "r.jsonl")]) == 2
    assert main(["batch", str(task), "--response", "model,best", "-o", str(tmp_path / "r.jsonl")]) == 2
