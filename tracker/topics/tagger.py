"""The default topic tagger: weighted phrases (one Aho–Corasick automaton) and category priors.

Tagging is pure (``tag_*``): no files, no database. Build one ``Tagger`` and reuse it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from tracker.config import PROJECT_ROOT
from tracker.topics.matcher import Phrase, PhraseMatcher, phrase_words
from tracker.topics.ragged import RaggedIndex
from tracker.topics.rules import TopicRules, load_rules
from tracker.topics.taxonomy import Taxonomy, load_taxonomy

TAXONOMY_FILE = "topics.yaml"
RULES_FILE = "topic_rules.yaml"

Tag = tuple[str, float]

TAG_CHUNK = 1000
"""Papers scored together by :meth:`Tagger.tag_many`: as fast as 5,000 at a time, with a
fifth of the memory (about 10 MB of matches and arrays at once instead of 48)."""


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
        # Phrase id -> its (topic, weight) pairs, as flat arrays for the block-wise scoring.
        pairs = self._phrase_weights
        self._pairs = RaggedIndex([len(p) for p in pairs])
        self._pair_topic = np.array([t for p in pairs for t, _w in p], dtype=np.int64)
        self._pair_weight = np.array([w for p in pairs for _t, w in p], dtype=np.float64)
        self._yield_arrays = [(t, sorted(others), f) for t, others, f in self._yields]

    # --- scoring ------------------------------------------------------------------------

    def _scores(self, papers: Sequence[tuple[str, str, Sequence[str]]]) -> np.ndarray:
        """Raw scores, one row per ``(title, abstract, categories)`` and a column per topic.

        Every paper of a block at once: one automaton run and a few array operations instead
        of Python work per phrase found. Each score is summed in a fixed order (phrases by
        id, then categories), so a paper gets the same score alone or in any block.
        """
        n, n_topics, n_phrases = len(papers), len(self.slugs), len(self._phrase_weights)
        texts = [text for title, abstract, _cats in papers for text in (title, abstract)]
        where, pids = self._matcher.occurrences(texts)
        # One entry per (paper, phrase) found: in the title at all, and how often in the abstract.
        found, slot = np.unique((where >> 1) * n_phrases + pids, return_inverse=True)
        in_title = np.zeros(len(found), dtype=bool)
        in_title[slot[(where & 1) == 0]] = True
        hits = np.bincount(slot[(where & 1) == 1], minlength=len(found))
        factor = np.where(in_title, self._title_weight, 0.0)
        repeats = np.minimum(hits - 1, self._max_repeats) * self._repeat
        factor = np.where(hits > 0, factor + (1.0 + repeats), factor)
        # Spread each (paper, phrase) over the phrase's (topic, weight) pairs.
        pair, count = self._pairs.gather(found % n_phrases)
        cells = [np.repeat(found // n_phrases, count) * n_topics + self._pair_topic[pair]]
        values = [self._pair_weight[pair] * np.repeat(factor, count)]
        extra_cells, extra_values = [], []
        for i, (_title, _abstract, categories) in enumerate(papers):
            for rank, category in enumerate(categories):
                for t, w in self._categories.get(category, ()):
                    extra_cells.append(i * n_topics + t)
                    extra_values.append(w if rank == 0 else w / 2)
        cells.append(np.array(extra_cells, dtype=np.int64))
        values.append(np.array(extra_values, dtype=np.float64))
        scores = (
            np.bincount(
                np.concatenate(cells), weights=np.concatenate(values), minlength=n * n_topics
            )
            .astype(np.float64, copy=False)
            .reshape(n, n_topics)
        )  # float even when empty
        tagged = scores >= self._threshold
        for t, others, yield_factor in self._yield_arrays:
            scores[tagged[:, others].any(axis=1), t] *= yield_factor
        return scores

    def score(self, title: str, abstract: str, categories: Iterable[str] | str = ()) -> list[float]:
        """Raw score of every topic (taxonomy order), before thresholding."""
        cats = categories.split() if isinstance(categories, str) else list(categories)
        return [float(v) for v in self._scores([(title, abstract, cats)])[0]]

    def tag(self, title: str, abstract: str, categories: Sequence[str] | str = ()) -> list[Tag]:
        """Topics of a paper as ``(slug, score)``, best first; score in [0.5, 1) when tagged."""
        return self.tag_many([(title, abstract, categories)])[0]

    def tag_many(self, papers: Iterable[tuple[str, str, Sequence[str] | str]]) -> list[list[Tag]]:
        """Tag many ``(title, abstract, categories)`` tuples (a block at a time is fastest)."""
        rows = [(t, a, c.split() if isinstance(c, str) else c) for t, a, c in papers]
        out: list[list[Tag]] = []
        for start in range(0, len(rows), TAG_CHUNK):
            out.extend(self._tag_chunk(rows[start : start + TAG_CHUNK]))
        return out

    def _tag_chunk(self, rows: Sequence[tuple[str, str, Sequence[str]]]) -> list[list[Tag]]:
        out: list[list[Tag]] = [[] for _ in rows]
        threshold = self._threshold
        scores = self._scores(rows)
        paper, topic = np.nonzero(scores >= threshold)
        ranked: dict[int, list[tuple[float, int]]] = {}
        found = scores[paper, topic].tolist()
        for i, t, s in zip(paper.tolist(), topic.tolist(), found, strict=True):
            ranked.setdefault(i, []).append((-s, t))
        for i, entries in ranked.items():
            entries.sort()
            fits = [(self.slugs[t], round(-neg / (-neg + threshold), 4)) for neg, t in entries]
            floor = fits[0][1] * self._relative_cut
            out[i] = [(slug, fit) for slug, fit in fits[: self._max_topics] if fit >= floor]
        return out


@lru_cache(maxsize=4)
def default_tagger(seeds_dir: str | None = None) -> Tagger:
    """The tagger built from the project's seeds (or ``seeds_dir``), built once per process."""
    return Tagger.from_seeds(seeds_dir or PROJECT_ROOT / "seeds")


def tag_paper(
    title: str, abstract: str, categories: Sequence[str] | str = (), tagger: Tagger | None = None
) -> list[Tag]:
    """Topics of one paper, best first (the default tagger unless one is given)."""
    return (tagger or default_tagger()).tag(title, abstract, categories)
