"""Exports of a built list: CSV through pandas, Markdown and BibTeX against expected files."""

from __future__ import annotations

import io
from pathlib import Path

import bibtexparser
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from tests.readinglists_data import prepare
from tracker.config import Settings
from tracker.db.models import Paper
from tracker.export import CSV_COLUMNS, export_bibtex, export_csv, export_markdown
from tracker.readinglists import ListItem, add_item, build_list, note_item, save_list

EXPECTED = Path(__file__).parent / "fixtures" / "export"
OCT = "2025-10"
NOTE = "把漏洞修复当作推理问题来做，ASE 2025（CCF A），值得精读。"


@pytest.fixture
def digest(ccf_session: Session, settings: Settings) -> list[ListItem]:
    """The hand-checked list: October 2025's top four, the fourth (MICCAI) displaced by a
    preprint added by hand, and a Chinese note."""
    prepare(ccf_session)
    save_list(ccf_session, "digest", title="十月精选", size=4)
    build_list(ccf_session, "digest", OCT, settings)
    add_item(ccf_session, "digest", OCT, "2510.04759", settings)
    note_item(ccf_session, "digest", OCT, "2510.05480", NOTE)
    items = build_list(ccf_session, "digest", OCT, settings)
    ccf_session.commit()
    return items


def test_markdown_matches_expected(digest: list[ListItem]) -> None:
    text = export_markdown(digest, "2025-10 论文推荐：十月精选", "zh")
    assert text == (EXPECTED / "digest-2025-10.md").read_text(encoding="utf-8")


def test_markdown_in_english_and_empty(digest: list[ListItem]) -> None:
    text = export_markdown(digest, "Reading list 2025-10", "en")
    assert "## Contents" in text and "## Paper 3: MuFFIN" in text
    assert "**Authors**: Xin-Cheng Wen, Zirui Lin, Yijun Yang et al." in text
    assert "**Link**: https://arxiv.org/abs/2510.04759" in text
    assert f"**Recommendation**: {NOTE}" in text
    assert "目录" not in text and "论文 1" not in text
    assert export_markdown([], "Empty", "en") == "# Empty\n\nNo papers in this period.\n"
    assert "本期没有论文" in export_markdown([], "空", "zh")


def test_bibtex_matches_expected_and_parses(digest: list[ListItem]) -> None:
    text = export_bibtex(digest)
    assert text == (EXPECTED / "digest-2025-10.bib").read_text(encoding="utf-8")
    db = bibtexparser.loads(text)
    assert [e["ENTRYTYPE"] for e in db.entries] == [
        "inproceedings",
        "inproceedings",
        "article",
        "misc",
    ]
    assert len({e["ID"] for e in db.entries}) == 4
    seca = db.entries_dict["liang2025seca"]
    assert seca["booktitle"] == "Conference on Neural Information Processing Systems"
    assert seca["author"].endswith("and René Vidal")
    assert db.entries_dict["yan2025progressive"]["eprint"] == "2510.04759"
    assert db.entries_dict["wen2025vulr2"]["note"] == NOTE


def test_bibtex_keys_and_escaping(digest: list[ListItem]) -> None:
    item = digest[3]
    twin = ListItem(**{**item.__dict__, "title": "Progressive {R&D} at 50% of 100 # {ok"})
    text = export_bibtex([item, twin])
    db = bibtexparser.loads(text)
    assert [e["ID"] for e in db.entries] == ["yan2025progressive", "yan2025progressivea"]
    assert db.entries[1]["title"] == r"{Progressive R\&D at 50\% of 100 \# ok}"


def test_csv_round_trips_through_pandas(
    digest: list[ListItem], ccf_session: Session, settings: Settings
) -> None:
    paper = ccf_session.get(Paper, "2510.04956")
    assert paper is not None
    paper.title = '=HYPERLINK("http://x")'
    note_item(ccf_session, "digest", OCT, "2510.04956", "+1 必读；@组会 讨论")
    items = build_list(ccf_session, "digest", OCT, settings)
    data = export_csv(items)
    assert data.startswith("\ufeff".encode())  # UTF-8 BOM for Excel
    # New-style ids look like numbers (2510.04950): read them as text, as the docs say.
    frame = pd.read_csv(
        io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype={"arxiv_id": str}
    )
    assert tuple(frame.columns) == CSV_COLUMNS
    assert list(frame["rank"]) == [1, 2, 3, 4]
    rows = frame.set_index("arxiv_id")
    assert rows.loc["2510.04956", "title"] == '\'=HYPERLINK("http://x")'
    assert rows.loc["2510.04956", "note"] == "'+1 必读；@组会 讨论"
    assert rows.loc["2510.05480", "note"] == NOTE
    assert (
        rows.loc["2510.05480", "ccf_tier"] == "A" and rows.loc["2510.05480", "ccf_edition"] == 2026
    )
    assert rows.loc["2510.05480", "score"] == pytest.approx(items[0].score)
    assert (
        rows.loc["2510.05480", "venue"] == "ASE" and rows.loc["2510.05480", "kind"] == "conference"
    )
    assert rows.loc["2510.04759", "status"] == "none" and rows.loc["2510.04759", "venue"] == ""
    assert rows.loc["2510.04759", "published"] == "2025-10-06"
    assert rows.loc["2510.04759", "pdf_url"] == "https://arxiv.org/pdf/2510.04759"
    assert rows.loc["2510.04398", "authors"].endswith("René Vidal")
    assert rows.loc["2510.04398", "topics"] == "safety-security; llm; interpretability"
    # No cell anywhere starts with a formula character.
    for value in frame.astype(str).to_numpy().ravel():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    empty = pd.read_csv(io.BytesIO(export_csv([])), encoding="utf-8-sig")
    assert tuple(empty.columns) == CSV_COLUMNS and len(empty) == 0
