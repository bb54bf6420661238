"""BibTeX export: ``@misc`` for preprints, ``@inproceedings`` / ``@article`` for known venues.

Entries carry the arXiv ``eprint`` / ``archiveprefix`` / ``primaryclass`` fields that Zotero,
biblatex and Google Scholar understand, so a preprint imports as a preprint.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from tracker.readinglists.items import ListItem

_SPACE_RE = re.compile(r"\s+")
_SPECIAL_RE = re.compile(r"(?<!\\)([&%#])")
_STOPWORDS = {"a", "an", "the", "on", "of", "for", "to", "in", "and", "with", "towards", "toward"}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded).lower()


def escape(text: str) -> str:
    """Make text safe inside a braced BibTeX value (LaTeX math is left as it is)."""
    value = _SPECIAL_RE.sub(r"\\\1", _SPACE_RE.sub(" ", text).strip())
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:  # unbalanced braces break the whole file for BibTeX; drop them
        value = value.replace("{", "").replace("}", "")
    return value


def entry_type(item: ListItem) -> str:
    """``inproceedings`` or ``article`` when accepted or published at a known venue."""
    if item.is_accepted and item.venue_name:
        return "article" if item.venue_kind == "journal" else "inproceedings"
    return "misc"


def _year(item: ListItem) -> int:
    if entry_type(item) != "misc" and item.venue_year:
        return item.venue_year
    return item.published.year


def citation_key(item: ListItem, taken: set[str]) -> str:
    """``surname2025word``, unique among ``taken`` (a, b, ... appended when needed)."""
    surname = _ascii(item.authors[0].split()[-1]) if item.authors else "anon"
    words = [_ascii(w) for w in item.title.split()]
    word = next((w for w in words if w and w not in _STOPWORDS), "paper")
    base = f"{surname or 'anon'}{_year(item)}{word}"
    key, n = base, 0
    while key in taken:
        key = base + chr(ord("a") + n) if n < 26 else f"{base}{n}"
        n += 1
    taken.add(key)
    return key


def _fields(item: ListItem) -> list[tuple[str, str]]:
    kind = entry_type(item)
    venue = escape(item.venue_full_name or item.venue_name or "")
    fields = [
        ("title", "{" + escape(item.title) + "}"),
        ("author", " and ".join(escape(a) for a in item.authors)),
        ("year", str(_year(item))),
    ]
    if kind == "inproceedings":
        fields.append(("booktitle", venue))
    elif kind == "article":
        fields.append(("journal", venue))
    fields += [
        ("eprint", item.arxiv_id),
        ("archiveprefix", "arXiv"),
        ("primaryclass", item.primary_category),
    ]
    if item.doi:
        fields.append(("doi", escape(item.doi)))
    fields.append(("url", item.abs_url))
    if item.abstract:
        fields.append(("abstract", escape(item.abstract)))
    if item.note:
        fields.append(("note", escape(item.note)))
    return [(k, v) for k, v in fields if v]


def format_entry(item: ListItem, key: str) -> str:
    """One BibTeX entry."""
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in _fields(item))
    return f"@{entry_type(item)}{{{key},\n{body}\n}}\n"


def export_bibtex(items: Iterable[ListItem] | Sequence[ListItem]) -> str:
    """The items as a BibTeX file, one entry per item in list order."""
    taken: set[str] = set()
    return "\n".join(format_entry(item, citation_key(item, taken)) for item in items)
