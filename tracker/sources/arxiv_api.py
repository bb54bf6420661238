"""Fetch papers from the arXiv API through the ``arxiv`` package, politely.

Politeness and retries live here and only here: :class:`PoliteClient` waits at least
``settings.arxiv_delay_seconds`` between requests (one at a time), and retries a failed page
(HTTP 429/5xx, an unexpectedly empty page, malformed or truncated XML, a timeout, a dropped
connection) with exponential back-off and jitter before giving up with :class:`FetchError`.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import arxiv
import requests
from lxml import etree
from requests.adapters import HTTPAdapter

from tracker.config import Settings
from tracker.records import PaperRecord, PaperVersion, split_arxiv_id

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses worth retrying: arXiv answers 429/503 when busy; the others are transient."""
MAX_BACKOFF_SECONDS = 120.0
_SPACE_RE = re.compile(r"\s+")


class FetchError(Exception):
    """A page could not be fetched even after retries; carries the URL and the attempt."""

    def __init__(self, url: str, attempt: int, reason: str) -> None:
        self.url = url
        self.attempt = attempt
        self.reason = reason
        super().__init__(f"{reason} (url {url}, attempt {attempt})")


class MalformedFeedError(Exception):
    """The response body is not well-formed XML (e.g. truncated)."""


class _TimeoutAdapter(HTTPAdapter):
    """Give every request a timeout: the ``arxiv`` client sets none, and arXiv can hang."""

    def __init__(self, timeout: float) -> None:
        super().__init__(max_retries=0)
        self.timeout = timeout

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class PoliteClient(arxiv.Client):
    """An ``arxiv.Client`` with our endpoint, a timeout, and back-off retries in one place."""

    def __init__(
        self,
        api_url: str,
        *,
        page_size: int = 100,
        delay_seconds: float = 3.0,
        retries: int = 5,
        timeout: float = 30.0,
        backoff_base: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # The base class retries immediately without back-off; we take that over.
        super().__init__(page_size=page_size, delay_seconds=delay_seconds, num_retries=0)
        self.query_url_format = api_url + ("&{}" if "?" in api_url else "?{}")
        self.retries = retries
        """How many times a failing page is retried before the query is given up."""
        self.backoff_base = delay_seconds if backoff_base is None else backoff_base
        """First back-off interval; doubles each retry (never shorter than the polite delay)."""
        self.pages = 0
        """Pages fetched successfully (for the ingest-run row)."""
        self.requests = 0
        self._sleep = sleep
        self._retry_after: float | None = None
        adapter = _TimeoutAdapter(timeout)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.hooks["response"].append(self._check_response)

    def _check_response(self, resp: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Remember Retry-After and reject bodies that are not well-formed XML."""
        self.requests += 1
        # Failed requests count towards the polite delay too (the base class only
        # stamps successful ones).
        self._last_request_dt = datetime.now()
        header = resp.headers.get("Retry-After")
        self._retry_after = float(header) if header and header.strip().isdigit() else None
        if resp.status_code == 200:
            try:
                etree.fromstring(resp.content, etree.XMLParser(resolve_entities=False))
            except etree.XMLSyntaxError as exc:
                raise MalformedFeedError(f"malformed XML: {exc}") from exc

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry ``attempt`` (1-based): exponential, with jitter."""
        ceiling = min(MAX_BACKOFF_SECONDS, self.backoff_base * 2**attempt)
        # Never less than the polite delay, spread over [ceiling/2, ceiling].
        wait = ceiling / 2 + random.uniform(0, ceiling / 2)
        if self._retry_after is not None:
            wait = max(wait, min(self._retry_after, MAX_BACKOFF_SECONDS))
        return wait

    def _parse_feed(
        self, url: str, first_page: bool = True, _try_index: int = 0
    ) -> arxiv.ParsedFeed:
        """Fetch one page, retrying with back-off; the only retry loop in the project."""
        attempt = 0
        while True:
            try:
                feed = super()._parse_feed(url, first_page=first_page, _try_index=attempt)
                if not feed.results and feed.header.total_results > feed.header.start_index:
                    # arXiv sometimes sends an empty page although results remain.
                    raise arxiv.UnexpectedEmptyPageError(url, attempt, feed)
                self.pages += 1
                return feed
            except arxiv.HTTPError as exc:
                if exc.status not in RETRY_STATUSES:
                    raise FetchError(url, attempt, f"HTTP {exc.status}") from exc
                reason = f"HTTP {exc.status}"
            except arxiv.UnexpectedEmptyPageError:
                reason = "unexpectedly empty page"
            except MalformedFeedError as exc:
                reason = str(exc)
            except requests.Timeout:
                reason = "timed out"
            except requests.RequestException as exc:
                reason = f"connection failed: {type(exc).__name__}"
            if attempt >= self.retries:
                log.error("giving up on %s after %d attempts: %s", url, attempt + 1, reason)
                raise FetchError(url, attempt, reason)
            attempt += 1
            wait = self.backoff(attempt)
            log.warning("%s; retry %d/%d in %.1fs: %s", reason, attempt, self.retries, wait, url)
            self._sleep(wait)


def make_client(settings: Settings, **overrides: Any) -> PoliteClient:
    """Build the polite arXiv client from settings (URL, page size, delay, retries, timeout)."""
    options: dict[str, Any] = {
        "page_size": settings.arxiv_page_size,
        "delay_seconds": settings.arxiv_delay_seconds,
        "retries": settings.arxiv_num_retries,
        "timeout": settings.arxiv_timeout_seconds,
    }
    options.update(overrides)
    return PoliteClient(settings.arxiv_api_url, **options)


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace (arXiv wraps long fields); empty becomes None."""
    if text is None:
        return None
    cleaned = _SPACE_RE.sub(" ", text).strip()
    return cleaned or None


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _doi(value: str | None) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    for prefix in ("https://doi.org/", "http://dx.doi.org/", "http://doi.org/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def to_record(result: arxiv.Result) -> PaperRecord:
    """Convert one ``arxiv.Result`` into a :class:`PaperRecord`."""
    arxiv_id, version = split_arxiv_id(result.get_short_id())
    latest = version or 1
    published = _naive_utc(result.published)
    updated = _naive_utc(result.updated)
    versions = [PaperVersion(1, published)]
    if latest > 1:
        versions.append(PaperVersion(latest, updated))
    categories = list(result.categories)
    if result.primary_category and result.primary_category in categories:
        categories.remove(result.primary_category)
        categories.insert(0, result.primary_category)
    elif result.primary_category:
        categories.insert(0, result.primary_category)
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=clean_text(result.title) or "",
        abstract=clean_text(result.summary) or "",
        authors=[a.name for a in result.authors],
        categories=categories,
        published=published,
        updated=updated,
        latest_version=latest,
        comment=clean_text(result.comment),
        journal_ref=clean_text(result.journal_ref),
        doi=_doi(result.doi),
        versions=versions,
        source="api",
    )


def fetch_updates(client: arxiv.Client, query: str, since: datetime) -> Iterator[PaperRecord]:
    """Yield papers matching ``query``, newest update first, until one is older than ``since``."""
    search = arxiv.Search(
        query=query,
        max_results=None,
        sort_by=arxiv.SortCriterion.LastUpdatedDate,
        sort_order=arxiv.SortOrder.Descending,
    )
    for result in client.results(search):
        if _is_error_entry(result):
            continue
        record = to_record(result)
        if record.updated < since:
            return
        yield record


def fetch_by_ids(
    client: arxiv.Client, arxiv_ids: Iterable[str], batch_size: int = 100
) -> Iterator[PaperRecord]:
    """Yield the current metadata of the given papers, asking ``batch_size`` ids at a time."""
    batch: list[str] = []
    for arxiv_id in arxiv_ids:
        batch.append(arxiv_id)
        if len(batch) >= batch_size:
            yield from _fetch_batch(client, batch)
            batch = []
    if batch:
        yield from _fetch_batch(client, batch)


def _fetch_batch(client: arxiv.Client, ids: list[str]) -> Iterator[PaperRecord]:
    search = arxiv.Search(id_list=ids, max_results=len(ids))
    for result in client.results(search):
        if not _is_error_entry(result):
            yield to_record(result)


def _is_error_entry(result: arxiv.Result) -> bool:
    """arXiv reports some errors as a feed entry whose id points at its error page."""
    if "/api/errors" in result.entry_id:
        log.warning("arXiv error entry: %s", result.summary)
        return True
    return False
