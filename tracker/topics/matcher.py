"""Count phrase occurrences in a text in one Aho–Corasick pass (compiled: ``ahocorasick_rs``).

A phrase is a tuple of words. A plain word matches a text token whose plural-folded form
(:func:`stem`) equals it; a word ending in ``*`` matches any token starting with the part
before the ``*``. Tokens are the runs of ASCII letters and digits of the lower-cased text
(any other character is a word break), so "text-to-image" holds the tokens text, to, image.

Instead of folding every token of every paper (Python work per token), the matcher compiles
each phrase into the surface strings that fold to it ("model" -> " model ", " models "), and
runs the automaton (a DFA over bytes) on the text as it is, once normalized to single spaces:
compiled code does the per-character work. The texts of a whole block of papers go through
the automaton as one buffer, and numpy turns its matches into (text, phrase) pairs, so the
Python work per paper is small. A phrase with a wildcard before its last word ("align* with
human") is found by the automaton on its first word and confirmed by a small regular
expression.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

import ahocorasick_rs
import numpy as np

from tracker.text import squeeze_spaces
from tracker.topics.ragged import RaggedIndex

_ALNUM = b"abcdefghijklmnopqrstuvwxyz0123456789"
# ASCII bytes with A-Z lower-cased and every byte but a-z/0-9 turned into a space.
_BYTE_TABLE = bytes(c + 32 if 65 <= c <= 90 else c if c in _ALNUM else 32 for c in range(256))
_SEPARATOR = b"\x00"
"""Parts the texts of one automaton run; it survives :data:`_TEXTS_TABLE` and is in no key."""
_TEXTS_TABLE = _SEPARATOR + _BYTE_TABLE[1:]

Phrase = tuple[str, ...]

_NO_PREFILTER = (b"\x01\x01", b"\x02\x02", b"\x03\x03")
"""Keys that never match (the buffer holds no such byte), added so that the keys start with
four different bytes: with every key starting with a space, the automaton library picks a
"start byte" prefilter that stops at every space (every few bytes of English) and restarts
the automaton there. Without it, the automaton just runs: 15% fewer instructions (callgrind)."""


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


def _automaton_texts(texts: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """``texts`` as one buffer for the automaton, and where each text ends in it.

    Each text becomes its tokens with one space between them and around them (as in
    :func:`normalize`), texts parted by :data:`_SEPARATOR`, which no key holds:
    ``b" a b \\x00 c "``. One buffer for a whole block of papers: a few C calls per block.
    """
    raw = [text.encode("ascii", "replace") for text in texts]
    joined = (b" " + _SEPARATOR + b" ").join(raw)
    spaced = np.frombuffer(b" " + joined.translate(_TEXTS_TABLE) + b" ", dtype=np.uint8)
    # Squeeze runs of spaces: numpy does it in one pass (``replace`` needs one pass per kind
    # of run, and punctuation next to a space leaves a run of two or three in every abstract).
    space = spaced == 32
    keep = np.ones(len(spaced), dtype=bool)
    np.logical_not(space[1:] & space[:-1], out=keep[1:])
    squeezed = spaced[keep]
    ends = np.flatnonzero(squeezed == 0)
    if len(ends) != len(raw) - 1:  # a text holds the separator byte itself: make it a space
        return _automaton_texts([text.replace("\x00", " ") for text in texts])
    return squeezed.tobytes(), np.append(ends, len(squeezed))


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
                    key = " " + " ".join(combo) + tail
                    entries.setdefault(key, ([], []))[0].append(pid)
                continue
            # A wildcard before the last word: the automaton finds the first word, a regular
            # expression anchored at the match checks the rest.
            check = re.compile((" " + " ".join(map(_word_pattern, words)) + tail).encode())
            first = words[0]
            for form in surface_forms(first):
                key = " " + form + ("" if first.endswith("*") else " ")
                entries.setdefault(key, ([], []))[1].append((check, pid))
        # The automaton answers key numbers; arrays map them to phrase ids (numpy, per block).
        self._checks = [tuple(checks) for _pids, checks in entries.values()]
        # Key number -> its phrase ids, as flat arrays (most keys have one phrase).
        key_pids = [pids for pids, _checks in entries.values()]
        self._key_pids = RaggedIndex([len(p) for p in key_pids])
        self._key_pid = np.array([p for pids in key_pids for p in pids], dtype=np.int64)
        self._key_checked = np.array([bool(c) for c in self._checks], dtype=bool)
        self._automaton: Any = None
        if entries:
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                [key.encode() for key in entries] + list(_NO_PREFILTER),
                implementation=ahocorasick_rs.Implementation.DFA,
            )

    def count(self, text: str) -> dict[int, int]:
        """How often each phrase occurs in ``text`` (phrase id -> count; absent: zero)."""
        _texts, pids = self.occurrences([text])
        found, hits = np.unique(pids, return_counts=True)
        return dict(zip(found.tolist(), hits.tolist(), strict=True))

    def occurrences(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every phrase occurrence in ``texts``: (text index, phrase id) arrays, one entry each.

        One automaton run over all the texts; Python only loops over the rare keys that need
        a regular-expression check.
        """
        empty = np.zeros(0, dtype=np.int64)
        if not texts or self._automaton is None:
            return empty, empty
        buffer, ends = _automaton_texts(texts)
        matches = self._automaton.find_matches_as_indexes(buffer, overlapping=True)
        if not matches:
            return empty, empty
        flat = np.fromiter(itertools.chain.from_iterable(matches), np.int64, 3 * len(matches))
        keys, starts = flat[0::3], flat[1::3]
        where = np.searchsorted(ends, starts)
        positions, npids = self._key_pids.gather(keys)
        pids = self._key_pid[positions]
        where_pids = np.repeat(where, npids)
        checked = np.flatnonzero(self._key_checked[keys])
        if len(checked):  # rare: confirm the rest of the phrase where the key occurs
            extra = [
                (int(where[i]), pid)
                for i in checked.tolist()
                for check, pid in self._checks[int(keys[i])]
                if check.match(buffer, int(starts[i]))
            ]
            if extra:
                more = np.array(extra, dtype=np.int64).reshape(-1, 2)
                where_pids = np.concatenate([where_pids, more[:, 0]])
                pids = np.concatenate([pids, more[:, 1]])
        return where_pids, pids


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
