"""The CCF database: seed validation, idempotent loading, lookups and edition changes."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ccf.catalog import CcfCatalog, CcfSeedError, load_ccf_catalog, normalize_name
from tracker.ccf.query import ccf_changes, lookup_venues
from tracker.ccf.stats import ccf_counts
from tracker.ccf.store import save_ccf
from tracker.db.models import CcfRating, Venue, VenueAlias

from .conftest import FIXTURES, SEEDS


def _readme_counts() -> dict[int, list[int]]:
    """The kind x tier table of seeds/ccf/README.md."""
    text = (SEEDS / "ccf" / "README.md").read_text(encoding="utf-8")
    out = {}
    for match in re.finditer(r"^\| (\d{4}) \|((?: *\d+ *\|){7})$", text, re.M):
        out[int(match.group(1))] = [int(x) for x in match.group(2).split("|") if x.strip()]
    return out


def test_counts_equal_the_seed_readme(ccf_session: Session) -> None:
    expected = _readme_counts()
    assert set(expected) == {2019, 2022, 2026}
    for ec in ccf_counts(ccf_session):
        cells = [ec.counts.get((k, t), 0) for k in ("conference", "journal") for t in "ABC"]
        assert [*cells, ec.total] == expected[ec.edition], ec.edition


def test_load_twice_changes_nothing(ccf_session: Session, ccf_catalog: CcfCatalog) -> None:
    before = ccf_session.scalar(select(func.count()).select_from(VenueAlias))
    counts = save_ccf(ccf_session, ccf_catalog)
    assert not counts.changed, str(counts)
    assert ccf_session.scalar(select(func.count()).select_from(VenueAlias)) == before


@pytest.mark.parametrize(
    ("name", "abbr", "tiers"),
    [
        ("CVPR", "CVPR", ["A", "A", "A"]),
        ("IJCAI", "IJCAI", ["A", "A", "B"]),
        ("ICLR", "ICLR", [None, None, "A"]),
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "TPAMI", ["A"] * 3),
        ("ieee transactions on pattern-analysis & machine intelligence", "TPAMI", ["A"] * 3),
        ("conf/cvpr", "CVPR", ["A", "A", "A"]),
        ("NDSS", "NDSS", ["B", "A", "A"]),
    ],
)
def test_lookup(ccf_session: Session, name: str, abbr: str, tiers: list[str | None]) -> None:
    found = lookup_venues(ccf_session, name)
    assert found[0].abbr == abbr
    assert [found[0].tiers[y] for y in (2019, 2022, 2026)] == tiers


def test_renamed_venue_is_one_row_with_history(ccf_session: Session) -> None:
    for old, new, tiers in [
        ("USENIX ATC", "ACM SIGOPS ATC", ["A", "A", "A"]),
        ("GM", "GMOD", ["B", "B", "C"]),
        ("TOMCCAP", "TOMM", ["B", "B", "B"]),
    ]:
        found = lookup_venues(ccf_session, old)
        assert [v.abbr for v in found] == [new]
        assert [found[0].tiers[y] for y in (2019, 2022, 2026)] == tiers
        venue_id = ccf_session.scalar(select(Venue.id).where(Venue.abbr == new))
        abbrs = set(
            ccf_session.scalars(select(CcfRating.abbr).where(CcfRating.venue_id == venue_id))
        )
        assert {old, new} <= abbrs


def test_ambiguous_abbreviations_list_every_candidate(ccf_session: Session) -> None:
    names = {v.full_name for v in lookup_venues(ccf_session, "CC")}
    assert {"Computer Communications", "Computational Complexity"} <= names
    fse = {v.full_name for v in lookup_venues(ccf_session, "FSE")}
    assert "Fast Software Encryption" in fse and len(fse) == 2
    ccs = {v.abbr: v.tiers[2026] for v in lookup_venues(ccf_session, "conf/ccs")}
    assert ccs == {"CCS": "A", "AsiaCCS": "C"}


def test_dual_domain_journal_is_one_venue(ccf_session: Session) -> None:
    venue_id = ccf_session.scalar(select(Venue.id).where(Venue.abbr == "TOMM"))
    domains = ccf_session.scalars(
        select(CcfRating.domain_id).where(CcfRating.venue_id == venue_id, CcfRating.edition == 2026)
    ).all()
    assert sorted(domains) == [2, 7]


@pytest.mark.parametrize(("old", "new"), [(2019, 2022), (2022, 2026)])
def test_changes_match_the_published_change_file(ccf_session: Session, old: int, new: int) -> None:
    with (FIXTURES / f"ccf-changes-{old}-{new}.csv").open(encoding="utf-8") as fh:
        expected = {
            (r["abbr"] or r["full_name"], r["change"], r["from_tier"], r["to_tier"])
            for r in csv.DictReader(fh)
        }
    got = {(c.venue, c.change, c.from_tier, c.to_tier) for c in ccf_changes(ccf_session, old, new)}
    assert got == expected


def _copy_seeds(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS / "ccf", tmp_path / "ccf")
    return tmp_path


def test_bad_rows_are_reported_with_file_and_line(tmp_path: Path) -> None:
    seeds = _copy_seeds(tmp_path)
    path = seeds / "ccf" / "ccf-2022.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace(",A,", ",D,", 1)
    lines[9] = "2022,1,only,three\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CcfSeedError) as info:
        load_ccf_catalog(seeds)
    problems = info.value.problems
    assert any(p.startswith(f"{path}:5: tier 'D'") for p in problems), problems
    assert any(p.startswith(f"{path}:10: expected 10 fields") for p in problems), problems


def test_bad_seed_loads_nothing(tmp_path: Path, settings, engine) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from tracker.cli import main

    seeds = _copy_seeds(tmp_path)
    path = seeds / "ccf" / "ccf-2019.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2019,1,x,y,conference,Z,ABC,Name,,\n")
    result = CliRunner().invoke(
        main,
        ["ccf", "load"],
        env={"TRACKER_DATABASE_URL": settings.database_url, "TRACKER_SEEDS_DIR": str(seeds)},
    )
    assert result.exit_code != 0
    assert "ccf-2019.csv:614: tier 'Z'" in result.output
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Venue)) == 0


def test_normalize_name() -> None:
    assert normalize_name("  Proc. of the IEEE/CVF  Conf.") == "proc of the ieee cvf conf"
    assert normalize_name("Müller’s  Conf") == "mullers conf"
