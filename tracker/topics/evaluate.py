"""Measure a tagger on a hand-labeled set: micro/macro F1 and per-topic precision/recall.

Print the figures: ``python -m tracker.topics.evaluate [LABELED.jsonl] [--split dev|holdout]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.config import PROJECT_ROOT
from tracker.topics.tagger import Tagger

DEFAULT_LABELED = PROJECT_ROOT / "tests" / "fixtures" / "topics_labeled.jsonl"


@dataclass
class TopicStats:
    """Counts for one topic."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted tags that are right (1.0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of true tags found (1.0 when the topic never occurs)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Evaluation figures over a labeled set."""

    n_papers: int
    per_topic: dict[str, TopicStats] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def micro(self) -> TopicStats:
        """Counts pooled over all topics."""
        total = TopicStats()
        for s in self.per_topic.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    @property
    def macro_f1(self) -> float:
        """Mean F1 over topics that occur in the labels or predictions."""
        used = [s for s in self.per_topic.values() if s.tp + s.fp + s.fn]
        return sum(s.f1 for s in used) / len(used) if used else 0.0

    def format(self) -> str:
        """A Markdown table plus the summary lines."""
        m = self.micro
        lines = [
            f"papers: {self.n_papers}",
            f"micro precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}",
            f"macro F1 {self.macro_f1:.3f}",
            "",
            "| topic | support | precision | recall | F1 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for slug, s in self.per_topic.items():
            lines.append(
                f"| {slug} | {s.tp + s.fn} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |"
            )
        return "\n".join(lines)


def load_labeled(
    path: str | Path = DEFAULT_LABELED, split: str | None = None
) -> list[dict[str, Any]]:
    """Read the labeled JSON-lines set, optionally one split (``dev`` or ``holdout``)."""
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if split is None or row.get("split") == split:
                    rows.append(row)
    return rows


def evaluate(tagger: Tagger, examples: Iterable[dict[str, Any]]) -> Report:
    """Tag every example and compare with its ``labels``."""
    rows = list(examples)
    report = Report(len(rows), {slug: TopicStats() for slug in tagger.slugs})
    tagged = tagger.tag_many([(r["title"], r["abstract"], r.get("categories", "")) for r in rows])
    for row, tags in zip(rows, tagged, strict=True):
        gold = set(row["labels"])
        got = {slug for slug, _ in tags}
        for slug in gold | got:
            stats = report.per_topic.setdefault(slug, TopicStats())
            if slug in gold and slug in got:
                stats.tp += 1
            elif slug in got:
                stats.fp += 1
            else:
                stats.fn += 1
        if gold != got:
            report.errors.append(
                {
                    "id": row["id"],
                    "title": row["title"],
                    "missing": sorted(gold - got),
                    "extra": sorted(got - gold),
                }
            )
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Print the evaluation of the default tagger on the labeled set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("labeled", nargs="?", default=str(DEFAULT_LABELED))
    parser.add_argument("--split", choices=["dev", "holdout"], help="evaluate one split only")
    parser.add_argument("--seeds", default=str(PROJECT_ROOT / "seeds"), help="seeds directory")
    parser.add_argument("--errors", action="store_true", help="list the papers tagged wrongly")
    args = parser.parse_args(argv)
    report = evaluate(Tagger.from_seeds(args.seeds), load_labeled(args.labeled, args.split))
    print(report.format())
    if args.errors:
        for err in report.errors:
            missing, extra = ",".join(err["missing"]), ",".join(err["extra"])
            print(f"{err['id']}  -{missing}  +{extra}  {err['title'][:70]}")


if __name__ == "__main__":
    main()
