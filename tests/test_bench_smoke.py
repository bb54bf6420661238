"""Every benchmark script runs end to end at a tiny N (correctness only, no timing asserts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import bench_backfill, bench_dashboard, bench_ingest, bench_queries, make_corpus, run_all

N = 300


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "bench"


def test_make_corpus_is_deterministic_and_kaggle_shaped(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    make_corpus.main(["-n", "50", "-o", str(a)])
    make_corpus.write_corpus(b, 50)
    import gzip

    lines = a.read_bytes().splitlines()
    assert lines == gzip.decompress(b.read_bytes()).splitlines()
    records = [json.loads(line) for line in lines]
    assert len({r["id"] for r in records}) == 50
    assert all(r["title"] and r["versions"][0]["version"] == "v1" for r in records)


def test_backfill_benchmark(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench_backfill.main(["-n", str(N), "--out", str(out), "--json", str(out / "r.json")])
    result = json.loads((out / "r.json").read_text())["results"][0]
    assert result["n"] == N and result["first"].count(f"new {N},") == 1
    assert f"unchanged {N} " in result["rerun"]
    assert result["ratio_to_baseline"] > 0 and result["rss_writer_mb"] > 0
    assert "ratio" in capsys.readouterr().out


def test_ingest_benchmark(out: Path) -> None:
    result = bench_ingest.bench(N, 40, out, 42)
    assert "new 40," in result["new day"]["line"]
    assert "unchanged 40 " in result["re-ingest (unchanged)"]["line"]
    assert result["new day"]["statements_per_paper"] > 0


def test_queries_benchmark(out: Path) -> None:
    result = bench_queries.bench(N, 2, out, 42)
    assert len(result["queries"]) == 5
    assert all(q["p95_ms"] >= q["p50_ms"] > 0 for q in result["queries"].values())


@pytest.mark.slow
@pytest.mark.browser
def test_run_all_with_dashboard(out: Path) -> None:
    assert run_all.main(["--n", str(N), "--repeat", "2", "--day", "20", "--out", str(out)]) == 0
    results = json.loads((out / f"results-{N}.json").read_text())
    assert {"backfill", "ingest", "queries", "dashboard"} <= set(results)
    pages = results["dashboard"]["pages"]
    assert [f"/{p}" for p in pages] == [f"/{p}" for p, _ in bench_dashboard.PAGES]
    for page in pages.values():  # each page's first visit: a new server and a new browser
        assert len(page["first_visit_ms"]) == 1 and page["first_visit_ms"][0] > 0
        assert page["warm_p95_ms"] >= page["warm_p50_ms"] > 0


SCRIPTS = sorted(
    p for p in (Path(__file__).parents[1] / "bench").glob("*.py") if "__main__" in p.read_text()
)


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_every_bench_script_has_help(script: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:") and len(done.stdout.splitlines()) > 3


@pytest.mark.slow
@pytest.mark.browser
def test_dashboard_first_visits_are_measured_each_with_a_new_server(out: Path) -> None:
    args = ["-n", str(N), "--repeat", "1", "--first-visits", "2", "--out", str(out)]
    args += ["--page", "papers", "--page", "reading-list"]
    assert bench_dashboard.main([*args, "--json", str(out / "d.json")]) == 0
    result = json.loads((out / "d.json").read_text())
    assert list(result["pages"]) == ["reading-list", "papers"]
    for page in result["pages"].values():
        assert len(page["first_visit_ms"]) == 2 and all(ms > 0 for ms in page["first_visit_ms"])
