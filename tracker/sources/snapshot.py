"""Load arXiv metadata snapshots: Kaggle JSON lines (plain or .gz) and OAI-PMH arXivRaw pages.

Both loaders stream: memory stays bounded however large the file. Bad lines or records are
reported (line number and reason) through ``on_error`` and skipped, never fatal.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from tracker.records import PaperRecord, PaperVersion, split_arxiv_id
from tracker.sources.arxiv_api import clean_text

log = logging.getLogger(__name__)

ErrorHandler = Callable[[int, str], None]
"""Called with (line number or record number, reason) for every skipped input."""

_AND_RE = re.compile(r",\s*and\s+|\s+and\s+|,\s*")
_OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"
_RAW_NS = "{http://arxiv.org/OAI/arXivRaw/}"


class SnapshotError(ValueError):
    """A snapshot record that cannot be turned into a paper."""


@dataclass
class LoadReport:
    """Bad inputs seen while loading: how many, and the first few with their line numbers."""

    bad: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)
    keep: int = 20

    def __call__(self, line: int, reason: str) -> None:
        """Record one bad line."""
        self.bad += 1
        if len(self.examples) < self.keep:
            self.examples.append((line, reason))
        log.warning("skipping line %d: %s", line, reason)


def _log_error(line: int, reason: str) -> None:
    log.warning("skipping line %d: %s", line, reason)


def open_text(path: str | Path) -> IO[str]:
    """Open a text file, transparently gunzipping ``.gz`` files."""
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def parse_date(text: str) -> datetime:
    """Parse arXiv's ``Mon, 2 Apr 2007 19:18:42 GMT``, ISO stamps or ``2007-04-02``; naive UTC."""
    text = text.strip()
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        text = text.removesuffix(" UTC").removesuffix(" GMT").replace("Z", "+00:00")
        value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def split_authors(text: str | None) -> list[str]:
    """Split arXiv's ``A, B and C`` author string, keeping parenthesised affiliations whole."""
    if not text:
        return []
    text = " ".join(text.split())
    names: list[str] = []
    depth = 0
    start = i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ", ":
            match = _AND_RE.match(text, i)
            if match:
                names.append(text[start:i])
                start = i = match.end()
                continue
        i += 1
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def _versions(raw: Any) -> list[PaperVersion]:
    versions = []
    for item in raw or []:
        number = int(str(item["version"]).lstrip("v"))
        versions.append(PaperVersion(number, parse_date(item["created"])))
    versions.sort(key=lambda v: v.number)
    return versions


def record_from_kaggle(data: dict[str, Any], source: str = "snapshot") -> PaperRecord:
    """Turn one Kaggle-schema object into a :class:`PaperRecord`."""
    if not isinstance(data, dict):
        raise SnapshotError("not a JSON object")
    raw_id = data.get("id")
    if not raw_id or not isinstance(raw_id, str):
        raise SnapshotError("missing id")
    arxiv_id, id_version = split_arxiv_id(raw_id)
    title = clean_text(data.get("title"))
    if not title:
        raise SnapshotError("missing title")
    try:
        versions = _versions(data.get("versions"))
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"bad versions: {exc}") from exc
    try:
        if versions:
            published, updated = versions[0].created, versions[-1].created
        else:
            # Sources without version history: API stamps, else the listing day.
            published = parse_date(data.get("_published") or data.get("_listing_date") or "")
            updated = parse_date(
                data.get("_updated") or data.get("update_date") or data.get("_listing_date") or ""
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError("no version dates") from exc
    latest_raw = str(data.get("_latest_version") or "").lstrip("v")
    if versions:
        latest = versions[-1].number
    else:
        latest = int(latest_raw) if latest_raw.isdigit() else (id_version or 1)
    parsed = data.get("authors_parsed")
    if parsed:
        authors = [" ".join(p for p in (a[1], a[0], *a[2:]) if p).strip() for a in parsed]
    else:
        authors = split_authors(data.get("authors"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=clean_text(data.get("abstract")) or "",
        authors=authors,
        categories=str(data.get("categories") or "").split(),
        published=published,
        updated=updated,
        latest_version=latest,
        comment=clean_text(data.get("comments")),
        journal_ref=clean_text(data.get("journal-ref")),
        doi=clean_text(data.get("doi")),
        versions=versions,
        source=source,
    )


def load_snapshot(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[PaperRecord]:
    """Stream records from a Kaggle-schema JSON-lines file (``.jsonl`` or ``.jsonl.gz``)."""
    report = on_error or _log_error
    with open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield record_from_kaggle(json.loads(line))
            except json.JSONDecodeError as exc:
                report(number, f"invalid JSON: {exc.msg}")
            except SnapshotError as exc:
                report(number, str(exc))


def _child_text(elem: Any, name: str) -> str | None:
    child = elem.find(_RAW_NS + name)
    return None if child is None else child.text


def record_from_oai(raw: Any) -> PaperRecord:
    """Turn one ``<arXivRaw>`` element into a :class:`PaperRecord`."""
    versions = [
        {"version": v.get("version"), "created": _child_text(v, "date")}
        for v in raw.iterfind(_RAW_NS + "version")
    ]
    data = {
        "id": _child_text(raw, "id"),
        "title": _child_text(raw, "title"),
        "authors": _child_text(raw, "authors"),
        "abstract": _child_text(raw, "abstract"),
        "categories": _child_text(raw, "categories"),
        "comments": _child_text(raw, "comments"),
        "journal-ref": _child_text(raw, "journal-ref"),
        "doi": _child_text(raw, "doi"),
        "versions": versions,
    }
    return record_from_kaggle(data, source="oai")


def load_oai(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[PaperRecord]:
    """Stream records from an OAI-PMH ``ListRecords`` page in the ``arXivRaw`` format."""
    report = on_error or _log_error
    number = 0
    with open(path, "rb") as fh:
        raw_stream: Any = gzip.GzipFile(fileobj=fh) if str(path).endswith(".gz") else fh
        context = etree.iterparse(raw_stream, events=("end",), tag=_OAI_NS + "record")
        try:
            for _event, elem in context:
                number += 1
                raw = elem.find(f"{_OAI_NS}metadata/{_RAW_NS}arXivRaw")
                if raw is None:
                    # Deleted records carry a header only.
                    elem.clear()
                    continue
                try:
                    yield record_from_oai(raw)
                except SnapshotError as exc:
                    report(elem.sourceline or number, str(exc))
                elem.clear()
        except etree.XMLSyntaxError as exc:
            report(exc.lineno or 0, f"malformed XML, stopped reading: {exc.msg}")


def load_file(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[PaperRecord]:
    """Pick the loader by file name: ``*.xml[.gz]`` is OAI-PMH, anything else JSON lines."""
    name = str(path).lower()
    if name.endswith((".xml", ".xml.gz")):
        return load_oai(path, on_error)
    return load_snapshot(path, on_error)
