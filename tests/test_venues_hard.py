"""Venue resolver, round two: side events, side tracks and look-alikes found on unseen records."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tracker.venues import VenueResolver

ROOT = Path(__file__).resolve().parents[1]

_RESOLVER = VenueResolver.from_seeds(ROOT / "seeds")

# (comment, venue, year, kind): none of these may get a tier.
SIDE = [
    ("UncertaiNLP at EMNLP 2025", "EMNLP", 2025, "workshop"),
    ("Accepted to BLP at AACL-IJCNLP 2025", "AACL", 2025, "workshop"),
    ("CVPR 2025 - New Trends in Image Restoration and Enhancement (NTIRE)", "CVPR", 2025,
     "workshop"),
    ("ECCV 2024. Workshop page: https://example.org", "ECCV", 2024, "workshop"),
    ("Accepted to Neural Information Processing Systems (NeurIPS 2024).   ATTRIB Workshop",
     "NeurIPS", 2024, "workshop"),
    ("Accepted at ICPR 2026 - Computer Vision for Biodiversity Monitoring and Conservation "
     "Workshop", "ICPR", 2026, "workshop"),
    ("Accepted for presentation at NeurIPS 2025 - Reliable ML Workshop", "NeurIPS", 2025,
     "workshop"),
    ("6 pages, 8 figures, TrustAICyberSec workshop - IEEE ISCC 2024", "ISCC", 2024, "workshop"),
    ("Updated to CVPR 2024 GCV accepted version", "CVPR", 2024, "workshop"),
    ("CVPR 2025 (LatinX in CV)", "CVPR", 2025, "workshop"),
    ("Accepted for the IEEE/CVF International Conference on Computer Vision (ICCV), Honolulu, "
     "Hawaii, USA. 1st MSLR Workshop 2025", "ICCV", None, "workshop"),
    ("Accepted at the AI for Accelerated Materials Design (AI4Mat) Workshop at NeurIPS 2025",
     "NeurIPS", 2025, "workshop"),
    ("Accepted into LoResLM: The First Workshop on Language Models for Low-Resource Languages, "
     "colocated with COLING 2025 and set to be published into ACL Anthology", "COLING", 2025,
     "workshop"),
    ("Accepted in the 1st Workshop on Grounding Documents with Reasoning, Agents, Retrieval, "
     "and Attribution (RARA) held in conjunction with IEEE International Conference on Data "
     "Mining (ICDM) 2025", "ICDM", 2025, "workshop"),
    ("SIGGRAPH 2025 Poster", "SIGGRAPH", 2025, "other"),
    ("Accepted by EuroSys 2025 (poster)", "EuroSys", 2025, "other"),
    ("NeurIPS 2025 Creative AI Track", "NeurIPS", 2025, "other"),
    ("CHI 2025 Late Breaking Work", "CHI", 2025, "other"),
    ("Accepted for the 40th Annual AAAI Conference on Artificial Intelligence (2026) - "
     "Demonstration Track", "AAAI", 2026, "other"),
    ("Accepted to ICLR 2025 - Tiny Papers", "ICLR", 2025, "other"),
    ("10 pages. Accepted at AMIA Amplify Informatics Summit 2026", "AMIA", 2026, "other"),
]

# (comment, venue or None): a look-alike or a longer name must not take the main venue's tier.
NOT_THE_VENUE = [
    ("To appear in 2026 ACM SIGIR Conference on Human Information Interaction and Retrieval "
     "(CHIIR '26)", None),
    ("Accepted at the 21st AAAI Conference on Artificial Intelligence and Interactive Digital "
     "Entertainment (AIIDE 2025)", None),
    ("To be published in AAAI AIES 2025", "AIES"),
    ("The archival version has been accepted to AAAI (AIES 2025)", "AIES"),
    ("Accepted at AI for Access to Justice, Dispute Resolution, and Data Access (AIDA2J) at "
     "Jurix 2025", None),
    ("Accepted at Big Data from Space 2025 (BiDS'25)", None),
    ("Accepted for publication in PRL", "Phys. Rev. Lett."),
    ("Published by Springer Nature with the 14th bioinspired and biohybrid systems conference",
     None),
    ("20 pages; technical report; NeurIPS style", None),
    ("Accepted at ICMLA 2024", "ICMLA"),
    ("Accepted at SIGIR-AP 2024", None),
]

# (comment, venue, year, tier under 2026): still found.
FOUND = [
    ("Accepted by ACM MM25", "ACM MM", 2025, "A"),
    ("Accepted at ACM MM Asia 2024", "MMAsia", 2024, "C"),
    ("Accepted by MM 2025", "ACM MM", 2025, "A"),
    ("Accepted by FSE2026", "FSE", 2026, "A"),
    ("accepted by TGRS", "TGARS", None, "B"),
    ("Accepted at CADE30 (2025). 17 figures.", "CADE", 2025, "B"),
    ("Neurips 2025 poster", "NeurIPS", 2025, "A"),
    ("Accepted as a poster at ICLR 2025", "ICLR", 2025, "A"),
    ("Accepted by ACL 2026 MainConference", "ACL", 2026, "A"),
    ("Accepted to International AAAI Conference on Web and Social Media 2026 (ICWSM'26)",
     "ICWSM", 2026, "B"),
    ("Accepted to ICML 2024. Also presented at the XYZ workshop", "ICML", 2024, "A"),
    ("Accepted to the main conference of ACL 2024. An earlier version appeared at the ABC "
     "workshop", "ACL", 2024, "A"),
    ("Accepted to ICLR 2025 - Code available at github", "ICLR", 2025, "A"),
    ("Accepted at NeurIPS 2025 - main track", "NeurIPS", 2025, "A"),
    ("Main paper (10 pages). Accepted for publication by the 14th international conference on "
     "Computational Visual Media (CVM 2026)", "CVM", 2026, "C"),
]


@pytest.mark.parametrize(("text", "venue", "year", "kind"), SIDE)
def test_side_events_and_tracks_get_no_tier(text: str, venue: str, year: int | None,
                                            kind: str) -> None:
    res = _RESOLVER.resolve(text)
    assert (res.venue, res.year, res.kind, res.status) == (venue, year, kind, "accepted")
    assert res.ccf_tier is None and res.venue_key is None


@pytest.mark.parametrize(("text", "venue"), NOT_THE_VENUE)
def test_longer_names_and_look_alikes(text: str, venue: str | None) -> None:
    res = _RESOLVER.resolve(text)
    assert res.venue == venue
    assert res.ccf_tier is None


@pytest.mark.parametrize(("text", "venue", "year", "tier"), FOUND)
def test_still_found(text: str, venue: str, year: int | None, tier: str) -> None:
    res = _RESOLVER.resolve(text)
    assert (res.venue, res.year, res.kind, res.ccf_tier) == (venue, year, "conference"
                                                             if venue != "TGARS" else "journal",
                                                             tier)  # fmt: skip


def _score(name: str):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT))
    from bench.eval_venues import score

    return score(ROOT / "tests/fixtures" / name, _RESOLVER)


def test_dev_set_size_and_targets() -> None:
    s = _score("venues_dev.jsonl")
    assert s.total >= 550
    assert s.precision >= 0.98 and s.recall >= 0.95
    assert s.leaks == [] and s.other_tiered == []


def test_heldout_targets() -> None:
    s = _score("venues_heldout.jsonl")
    assert s.total >= 200
    assert s.precision >= 0.98 and s.recall >= 0.95
    assert s.leaks == []
