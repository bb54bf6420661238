"""Count phrase occurrences in a text in one Aho–Corasick pass (compiled: ``ahocorasick_rs``).

A phrase is a tuple of words. A plain word matches a text token whose plural-folded form
(:func:`stem`) equals it; a word ending in ``*`` matches any token starting with the part
before the ``*``. Tokens are the runs of ASCII letters and digits of the lower-cased text
(any other character is a word break), so "text-to-image" holds the tokens text, to, image.

Instead of folding every token of every paper (Python work per token), the matcher compiles
each phrase into the surface strings that fold to it ("model" -> " model ", " models "), and
runs the automaton (a DFA over bytes) on the lower-cased text with every other character made
a space: compiled code does the per-character work and Python only sees the distinct keys
found. Punctuation next to a space leaves two or three spaces between words ("model, which").
Squeezing every run to one space took two thirds of the tagger's text preparation (a
``replace`` pass per kind of run), so runs are only cut down to at most two spaces (few runs
are longer) and the words of a phrase key are joined by one or two spaces, each combination
its own key. A phrase with a wildcard before its last word ("align* with human") is found by
the automaton on its first word and confirmed by a small regular expression.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import ahocorasick_rs

from tracker.text import squeeze_spaces

_ALNUM = b"abcdefghijklmnopqrstuvwxyz0123456789"
# ASCII bytes with A-Z lower-cased and every byte but a-z/0-9 turned into a space.
_BYTE_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if c in _ALNUM else 32 for c in range(256))

Phrase = tuple[str, ...]

_key_number = itemgetter(0)
"""The key of a ``find_matches_as_indexes`` item (key number, start, end)."""


def stem(token: str) -> str:
    """Fold plurals so "models" matches "model" (applied to text and phrases alike)."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """The tokens of a text (lower-cased ASCII letter/digit runs), before plural folding."""
    return normalize(text).split()


def normalize(text: str) -> str:
    """The text as its tokens, each with one space before and after (``" a b "``); "" if none."""
    return _normalized(text).decode("ascii")


def _normalized(text: str) -> bytes:
    """:func:`normalize` as ASCII bytes."""
    folded = squeeze_spaces(text.encode("ascii", "replace").translate(_BYTE_TABLE))
    return b" " + folded + b" " if folded else b""


_GAPS = (" ", "  ")
"""The spaces the automaton's text may hold between two tokens (see :func:`_automaton_text`)."""


def _automaton_text(text: str) -> bytes:
    """The tokens of ``text`` with one or two spaces between them and one around: ``b" a  b "``.

    Same tokens as :func:`normalize`; runs of three or more spaces (punctuation next to a
    space) are cut by a ``replace`` pass, which is cheap because they are few.
    """
    folded = text.encode("ascii", "replace").translate(_BYTE_TABLE)
    while b"   " in folded:
        folded = folded.replace(b"   ", b" ")
    folded = folded.strip(b" ")
    return b" " + folded + b" " if folded else b""


def surface_forms(word: str) -> list[str]:
    """Every token text that matches a phrase word (a wildcard word gives its prefix)."""
    if word.endswith("*"):
        return [word[:-1]]
    candidates = {word, word + "s"}
    if word.endswith("y"):
        candidates.add(word[:-1] + "ies")
    return sorted(form for form in candidates if stem(form) == word)


def _word_pattern(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + "[a-z0-9]*"
    return "(?:" + "|".join(map(re.escape, surface_forms(word))) + ")"


class PhraseMatcher:
    """Counts, for a text, how often each of a fixed list of phrases occurs (ids = positions)."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self.phrases = list(phrases)
        entries: dict[str, tuple[list[int], list[tuple[re.Pattern[bytes], int]]]] = {}
        for pid, words in enumerate(self.phrases):
            if not words:
                continue
            tail = "" if words[-1].endswith("*") else " "
            if not any(w.endswith("*") for w in words[:-1]):
                for combo in itertools.product(*map(surface_forms, words)):
                    for gaps in itertools.product(_GAPS, repeat=len(combo) - 1):
                        spaced = (w + gap for w, gap in zip(combo, (*gaps, tail), strict=True))
                        entries.setdefault(" " + "".join(spaced), ([], []))[0].append(pid)
                continue
            # A wildcard before the last word: the automaton finds the first word, a regular
            # expression anchored at the match checks the rest.
            check = re.compile((" " + " {1,2}".join(map(_word_pattern, words)) + tail).encode())
            first = words[0]
            for form in surface_forms(first):
                key = " " + form + ("" if first.endswith("*") else " ")
                entries.setdefault(key, ([], []))[1].append((check, pid))
        # The automaton answers key numbers; counting them is C work (Counter over a map), so
        # Python only visits each distinct key found, not each occurrence.
        self._keys: list[tuple[tuple[int, ...], tuple[tuple[re.Pattern[bytes], int], ...]]]
        self._keys = [(tuple(pids), tuple(checks)) for pids, checks in entries.values()]
        self._automaton: Any = None
        if entries:
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                [key.encode() for key in entries],
                implementation=ahocorasick_rs.Implementation.DFA,
            )

    def count(self, text: str) -> dict[int, int]:
        """How often each phrase occurs in ``text`` (phrase id -> count; absent: zero)."""
        counts: dict[int, int] = {}
        if not text or self._automaton is None:
            return counts
        norm = _automaton_text(text)
        if not norm:
            return counts
        matches = self._automaton.find_matches_as_indexes(norm, overlapping=True)
        keys = self._keys
        for number, hits in Counter(map(_key_number, matches)).items():
            pids, checks = keys[number]
            for pid in pids:
                counts[pid] = counts.get(pid, 0) + hits
            if checks:  # rare: confirm the rest of the phrase where the key occurs
                for found, start, _end in matches:
                    if found == number:
                        for check, pid in checks:
                            if check.match(norm, start):
                                counts[pid] = counts.get(pid, 0) + 1
        return counts


def phrase_words(phrase: str) -> Phrase:
    """A rule's phrase as matcher words: tokens, plural-folded, ``word*`` kept as a prefix."""
    words: list[str] = []
    for raw in phrase.lower().split():
        if raw.endswith("*"):
            prefix = "".join(tokens(raw[:-1]))
            if prefix:
                words.append(prefix + "*")
            continue
        words.extend(stem(tok) for tok in tokens(raw))
    return tuple(words)
