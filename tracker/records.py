"""The record that flows from every source (arXiv API, snapshot files, OAI-PMH) into ingest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

_VERSION_RE = re.compile(r"v(\d+)$")


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Split ``2101.04061v2`` (or an abs URL) into ``("2101.04061", 2)``; version None if absent."""
    text = raw.strip()
    for prefix in ("http://arxiv.org/abs/", "https://arxiv.org/abs/", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    match = _VERSION_RE.search(text)
    if match is None:
        return text, None
    return text[: match.start()], int(match.group(1))


@dataclass(frozen=True, slots=True)
class PaperVersion:
    """One arXiv version of a paper (v1, v2, ...) and when it was submitted."""

    number: int
    created: datetime


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source reports it, before enrichment.

    Dates are timezone-naive UTC. ``versions`` holds every version the source knows; the
    API only reports v1 (``published``) and the latest (``updated``), snapshots report all.
    """

    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: datetime
    updated: datetime
    latest_version: int = 1
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    versions: list[PaperVersion] = field(default_factory=list)
    source: str = "api"

    @property
    def primary_category(self) -> str:
        """The first category is arXiv's primary one."""
        return self.categories[0] if self.categories else ""
