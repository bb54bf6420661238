"""Tokens and cue words: how comments and journal-refs are cut up before venues are looked up.

Everything here is compiled once at import; the resolver only does dict and set lookups on
the tokens these patterns produce.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# A token is a run of letters/digits, possibly joined by ' & + - (CVPR'25, S&P, ASP-DAC).
TOKEN_RE = re.compile(r"[^\W_]+(?:[’'&+\-][^\W_]+)*")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b(?:github|huggingface)\.\S+", re.I)
# Clause ends: ; | a blank line, a spaced dash, and full stops that end a sentence. A stop after a
# capitalised word is an abbreviation ("IEEE Trans. Image Process.") and does not end a clause.
CLAUSE_BREAK_RE = re.compile(r"[;|]|\n\s*\n|\s-\s|\.(?<=[\w)\]]\.)(?=\s|$)")
_ABBREV_WORDS = frozenset(
    """
et al vs no pp vol proc conf int intl eds ed fig
""".split()  # noqa: SIM905
)
ABBR_YEAR_RE = re.compile(r"^([a-z][a-z&+\-]*?[a-z&+])[-']?(\d{2}|\d{4})$")
YEAR4_RE = re.compile(r"^(19[89]\d|20[0-4]\d)$")
YEAR2_RE = re.compile(r"^\d{2}$")
ORDINAL_RE = re.compile(r"^\d+(?:st|nd|rd|th)$")
NUMBER_RE = re.compile(r"^\d+$")

# Words that never distinguish one venue name from another; dropped before phrase lookups.
FILLER = frozenset(
    """
the of on and in for at to a an ieee acm cvf rsj siam ifip annual international intl int
proceedings proc conf proceeding inproceedings first second third fourth fifth sixth seventh
eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth
eighteenth nineteenth twentieth
""".split()  # noqa: SIM905
)
# Abbreviated name words expanded before phrase lookups ("IEEE Trans. Image Process.").
EXPAND = {"conf": "conference", "trans": "transactions", "symp": "symposium", "j": "journal",
          "jour": "journal", "workshops": "workshop"}  # fmt: skip

ACCEPT = frozenset(
    """
accepted accept accepts acceptance appear appears appearing appeared presented present
presentation camera camera-ready oral spotlight highlight poster selected published publish
publication proceedings proceeding conference-paper
""".split()  # noqa: SIM905
)
PUBLISHED = frozenset(
    """
published publication appeared proceedings proceeding
""".split()  # noqa: SIM905
)
SUBMIT = frozenset(
    """
submitted submission submit submitting review reviewing consideration resubmitted
""".split()  # noqa: SIM905
)
REJECT = frozenset(
    """
rejected reject rejection withdrawn
""".split()  # noqa: SIM905
)
PRIOR = frozenset(
    """
extension extends extending extended-version builds based preliminary sequel follow-up
""".split()  # noqa: SIM905
)
WORKSHOP = frozenset(
    """
workshop workshops wksp wkshp srw symposium-workshop challenge challenges competition
""".split()  # noqa: SIM905
)
FINDINGS = frozenset({"findings"})
OTHER_TRACK = frozenset(
    """
demo demos demonstration demonstrations tutorial tutorials doctoral consortium phd student
industry industrial late-breaking lbr lbw companion adjunct abstract abstracts tiny blogpost
blog non-archival nonarchival bridge undergraduate creative nier summit
""".split()  # noqa: SIM905
)
TRACK_WORDS = (
    WORKSHOP
    | FINDINGS
    | OTHER_TRACK
    | frozenset(
        """
main track oral spotlight poster paper papers long short conference research system
""".split()  # noqa: SIM905
    )
)
CONTINUATION = frozenset(
    """
and for of on with in &
""".split()  # noqa: SIM905
)
HOST = frozenset(
    """
colocated co-located conjunction satellite held
""".split()  # noqa: SIM905
)
EVENT_WORDS = frozenset(
    """
conference symposium workshop congress meeting workshops
""".split()  # noqa: SIM905
)
MONTHS = frozenset(
    """
january february march april may june july august september october november december jan
feb mar apr jun jul aug sep sept oct nov dec
""".split()  # noqa: SIM905
)


class Token(NamedTuple):
    """One token of the input with its character span."""

    start: int
    end: int
    text: str
    low: str


def fold(text: str) -> str:
    """ASCII-fold text (accents, fancy quotes and dashes) keeping length where possible."""
    if text.isascii():
        return text
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    if text.isascii():
        return text
    return "".join(
        c if c.isascii() else (unicodedata.normalize("NFKD", c)[:1] or " ") for c in text
    )


def tokenize(text: str) -> list[Token]:
    """Split text into tokens; URLs are blanked first so code links never look like venues."""
    if "/" in text or "@" in text:
        text = URL_RE.sub(lambda m: " " * len(m.group(0)), text)
    low = text.lower()
    new = tuple.__new__  # Token(...) runs a Python-level __new__: twice the cost a token
    if len(low) != len(text):  # a few characters lower-case to two ("İ")
        return [new(Token, (m.start(), m.end(), m.group(), m.group().lower()))
                for m in TOKEN_RE.finditer(text)]  # fmt: skip
    return [
        new(Token, (m.start(), m.end(), m.group(), low[m.start() : m.end()]))
        for m in TOKEN_RE.finditer(text)
    ]


_LETTER_RUNS = re.compile(r"[a-z]+")


class Text:
    """One comment or journal-ref, folded once, with its letter runs, and its tokens worked out
    on first use. The resolver reads a comment for venues and, when it names none, again for a
    bare status: both readings share this object, so the comment is tokenized once."""

    __slots__ = ("_tokens", "folded", "raw", "words")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.folded = fold(raw)
        self.words = frozenset(_LETTER_RUNS.findall(self.folded.lower()))
        """The lower-case letter runs (the cheap gates look them up)."""
        self._tokens: list[Token] | None = None

    @property
    def tokens(self) -> list[Token]:
        """:func:`tokenize` of the folded text (shared: callers must not change the list)."""
        if self._tokens is None:
            self._tokens = tokenize(self.folded)
        return self._tokens


def as_text(text: str | Text) -> Text:
    """``text`` as a :class:`Text` (a new one for a plain string)."""
    return text if isinstance(text, Text) else Text(text)


def _ends_sentence(text: str, pos: int) -> bool:
    if text[pos] != ".":
        return True
    k = pos
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in ")]"):
        k -= 1
    word = text[k:pos].strip(")]")
    if not word:
        return True
    if word.isdigit() or (word.isupper() and len(word) > 1):
        return True  # "CVPR 2024. Code ..." / "Accepted to CVPR. Code ..."
    return word[0].islower() and word.lower() not in _ABBREV_WORDS and len(word) > 2


def clause_ids(text: str, tokens: list[Token]) -> list[int]:
    """The clause number of every token (clauses split at sentence ends, semicolons, dashes)."""
    breaks = [m.start() for m in CLAUSE_BREAK_RE.finditer(text) if _ends_sentence(text, m.start())]
    ids: list[int] = []
    b = 0
    for tok in tokens:
        while b < len(breaks) and breaks[b] < tok.start:
            b += 1
        ids.append(b)
    return ids


def parse_year(low: str, prev_char: str = "") -> int | None:
    """A 4-digit year 1980-2049, or a 2-digit one written after an apostrophe ('25)."""
    if YEAR4_RE.match(low):
        return int(low)
    if prev_char == "'" and YEAR2_RE.match(low):
        return 2000 + int(low)
    return None


def two_digit_year(digits: str) -> int | None:
    """``25`` -> 2025, ``2025`` -> 2025, else None (years 1980-2049)."""
    if len(digits) == 4:
        return int(digits) if YEAR4_RE.match(digits) else None
    if len(digits) == 2:
        value = int(digits)  # "CADE30" is the 30th CADE, not 2030
        return 2000 + value if value < 30 else (1900 + value if value >= 80 else None)
    return None


def phrase_words(text: str) -> list[str]:
    """The words of a name as phrase lookups see them: lower-case, filler dropped, expanded."""
    words: list[str] = []
    for tok in TOKEN_RE.findall(fold(text).lower()):
        for part in tok.replace("'", " ").replace("&", " ").replace("-", " ").split():
            part = EXPAND.get(part, part)
            if part in FILLER or ORDINAL_RE.match(part) or NUMBER_RE.match(part):
                continue
            words.append(singular(part))
    return words


def singular(word: str) -> str:
    """Crude singular so "Neural Network" finds "Neural Networks"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
