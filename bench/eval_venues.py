"""Score the venue resolver on the labeled development set and print the figures.

Usage: python bench/eval_venues.py [tests/fixtures/venues_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.venues import VenueResolver  # noqa: E402


@dataclass
class Scores:
    """Counts behind the dev-set figures."""

    total: int = 0
    tiered: int = 0
    tiered_right: int = 0
    main_ccf: int = 0
    main_ccf_found: int = 0
    leaks: list[str] = field(default_factory=list)
    other_tiered: list[str] = field(default_factory=list)
    exact: int = 0
    status_right: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Of papers given a tier, share with the right venue and tier."""
        return self.tiered_right / self.tiered if self.tiered else 1.0

    @property
    def recall(self) -> float:
        """Of papers accepted at a CCF main track, share resolved to that venue and tier."""
        return self.main_ccf_found / self.main_ccf if self.main_ccf else 1.0


def score(path: Path, resolver: VenueResolver, edition: int = 2026) -> Scores:
    """Resolve every dev record and compare with its label."""
    s = Scores()
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        exp = rec["expected"]
        res = resolver.resolve(rec.get("comments"), rec.get("journal_ref"), rec.get("doi"), edition)
        got = {"venue": res.venue, "year": res.year, "kind": res.kind, "status": res.status,
               "ccf_tier": res.ccf_tier}  # fmt: skip
        s.total += 1
        s.exact += got == exp
        s.status_right += got["status"] == exp["status"]
        if got != exp:
            s.wrong.append(f"{rec['id']}: expected {exp} got {got}")
        if res.ccf_tier is not None:
            s.tiered += 1
            s.tiered_right += (res.venue, res.ccf_tier) == (exp["venue"], exp["ccf_tier"])
            if exp["kind"] in ("workshop", "findings") or exp["status"] in ("submitted", "none"):
                s.leaks.append(rec["id"])
            elif exp["kind"] == "other":
                s.other_tiered.append(rec["id"])
        if exp["ccf_tier"] is not None and exp["status"] in ("accepted", "published"):
            s.main_ccf += 1
            s.main_ccf_found += (res.venue, res.ccf_tier) == (exp["venue"], exp["ccf_tier"])
    return s


def main() -> None:
    """Print precision, recall, leaks and the records that differ from their label."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path", nargs="?", type=Path, default=ROOT / "tests/fixtures/venues_dev.jsonl",
        help="labeled JSON lines (default: the development set)",
    )  # fmt: skip
    path = parser.parse_args().path
    s = score(path, VenueResolver.from_seeds(ROOT / "seeds"))
    print(f"records: {s.total}")
    print(f"tier precision: {s.tiered_right}/{s.tiered} = {s.precision:.1%}")
    print(f"main-track CCF recall: {s.main_ccf_found}/{s.main_ccf} = {s.recall:.1%}")
    print(f"workshop/findings/submitted given a tier: {len(s.leaks)} {s.leaks}")
    print(f"other tracks (demo/poster/...) given a tier: {len(s.other_tiered)} {s.other_tiered}")
    print(f"all five fields right: {s.exact}/{s.total}; status right: {s.status_right}/{s.total}")
    for w in s.wrong:
        print("  differs:", w)


if __name__ == "__main__":
    main()
