"""Counts of the loaded CCF tables, as the seed README tabulates them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import CcfRating


@dataclass(frozen=True)
class EditionCounts:
    """Rows of one edition by kind and tier."""

    edition: int
    counts: dict[tuple[str, str], int]

    @property
    def total(self) -> int:
        """All rows of the edition (journals listed in two domains count twice)."""
        return sum(self.counts.values())


def ccf_counts(session: Session) -> list[EditionCounts]:
    """Rows per edition, kind and tier."""
    rows = session.execute(
        select(CcfRating.edition, CcfRating.kind, CcfRating.tier, func.count())
        .group_by(CcfRating.edition, CcfRating.kind, CcfRating.tier)
        .order_by(CcfRating.edition)
    ).all()
    by_edition: dict[int, dict[tuple[str, str], int]] = {}
    for edition, kind, tier, n in rows:
        by_edition.setdefault(edition, {})[(kind, tier)] = n
    return [EditionCounts(e, c) for e, c in by_edition.items()]


def format_counts(counts: list[EditionCounts]) -> str:
    """The counts as a plain-text table (edition, conf A/B/C, journal A/B/C, total)."""
    head = f"{'edition':<8}{'conf A':>8}{'conf B':>8}{'conf C':>8}{'jour A':>8}{'jour B':>8}"
    head += f"{'jour C':>8}{'total':>8}"
    lines = [head]
    for ec in counts:
        cells = [ec.counts.get((k, t), 0) for k in ("conference", "journal") for t in "ABC"]
        lines.append(f"{ec.edition:<8}" + "".join(f"{n:>8}" for n in cells) + f"{ec.total:>8}")
    return "\n".join(lines)
