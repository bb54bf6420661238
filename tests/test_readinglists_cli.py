"""``tracker lists ...`` and ``tracker export`` end to end through the click runner."""

from __future__ import annotations

import io
from pathlib import Path

import bibtexparser
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from tests.readinglists_data import prepare
from tracker.cli import main


@pytest.fixture
def env(ccf_session: Session, database_url: str) -> dict[str, str]:
    """A committed database with CCF, taxonomy and October 2025 papers; CLI environment."""
    prepare(ccf_session)
    ccf_session.close()
    return {"TRACKER_DATABASE_URL": database_url}


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_lists_build_curate_show(env: dict[str, str]) -> None:
    out = _run(env, "lists", "build", "--month", "2025-10")
    assert "Built list 'all' for 2025-10: 10 items." in out
    assert out.splitlines()[0].split()[:4] == ["1", "5.497", "A", "2510.05480"]
    _run(env, "lists", "remove", "2510.04398", "--month", "2025-10")
    _run(env, "lists", "note", "2510.05480", "值得一读", "--month", "2025-10")
    assert "Moved 2510.04956 to 1" in _run(
        env, "lists", "move", "2510.04956", "1", "--month", "2025-10"
    )
    _run(env, "lists", "pin", "2510.02100", "--month", "2025-10")
    _run(env, "lists", "unpin", "2510.02100", "--month", "2025-10")
    _run(env, "lists", "add", "2510.00831", "--month", "2025-10", "--rank", "2")
    out = _run(env, "lists", "build", "--month", "2025-10")
    shown = _run(env, "lists", "show", "--month", "2025-10", "-c")
    lines = shown.splitlines()
    assert lines[0] == "all · 2025-10 · CCF 2026 · 10 items"
    assert lines[1].split()[:3] == ["1", "P", "4.391"] and "2510.04956" in lines[1]
    assert "2510.00831" in lines[lines.index(next(x for x in lines if x.split()[0] == "2"))]
    assert "2510.04398" not in shown
    assert "推荐: 值得一读" in shown and "venue=3 status=0.5 topic=1.9" in shown
    # Without --month the newest month with papers is used.
    assert "2025-10" in CliRunner().invoke(main, ["lists", "show"], env=env).output


def test_lists_errors_and_empty_month(env: dict[str, str]) -> None:
    runner = CliRunner()
    empty = runner.invoke(main, ["lists", "build", "--month", "2026-03"], env=env)
    assert empty.exit_code == 0
    assert "has no papers for 2026-03. The newest month with papers is 2025-10." in empty.output
    for args, message in [
        (["lists", "build", "--month", "March"], "is not a period"),
        (["lists", "build", "--name", "nope", "--month", "2025-10"], "No reading list named"),
        (["lists", "pin", "2510.00831", "--month", "2025-10"], "is not on list"),
        (["lists", "add", "1234.56789", "--month", "2025-10"], "no paper 1234.56789"),
        (["lists", "create", "x", "--topics", "nope"], "unknown topic or area: nope"),
    ]:
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, (args, result.output)


def test_lists_create_and_list(env: dict[str, str]) -> None:
    out = _run(env, "lists", "create", "cv-a", "--topics", "vision,vision-language",
               "--min-tier", "b", "--size", "5", "--edition", "2022")  # fmt: skip
    assert "Saved list 'cv-a'" in out and "CCF >= B" in out
    listing = _run(env, "lists", "list")
    assert listing.splitlines()[0].startswith("all")
    assert "cv-a" in listing and "language" in listing
    out = _run(env, "lists", "build", "--name", "cv-a", "--month", "2025-10")
    assert "2510.00808" in out and "2510.02100" in out and "2510.04759" not in out


def test_export_command(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "lists", "build", "--month", "2025-10")
    _run(env, "lists", "note", "2510.05480", "中文推荐语", "--month", "2025-10")
    target = tmp_path / "list.csv"
    _run(env, "export", "--list", "all", "--month", "2025-10", "--format", "csv", "-o", str(target))
    frame = pd.read_csv(target, encoding="utf-8-sig", dtype={"arxiv_id": str})
    assert len(frame) == 10 and frame.loc[0, "note"] == "中文推荐语"
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    md = _run(env, "export", "--month", "2025-10", "--format", "md", "-o", "-")
    assert md.startswith("# 2025-10 论文推荐：All topics / 全部主题\n") and "## 论文 10:" in md
    en = _run(env, "export", "--month", "2025-10", "--format", "md", "--language", "en")
    assert "## Paper 1: Vul-R2" in en
    bib = _run(env, "export", "--month", "2025-10", "--format", "bib")
    assert len(bibtexparser.loads(bib).entries) == 10
    result = CliRunner().invoke(main, ["export", "--month", "2026-03", "-f", "csv"], env=env)
    assert result.exit_code == 0 and "has no papers for 2026-03" in result.output
    assert len(pd.read_csv(io.StringIO(result.stdout.lstrip("\ufeff")))) == 0
