"""Venue resolver, round three: rules for the systematic misses of the fresh 400-record sample."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tracker.venues import VenueResolver

ROOT = Path(__file__).resolve().parents[1]

_RESOLVER = VenueResolver.from_seeds(ROOT / "seeds")

# (comment, venue, year, kind): side events and side tracks; none may get a tier.
NO_TIER = [
    # an event with a title or acronym, then "at VENUE"
    ("Accepted by the Workshop-free Title of Things (TWT) at ICML 2025", "ICML", 2025,
     "workshop"),
    ("Accepted at the Efficient Systems for Foundation Models (ES-FoMo) at ICML 2024", "ICML",
     2024, "workshop"),
    ("Spotlight at Trustworthy Multimodal Foundation Models at CVPR 2025", "CVPR", 2025,
     "workshop"),
    ("Accepted at SynData4CV (https://syndata4cv.github.io/) at CVPR 2024", "CVPR", 2024,
     "workshop"),
    # a workshop word after one venue that names an event held at a later one
    ("EMNLP 2024 (Main) & Workshop on Safe Agents @ NeurIPS 2023", "EMNLP", 2024,
     "conference"),
    # findings written in the singular, forums
    ("Finding of EMNLP 2025", "EMNLP", 2025, "findings"),
    ("IEEE ICDM 2024, PhD Forum", "ICDM", 2024, "other"),
    ("KDD 2025 Doctoral Forum", "SIGKDD", 2025, "other"),
]


@pytest.mark.parametrize(("text", "venue", "year", "kind"), NO_TIER)
def test_side_events_and_tracks(text: str, venue: str, year: int, kind: str) -> None:
    res = _RESOLVER.resolve(text)
    assert (res.venue, res.year, res.kind) == (venue, year, kind)
    if kind != "conference":
        assert res.ccf_tier is None and res.venue_key is None
    else:
        assert res.ccf_tier is not None


@pytest.mark.parametrize(
    "text",
    [
        "A preliminary version of this paper appeared at ICML 2023",
        "An earlier version of this work was accepted at CVPR 2024",
        "The conference version of this paper was published in KDD 2023",
        "A shorter version has been accepted to AAAI 2025",
    ],
)
def test_earlier_version_is_not_this_record(text: str) -> None:
    res = _RESOLVER.resolve(text)
    assert res.ccf_tier is None and res.venue_key is None
    assert res.status == "none"


def test_extended_version_of_the_accepted_paper_is_the_venue() -> None:
    res = _RESOLVER.resolve("Extended version of the paper accepted at ICML 2024")
    assert (res.venue, res.ccf_tier) == ("ICML", "A")


@pytest.mark.parametrize(
    ("text", "venue", "year"),
    [
        ("Accepted to USENIX Security 25", "USENIX Security", 2025),
        ("Accepted at CHI 26 (Honolulu)", "CHI", 2026),
        ("KDD 24, research track", "SIGKDD", 2024),
    ],
)
def test_spaced_two_digit_years(text: str, venue: str, year: int) -> None:
    res = _RESOLVER.resolve(text)
    assert (res.venue, res.year) == (venue, year)


@pytest.mark.parametrize(
    "text", ["CVPR 25 pages, 8 figures", "ICML 12-18 July", "NeurIPS 10 pages", "AAAI 30"]
)
def test_numbers_after_a_venue_that_are_not_years(text: str) -> None:
    assert _RESOLVER.resolve(text).year not in (2025, 2012, 2010, 2030)


def test_ambiguous_abbreviation_with_its_full_name() -> None:
    res = _RESOLVER.resolve("accepted by SEC 2024: ACM/IEEE Symposium on Edge Computing")
    assert (res.venue, res.year, res.ccf_tier) == ("SEC", 2024, "C")
    assert _RESOLVER.resolve("accepted by SEC 2024").ccf_tier is None


def test_renamed_abbreviation_only_up_to_its_last_edition() -> None:
    assert _RESOLVER.resolve("Accepted to ITS 2021").venue == "ISS"
    new = _RESOLVER.resolve("Accepted to ITS 2025")
    assert new.venue is None and new.ccf_tier is None and new.status == "accepted"
    assert _RESOLVER.resolve("Accepted at Interspeech 2025").venue == "INTER-SPEECH"


def test_fresh_sample_targets() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.eval_venues import score

    s = score(ROOT / "tests/fixtures/venues_fresh.jsonl", _RESOLVER)
    assert s.total == 400
    assert s.precision >= 0.98 and s.recall >= 0.95
    assert s.leaks == [] and s.other_tiered == []
