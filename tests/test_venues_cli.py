"""``tracker venues`` CLI contract and ``save_extra_venues`` idempotence."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.cli import main
from tracker.db.models import Venue, VenueAlias
from tracker.venues import load_venue_seeds
from tracker.venues.store import save_extra_venues

ROOT = Path(__file__).resolve().parents[1]
KEYS = ["id", "venue", "year", "kind", "status", "ccf_tier", "ccf_edition", "evidence"]


def _run(stdin: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["venues", "resolve", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_resolve_one_line_per_input_in_order() -> None:
    lines = [
        {"id": "a", "comments": "Accepted to CVPR 2025"},
        {"id": "b", "comments": "Findings of ACL 2024", "journal_ref": None},
        {"id": "c", "doi": "10.1609/aaai.v38i16.29000"},
        {"id": "d"},
    ]
    out = _run("".join(json.dumps(x) + "\n" for x in lines))
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert all(list(o) == KEYS for o in out)
    assert (out[0]["venue"], out[0]["ccf_tier"], out[0]["ccf_edition"]) == ("CVPR", "A", 2026)
    assert (out[1]["kind"], out[1]["ccf_tier"]) == ("findings", None)
    assert out[2]["venue"] == "AAAI"
    assert out[3]["status"] == "none"


def test_malformed_lines_yield_error_and_continue() -> None:
    stdin = ('not json\n[1, 2]\n{"comments": "CVPR 2025"}\n{"id": 1, "comments": 5}\n\n'
             '{"id": "ok", "comments": "ECCV24"}\n')  # fmt: skip
    out = _run(stdin)
    assert len(out) == 6
    for bad in out[:5]:
        assert bad["id"] is None and "error" in bad
    assert (out[5]["id"], out[5]["venue"]) == ("ok", "ECCV")


def test_edition_option() -> None:
    line = json.dumps({"id": "x", "comments": "Accepted to IJCAI 2024"}) + "\n"
    assert _run(line, "--edition", "2022")[0]["ccf_tier"] == "A"
    assert _run(line, "--edition", "2026")[0]["ccf_tier"] == "B"
    bad = CliRunner().invoke(main, ["venues", "resolve", "--edition", "2015"], input=line)
    assert bad.exit_code != 0


def test_explain_prints_steps() -> None:
    result = CliRunner().invoke(main, ["venues", "explain", "Accepted to CVPR 2025 Workshop on X"])
    assert result.exit_code == 0
    assert "workshop" in result.output
    assert '"ccf_tier": null' in result.output


def test_help_texts() -> None:
    for args in (["venues", "--help"], ["venues", "resolve", "--help"],
                 ["venues", "explain", "--help"]):  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_save_extra_venues_idempotent(ccf_session: Session) -> None:
    seeds = load_venue_seeds(ROOT / "seeds")
    first = save_extra_venues(ccf_session, seeds)
    ccf_session.commit()
    assert first > 0
    counts = (ccf_session.scalar(select(func.count()).select_from(Venue)),
              ccf_session.scalar(select(func.count()).select_from(VenueAlias)))  # fmt: skip
    assert save_extra_venues(ccf_session, seeds) == 0
    ccf_session.commit()
    assert counts == (ccf_session.scalar(select(func.count()).select_from(Venue)),
                      ccf_session.scalar(select(func.count()).select_from(VenueAlias)))  # fmt: skip
    tmlr = ccf_session.scalar(select(Venue).where(Venue.key == "other:tmlr"))
    assert tmlr is not None and tmlr.is_ccf is False
    nips = ccf_session.scalar(
        select(VenueAlias).where(VenueAlias.alias == "NIPS", VenueAlias.alias_type == "curated")
    )
    assert nips is not None
    neurips = ccf_session.get(Venue, nips.venue_id)
    assert neurips is not None and neurips.key == "conference:neurips"
