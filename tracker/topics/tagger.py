"""The default topic tagger: weighted phrases and category priors compiled into a token trie.

Tagging is pure (``tag_*``): no files, no database. Build one ``Tagger`` and reuse it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import compress, count
from pathlib import Path
from typing import Any

from tracker.config import PROJECT_ROOT
from tracker.topics.rules import TopicRules, load_rules
from tracker.topics.taxonomy import Taxonomy, load_taxonomy

TAXONOMY_FILE = "topics.yaml"
RULES_FILE = "topic_rules.yaml"

_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Tokenizing text: ASCII bytes with every byte but a-z/0-9 (A-Z lower-cased) turned into a
# space, then split; same tokens as _TOKEN_RE on the lower-cased text, several times faster.
_ALNUM = b"abcdefghijklmnopqrstuvwxyz0123456789"
_BYTE_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if c in _ALNUM else 32 for c in range(256))

Tag = tuple[str, float]
_Node = tuple[dict[str, Any], list[int]]  # (children by trie key, ids of phrases ending here)
_Keys = tuple[tuple[str, "_Node | None"], ...]  # a token's trie keys, each with its root node


def _stem(token: str) -> str:
    """Fold plurals so "models" matches "model" (applied to text and phrases alike)."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


class _KeyCache(dict[bytes, "_Keys"]):
    """Token -> trie keys, computed on first sight (the vocabulary of papers is small)."""

    def __init__(self, compute: Callable[[str], _Keys]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, token: bytes) -> _Keys:
        keys = self._compute(token.decode("ascii"))
        if len(self) < 500_000:
            self[token] = keys
        return keys


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
        self._root: dict[str, _Node] = {}
        self._prefixes: list[str] = []
        self._categories: dict[str, list[tuple[int, float]]] = {}
        self._yields: list[tuple[int, frozenset[int], float]] = []
        self._token_cache = _KeyCache(self._keys)
        self._vocab: frozenset[str] = frozenset()
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
        phrase_ids: dict[tuple[str, ...], int] = {}
        prefixes: set[str] = set()
        root: _Node = ({}, [])
        for slug, rule in self.rules.topics.items():
            t = index[slug]
            for phrase, weight in rule.phrases.items():
                words = tuple(self._phrase_words(phrase, prefixes))
                if not words:
                    continue
                if words not in phrase_ids:
                    phrase_ids[words] = len(self._phrase_weights)
                    self._phrase_weights.append([])
                    node = root
                    for word in words:
                        node = node[0].setdefault(word, ({}, []))
                    node[1].append(phrase_ids[words])
                self._phrase_weights[phrase_ids[words]].append((t, weight))
            for category, weight in rule.categories.items():
                self._categories.setdefault(category, []).append((t, weight))
            if rule.yield_to and rule.yield_factor != 1.0:
                others = frozenset(index[o] for o in rule.yield_to if o != slug)
                self._yields.append((t, others, rule.yield_factor))
        self._root = root[0]
        self._prefixes = sorted(prefixes, key=len, reverse=True)
        self._vocab = frozenset(w for words in phrase_ids for w in words)

    @staticmethod
    def _phrase_words(phrase: str, prefixes: set[str]) -> list[str]:
        words: list[str] = []
        for raw in phrase.lower().split():
            if raw.endswith("*"):
                stem = "".join(_TOKEN_RE.findall(raw[:-1]))
                if stem:
                    prefixes.add(stem)
                    words.append(stem + "*")
                continue
            words.extend(_stem(tok) for tok in _TOKEN_RE.findall(raw))
        return words

    # --- matching -----------------------------------------------------------------------

    def _keys(self, token: str) -> tuple[tuple[str, _Node | None], ...]:
        """Trie keys a text token can take (stem, wildcard prefixes), each with the trie node it
        starts a phrase at (None if no phrase starts with it); () when the token is in no phrase."""
        found = (_stem(token), *(p + "*" for p in self._prefixes if token.startswith(p)))
        return tuple((k, self._root.get(k)) for k in found if k in self._vocab)

    def _count(self, text: str) -> dict[int, int]:
        """How often each phrase occurs in ``text`` (phrase id -> count)."""
        counts: dict[int, int] = {}
        if not text:
            return counts
        # Per-token work stays in C: tokenize, look keys up (cached), keep the hit positions.
        tokens = text.encode("ascii", "replace").translate(_BYTE_TABLE).split()
        keyed = list(map(self._token_cache.__getitem__, tokens))
        keyed.append(())  # sentinel: every walk stops at the end
        for i in compress(count(), keyed):
            for _, node in keyed[i]:
                if node is None:
                    continue
                j = i + 1
                while True:
                    for pid in node[1]:
                        counts[pid] = counts.get(pid, 0) + 1
                    if not node[0]:
                        break
                    keys = keyed[j]
                    j += 1
                    if len(keys) == 1:
                        node = node[0].get(keys[0][0])
                        if node is None:
                            break
                    else:  # no key (phrase ends) or several (stem and wildcard): rare
                        if keys:
                            self._branch(node, keyed, j - 1, counts)
                        break
        return counts

    @staticmethod
    def _branch(node: _Node, keyed: list[_Keys], j: int, counts: dict[int, int]) -> None:
        """Follow every key of token ``j`` from ``node`` (a word matching several trie keys)."""
        for key, _ in keyed[j]:
            child = node[0].get(key)
            if child is None:
                continue
            for pid in child[1]:
                counts[pid] = counts.get(pid, 0) + 1
            if child[0] and keyed[j + 1]:
                Tagger._branch(child, keyed, j + 1, counts)

    def score(self, title: str, abstract: str, categories: Iterable[str] = ()) -> list[float]:
        """Raw score of every topic (taxonomy order), before thresholding."""
        scores = [0.0] * len(self.slugs)
        title_counts = self._count(title)
        abstract_counts = self._count(abstract)
        weights = self._phrase_weights
        for pid in title_counts.keys() | abstract_counts.keys():
            factor = self._title_weight if pid in title_counts else 0.0
            hits = abstract_counts.get(pid, 0)
            if hits:
                factor += 1.0 + self._repeat * min(hits - 1, self._max_repeats)
            for t, w in weights[pid]:
                scores[t] += w * factor
        for rank, category in enumerate(categories):
            for t, w in self._categories.get(category, ()):
                scores[t] += w if rank == 0 else w / 2
        tagged = {t for t, s in enumerate(scores) if s >= self._threshold}
        for t, others, factor in self._yields:
            if tagged & others:
                scores[t] *= factor
        return scores

    def tag(self, title: str, abstract: str, categories: Sequence[str] | str = ()) -> list[Tag]:
        """Topics of a paper as ``(slug, score)``, best first; score in [0.5, 1) when tagged."""
        if isinstance(categories, str):
            categories = categories.split()
        scores = self.score(title, abstract, categories)
        threshold = self._threshold
        ranked = sorted(
            ((s, t) for t, s in enumerate(scores) if s >= threshold), key=lambda p: (-p[0], p[1])
        )
        if not ranked:
            return []
        fits = [(self.slugs[t], round(sc / (sc + threshold), 4)) for sc, t in ranked]
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
