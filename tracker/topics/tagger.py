"""The default topic tagger: weighted phrases (one Aho–Corasick automaton) and category priors.

Tagging is pure (``tag_*``): no files, no database. Build one ``Tagger`` and reuse it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from tracker.config import PROJECT_ROOT
from tracker.topics.matcher import Phrase, PhraseMatcher, phrase_words
from tracker.topics.rules import TopicRules, load_rules
from tracker.topics.taxonomy import Taxonomy, load_taxonomy

TAXONOMY_FILE = "topics.yaml"
RULES_FILE = "topic_rules.yaml"

Tag = tuple[str, float]


class Tagger:
    """Scores a paper against every topic; compiled once from a taxonomy and its rules."""

    def __init__(self, taxonomy: Taxonomy, rules: TopicRules) -> None:
        self.taxonomy = taxonomy
        self.rules = rules
        self.content_hash = rules.content_hash
        """Changes whenever the taxonomy or the rules change (stored with the tags)."""
        self.slugs: list[str] = taxonomy.slugs
        s = rules.settings
        self._threshold = s["threshold"]
        self._title_weight = s["title_weight"]
        self._repeat = s["repeat_weight"]
        self._max_repeats = int(s["max_repeats"])
        self._max_topics = int(s["max_topics"])
        self._relative_cut = s["relative_cut"]
        self._phrase_weights: list[list[tuple[int, float]]] = []
        self._categories: dict[str, list[tuple[int, float]]] = {}
        self._yields: list[tuple[int, frozenset[int], float]] = []
        self._matcher = PhraseMatcher([])
        self._compile()

    @classmethod
    def from_seeds(cls, seeds_dir: str | Path) -> Tagger:
        """Build the tagger from ``seeds_dir/topics.yaml`` and ``seeds_dir/topic_rules.yaml``."""
        seeds = Path(seeds_dir)
        taxonomy = load_taxonomy(seeds / TAXONOMY_FILE)
        return cls(taxonomy, load_rules(seeds / RULES_FILE, taxonomy))

    # --- compilation --------------------------------------------------------------------

    def _compile(self) -> None:
        index = {slug: i for i, slug in enumerate(self.slugs)}
        phrase_ids: dict[Phrase, int] = {}
        for slug, rule in self.rules.topics.items():
            t = index[slug]
            for phrase, weight in rule.phrases.items():
                words = phrase_words(phrase)
                if not words:
                    continue
                if words not in phrase_ids:
                    phrase_ids[words] = len(self._phrase_weights)
                    self._phrase_weights.append([])
                self._phrase_weights[phrase_ids[words]].append((t, weight))
            for category, weight in rule.categories.items():
                self._categories.setdefault(category, []).append((t, weight))
            if rule.yield_to and rule.yield_factor != 1.0:
                others = frozenset(index[o] for o in rule.yield_to if o != slug)
                self._yields.append((t, others, rule.yield_factor))
        self._matcher = PhraseMatcher(list(phrase_ids))

    # --- matching -----------------------------------------------------------------------

    def _count(self, text: str) -> dict[int, int]:
        """How often each phrase occurs in ``text`` (phrase id -> count)."""
        return self._matcher.count(text)

    def _raw(self, title: str, abstract: str, categories: Iterable[str]) -> dict[int, float]:
        """Raw scores of the topics any phrase or category touched (topic index -> score)."""
        scores: dict[int, float] = {}
        get = scores.get
        title_counts = self._count(title)
        abstract_counts = self._count(abstract)
        weights = self._phrase_weights
        title_weight, repeat, max_repeats = self._title_weight, self._repeat, self._max_repeats
        for pid in title_counts.keys() | abstract_counts.keys():
            factor = title_weight if pid in title_counts else 0.0
            hits = abstract_counts.get(pid, 0)
            if hits:
                factor += 1.0 + repeat * (hits - 1 if hits <= max_repeats else max_repeats)
            for t, w in weights[pid]:
                scores[t] = get(t, 0.0) + w * factor
        for rank, category in enumerate(categories):
            for t, w in self._categories.get(category, ()):
                scores[t] = scores.get(t, 0.0) + (w if rank == 0 else w / 2)
        threshold = self._threshold
        tagged = {t for t, s in scores.items() if s >= threshold}
        if tagged:
            for t, others, factor in self._yields:
                if t in scores and not tagged.isdisjoint(others):
                    scores[t] *= factor
        return scores

    def score(self, title: str, abstract: str, categories: Iterable[str] = ()) -> list[float]:
        """Raw score of every topic (taxonomy order), before thresholding."""
        scores = [0.0] * len(self.slugs)
        for t, value in self._raw(title, abstract, categories).items():
            scores[t] = value
        return scores

    def tag(self, title: str, abstract: str, categories: Sequence[str] | str = ()) -> list[Tag]:
        """Topics of a paper as ``(slug, score)``, best first; score in [0.5, 1) when tagged."""
        if isinstance(categories, str):
            categories = categories.split()
        threshold = self._threshold
        ranked = sorted(
            ((-s, t) for t, s in self._raw(title, abstract, categories).items() if s >= threshold)
        )
        if not ranked:
            return []
        fits = [(self.slugs[t], round(-neg / (-neg + threshold), 4)) for neg, t in ranked]
        floor = fits[0][1] * self._relative_cut
        return [(slug, fit) for slug, fit in fits[: self._max_topics] if fit >= floor]

    def tag_many(self, papers: Iterable[tuple[str, str, Sequence[str] | str]]) -> list[list[Tag]]:
        """Tag many ``(title, abstract, categories)`` tuples."""
        return [self.tag(title, abstract, cats) for title, abstract, cats in papers]


@lru_cache(maxsize=4)
def default_tagger(seeds_dir: str | None = None) -> Tagger:
    """The tagger built from the project's seeds (or ``seeds_dir``), built once per process."""
    return Tagger.from_seeds(seeds_dir or PROJECT_ROOT / "seeds")


def tag_paper(
    title: str, abstract: str, categories: Sequence[str] | str = (), tagger: Tagger | None = None
) -> list[Tag]:
    """Topics of one paper, best first (the default tagger unless one is given)."""
    return (tagger or default_tagger()).tag(title, abstract, categories)
