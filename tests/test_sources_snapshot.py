"""Snapshot parsing: Kaggle records, author strings, date formats."""

from __future__ import annotations

from datetime import datetime

import pytest

from tracker.sources.snapshot import SnapshotError, parse_date, record_from_kaggle, split_authors


def test_split_authors_keeps_affiliations_whole() -> None:
    text = (
        "Robert H. Brandenberger (McGill), Keshav Dasgupta (McGill) and\n"
        "  Anne-Christine Davis (DAMTP, Cambridge)"
    )
    assert split_authors(text) == [
        "Robert H. Brandenberger (McGill)",
        "Keshav Dasgupta (McGill)",
        "Anne-Christine Davis (DAMTP, Cambridge)",
    ]
    assert split_authors("A. Sandberg, B. Anderson, and C. Dand") == [
        "A. Sandberg",
        "B. Anderson",
        "C. Dand",
    ]


@pytest.mark.parametrize(
    "text",
    ["Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02T19:18:42Z", "2007-04-02 19:18:42 UTC"],
)
def test_parse_date_formats_give_naive_utc(text: str) -> None:
    assert parse_date(text) == datetime(2007, 4, 2, 19, 18, 42)


def test_kaggle_record_versions_and_cleaning() -> None:
    record = record_from_kaggle(
        {
            "id": "0704.0001",
            "title": "Calculation of prompt\n  diphoton production",
            "authors": "C. Bal\\'azs, E. L. Berger",
            "comments": "37 pages,\n  15 figures",
            "journal-ref": "Phys.Rev.D76:013009,2007",
            "doi": "10.1103/PhysRevD.76.013009",
            "categories": "hep-ph cs.LG",
            "abstract": "  A fully differential calculation.\n",
            "versions": [
                {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
                {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
            ],
        }
    )
    assert record.arxiv_id == "0704.0001" and record.latest_version == 2
    assert [v.number for v in record.versions] == [1, 2]
    assert record.published == datetime(2007, 4, 2, 19, 18, 42)
    assert record.updated == datetime(2007, 7, 24, 20, 10, 27)
    assert record.title == "Calculation of prompt diphoton production"
    assert record.comment == "37 pages, 15 figures"
    assert record.categories == ["hep-ph", "cs.LG"] and record.primary_category == "hep-ph"


@pytest.mark.parametrize(
    "data",
    [{}, {"id": "1"}, {"id": "1", "title": "t"}, {"id": "1", "title": "t", "versions": [{}]}],
)
def test_incomplete_records_are_rejected(data: dict) -> None:
    with pytest.raises(SnapshotError):
        record_from_kaggle(data)
