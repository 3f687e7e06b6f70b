"""The dashboard: one self-contained HTML page from a results file; opened in headless Chromium (Debian's) it
loads without console errors, its filter script runs, and its charts are drawn (screenshot not blank, chart colours
present). The browser part skips cleanly without chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from iacqa.batch import dashboard
from iacqa.cli import main
from tests.batch import png
from tests.batch.fixtures import finding, result, write_results, write_task

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0"]


def _dataset(tmp_path: Path) -> Path:
    """Two platforms, model and ideal, an error, an unchecked job, requirements, a markdown report."""
    t1 = write_task(tmp_path / "corpus", "Pr1", training_quality=9)
    t2 = write_task(tmp_path / "corpus", "Pr2", platform="tf-hcl", training_quality="8")
    reports = tmp_path / "out.reports"
    reports.mkdir()
    (reports / "a.md").write_text("# report\n")
    big = {"AWS::SQS::Queue": 2, "AWS::Lambda::Function": 1, "AWS::KMS::Key": 1}
    rows = [
        result(str(t1), "model", findings=[finding("LIM001", "aws-limit", "critical", True, n=1, resource="q"),
                                           finding("HYG001", "hygiene", n=2, resource="t"),
                                           finding("SEC001", "security", "medium", n=3, resource="k")],
               by_type=big, seconds=12.5, batch={"markdown": "out.reports/a.md"},
               requirements=[{"id": "dlq", "status": "not met"}, {"id": "kms", "status": "met"}]),
        result(str(t1), "ideal", findings=[finding("SEC001", "security", "medium", n=3, resource="k")], by_type=big,
               seconds=8.0, requirements=[{"id": "dlq", "status": "met"}, {"id": "kms", "status": "met"}]),
        result(str(t2), "model", platform="tf", language="hcl", error="internal error: the worker died: boom"),
        result(str(t2), "ideal", platform="tf", language="hcl", by_type={}, graph_status="error"),
    ]
    return write_results(tmp_path / "out.jsonl", rows)


def test_page_sections_links_and_no_external_reference(tmp_path: Path) -> None:
    res = _dataset(tmp_path)
    html_path = tmp_path / "site" / "report.html"
    dashboard.write(res, html_path)
    html = html_path.read_text()
    for title in ("Deployable rate by platform", "Failure categories by platform", "Top rules",
                  "Findings per analysis", "Slowest stages", "Requirement coverage", "Model vs ideal",
                  "Training quality: iacqa vs metadata.json", "Analyses"):
        assert f"<h2>{title}</h2>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the page must not load anything"
    assert '<a href="../out.reports/a.md">report</a>' in html  # relative to the HTML file
    assert html.count('<tr data-platform=') == 4
    assert 'data-status="error"' in html and 'data-status="unchecked"' in html
    assert html.count("<svg") >= 5


def test_cli_writes_the_page_and_rejects_bad_input(tmp_path: Path) -> None:
    res = _dataset(tmp_path)
    assert main(["dashboard", str(res), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 5000
    assert main(["dashboard", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "x.html")]) == 2
    (tmp_path / "empty.jsonl").write_text("not json\n")
    assert main(["dashboard", str(tmp_path / "empty.jsonl"), "-o", str(tmp_path / "x.html")]) == 2


def _chromium(args: list[str], url: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url], capture_output=True,
                              text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian package chromium) is not installed")
def test_in_a_real_browser(tmp_path: Path) -> None:
    res = _dataset(tmp_path)
    page = dashboard.write(res, tmp_path / "report.html")
    url = page.resolve().as_uri()
    dom = _chromium(["--dump-dom"], url)
    console = [x for x in dom.stderr.splitlines() if "CONSOLE" in x]
    assert not console, console
    assert "4 of 4 analyses" in dom.stdout  # the filter script ran
    shot = tmp_path / "shot.png"
    r = _chromium([f"--screenshot={shot}", "--window-size=1000,1600", "--hide-scrollbars"], url)
    assert shot.is_file(), r.stderr[-2000:]
    assert not [x for x in r.stderr.splitlines() if "CONSOLE" in x]
    width, height, pixels = png.pixels(shot)
    assert (width, height) == (1000, 1600)
    white = sum(1 for p in pixels if p[0] > 245 and p[1] > 245 and p[2] > 245)
    assert white < 0.9 * len(pixels), "the page looks blank"
    colours = png.colours(shot)
    # bar colours of the charts: model red, ideal green, single-series blue
    for rgb in ((0xD9, 0x53, 0x4F), (0x2B, 0x8A, 0x3E), (0x1C, 0x7E, 0xD6)):
        assert colours[rgb] > 200, f"no chart drawn in {rgb}"


def test_dashboard_of_a_real_batch_run_links_its_reports(tmp_path: Path) -> None:
    """The markdown links come from what batch records (batch.markdown, relative to the results file)."""
    t = write_task(tmp_path / "c", "Pr1")
    res = write_results(tmp_path / "r.jsonl", [result(str(t), "model", batch={"markdown": "r.reports/x.md"})])
    html = dashboard.render(res, tmp_path / "r.html")
    assert "r.reports/x.md" not in html  # the file does not exist: no dead link
    (tmp_path / "r.reports").mkdir()
    (tmp_path / "r.reports" / "x.md").write_text("x")
    assert '<a href="r.reports/x.md">' in dashboard.render(res, tmp_path / "r.html")


def test_audit_section_from_the_audit_file(tmp_path: Path) -> None:
    import json

    res = _dataset(tmp_path)
    task = json.loads(res.read_text().splitlines()[0])["task"]["path"]
    audit = {"task": task, "claims": [
        {"index": 1, "title": "a", "category": "", "status": "absent", "confirmed_by": [], "evidence": "x"},
        {"index": 2, "title": "b", "category": "", "status": "present", "confirmed_by": ["fp"], "evidence": "y"}],
        "missed_blockers": [finding("LIM001", "aws-limit", "critical", True)]}
    (tmp_path / "out.audit.jsonl").write_text(json.dumps(audit) + "\n")
    html = dashboard.render(res, tmp_path / "r.html", tmp_path / "out.audit.jsonl")
    section = html.split("<h2>Audit of the failure analyses (MODEL_FAILURES.md)</h2>")[1].split("</section>")[0]
    assert "<b>2</b><span>claims</span>" in section and "<b>1</b><span>blockers not mentioned</span>" in section
