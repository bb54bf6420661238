"""A fake arXiv API on 127.0.0.1 for offline tests of the real ``arxiv`` client.

It answers from the real recorded Atom responses in ``tests/fixtures/arxiv/atom`` (the file
name encodes the request) or, for queries given a corpus with :meth:`FakeArxiv.serve`, builds
feeds from real paper records, sorted and paged like arXiv does. Faults can be injected per
request. A request that matches neither a corpus nor a recording gets HTTP 404 and is listed
in ``missing``; the ``fake_arxiv`` fixture fails the test when that list is not empty.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlparse
from xml.sax.saxutils import escape, quoteattr

from tracker.records import PaperRecord

ATOM_DIR = Path(__file__).parent / "fixtures" / "arxiv" / "atom"
FAULTS = ("503", "429", "empty", "truncated", "slow", "drop")


@dataclass
class Fault:
    """Answer matching requests badly, ``times`` times (None: forever)."""

    kind: str
    when: Callable[[dict[str, str]], bool]
    times: int | None = 1


def recording_key(params: dict[str, str]) -> str:
    """The file-name stem the arxiv.py recorder used for a request."""
    query = params.get("search_query", "")
    if query:
        return "q_" + quote_plus(query).replace("%3A", "_").replace("%", "_")
    return "id_" + params.get("id_list", "").replace(",", "_").replace("/", "_")


def find_recording(params: dict[str, str], atom_dir: Path = ATOM_DIR) -> Path | None:
    """The recorded response for a request, or None."""
    key = recording_key(params)
    start, size = params.get("start", "0"), params.get("max_results", "")
    candidates = sorted(atom_dir.glob(f"arxivpy_{key}_s{start}_m{size}_*.xml"))
    if candidates:
        return candidates[0]
    if start == "0":
        # The 2016 recordings carry no paging in their names.
        for stem in (key, key.replace("id_", "idlist_", 1)):
            old = atom_dir / f"arxivpy_{stem}.xml"
            if old.is_file():
                return old
    return None


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_xml(record: PaperRecord) -> str:
    """One Atom ``<entry>`` in the current arXiv API format."""
    abs_url = f"http://arxiv.org/abs/{record.arxiv_id}v{record.latest_version}"
    parts = [
        "  <entry>",
        f"    <id>{abs_url}</id>",
        f"    <title>{escape(record.title)}</title>",
        f"    <updated>{_stamp(record.updated)}</updated>",
        f'    <link href="{abs_url}" rel="alternate" type="text/html"/>',
        f"    <summary>{escape(record.abstract)}</summary>",
    ]
    parts += [f"    <category term={quoteattr(c)} scheme=\"http://arxiv.org/schemas/atom\"/>"
              for c in record.categories]  # fmt: skip
    parts.append(f"    <published>{_stamp(record.published)}</published>")
    if record.comment:
        parts.append(f"    <arxiv:comment>{escape(record.comment)}</arxiv:comment>")
    parts.append(f"    <arxiv:primary_category term={quoteattr(record.primary_category)}/>")
    if record.journal_ref:
        parts.append(f"    <arxiv:journal_ref>{escape(record.journal_ref)}</arxiv:journal_ref>")
    parts += [f"    <author><name>{escape(a)}</name></author>" for a in record.authors]
    if record.doi:
        parts.append(f"    <arxiv:doi>{escape(record.doi)}</arxiv:doi>")
    parts.append("  </entry>")
    return "\n".join(parts)


def feed_xml(entries: list[PaperRecord], total: int, start: int, size: int) -> bytes:
    """A whole Atom feed page."""
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/fake</id>\n  <title>arXiv Query</title>\n"
        f"  <updated>{_stamp(datetime(2026, 1, 1))}</updated>\n"
        f"  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
    )
    body = "\n".join(entry_xml(r) for r in entries)
    return (head + body + "\n</feed>\n").encode("utf-8")


class FakeArxiv:
    """The server: ``url`` for settings, ``serve()`` corpora, ``inject()`` faults."""

    def __init__(self, slow_seconds: float = 2.0) -> None:
        self.corpora: dict[str, list[PaperRecord]] = {}
        self.faults: list[Fault] = []
        self.requests: list[dict[str, str]] = []
        self.request_times: list[tuple[float, float]] = []
        self.missing: list[str] = []
        self.slow_seconds = slow_seconds
        self.page_delay = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.seen = threading.Event()
        self.watch: Callable[[dict[str, str]], bool] | None = None
        self._lock = threading.Lock()
        self._handled = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}/api/query"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FakeArxiv:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def settled_request_times(self, timeout: float = 5.0) -> list[tuple[float, float]]:
        """(start, end) of every request, once each handler has finished: a client has read the
        whole response a moment before the server thread records that its request ended."""
        with self._handled:
            self._handled.wait_for(
                lambda: self.in_flight == 0 and len(self.request_times) == len(self.requests),
                timeout,
            )
            return list(self.request_times)

    def serve(self, query: str, records: list[PaperRecord]) -> None:
        """Answer ``search_query=query`` (and id_list lookups) from these records."""
        self.corpora[query] = list(records)

    def inject(self, kind: str, when: Callable[[dict[str, str]], bool] | None = None,
               times: int | None = 1) -> None:  # fmt: skip
        """Add a fault for requests matching ``when`` (default: every request)."""
        assert kind in FAULTS, kind
        self.faults.append(Fault(kind, when or (lambda _p: True), times))

    def clear_faults(self) -> None:
        """Remove every fault."""
        self.faults.clear()

    # --- answering ----------------------------------------------------------------------

    def _take_fault(self, params: dict[str, str]) -> str | None:
        with self._lock:
            for fault in self.faults:
                if fault.times != 0 and fault.when(params):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault.kind
        return None

    def _answer(self, params: dict[str, str]) -> tuple[int, bytes]:
        query = params.get("search_query", "")
        start, size = int(params.get("start", "0")), int(params.get("max_results", "10"))
        if query in self.corpora:
            records = sorted(self.corpora[query], key=lambda r: (r.updated, r.arxiv_id),
                             reverse=params.get("sortOrder") != "ascending")  # fmt: skip
            return 200, feed_xml(records[start : start + size], len(records), start, size)
        if params.get("id_list") and self.corpora:
            by_id = {r.arxiv_id: r for rs in self.corpora.values() for r in rs}
            wanted = params["id_list"].split(",")
            if all(w in by_id for w in wanted):
                found = [by_id[w] for w in wanted][start : start + size]
                return 200, feed_xml(found, len(wanted), start, size)
        path = find_recording(params)
        if path is None:
            self.missing.append(recording_key(params) + f" start={start} max={size}")
            return 404, b"no recording for this request"
        return 200, path.read_bytes()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query,
                                                       keep_blank_values=True).items()}  # fmt: skip
                began = time.monotonic()
                with fake._lock:
                    fake.requests.append(params)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    if fake.watch is not None and fake.watch(params):
                        fake.seen.set()
                    self._respond(params)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with fake._lock:
                        fake.in_flight -= 1
                        fake.request_times.append((began, time.monotonic()))
                        fake._handled.notify_all()

            def _respond(self, params: dict[str, str]) -> None:
                fault = fake._take_fault(params)
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault in ("503", "429"):
                    self._send(int(fault), b"busy, try later", "text/plain")
                    return
                if fault == "slow":
                    time.sleep(fake.slow_seconds)
                if fake.page_delay:
                    time.sleep(fake.page_delay)
                status, body = fake._answer(params)
                if fault == "empty" and status == 200:
                    start = int(params.get("start", "0"))
                    body = feed_xml([], 10_000, start, int(params.get("max_results", "10")))
                elif fault == "truncated" and status == 200:
                    body = body[: len(body) // 2]
                self._send(status, body, "application/atom+xml; charset=utf-8")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def running_fake(slow_seconds: float = 2.0) -> Iterator[FakeArxiv]:
    """Run a :class:`FakeArxiv` for the duration of a block."""
    fake = FakeArxiv(slow_seconds).start()
    try:
        yield fake
    finally:
        fake.stop()


# --- real corpora and database comparison for ingest tests ---------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "sample" / "arxiv_sample.jsonl.gz"


def sample_pool(size: int = 120, category: str = "cs.CV") -> list[PaperRecord]:
    """Real records from the bundled sample (with version history), oldest update first."""
    from tracker.sources.snapshot import load_snapshot

    pool = [r for r in load_snapshot(SAMPLE) if r.versions and r.primary_category == category]
    pool.sort(key=lambda r: (r.updated, r.arxiv_id))
    return pool[-size:]


def evolve(records: list[PaperRecord], newer: list[PaperRecord]) -> list[PaperRecord]:
    """The same corpus a while later: five papers get a new version that adds a journal_ref
    and changes the comment, and the ``newer`` papers appear."""
    from dataclasses import replace as dc_replace
    from datetime import timedelta

    from tracker.records import PaperVersion

    latest = max(r.updated for r in records + newer)
    out = list(records)
    for i in range(5):
        old = out[i]
        stamp = latest + timedelta(hours=i + 1)
        out[i] = dc_replace(
            old,
            updated=stamp,
            latest_version=old.latest_version + 1,
            versions=[*old.versions, PaperVersion(old.latest_version + 1, stamp)],
            journal_ref=f"Proc. IEEE/CVF CVPR 2024, pp. {100 + i}-{110 + i}",
            comment=f"Accepted to CVPR 2024 (camera ready, v{old.latest_version + 1})",
        )
    return out + list(newer)


def db_state(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Papers, versions, events, cursors and tags, without run ids and wall-clock stamps."""
    from sqlalchemy import select

    from tracker.db import models

    skip = {"first_seen", "last_changed", "source", "id", "occurred_at_seen", "run_id"}
    tables = {
        "papers": models.Paper,
        "versions": models.PaperVersion,
        "events": models.PaperEvent,
        "cursors": models.IngestCursor,
        "topics": models.PaperTopic,
    }
    state: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, model in tables.items():
            cols = [c for c in model.__table__.c if c.name not in skip and c.name != "updated_at"]
            if name == "events":
                cols = [c for c in cols if c.name != "occurred_at"]
            rows = conn.execute(select(*cols)).all()
            state[name] = sorted((tuple(row) for row in rows), key=repr)
    return state


QUERY = "cat:cs.CV"


@functools.cache
def corpora() -> tuple[list[PaperRecord], list[PaperRecord]]:
    """Corpus A (100 real cs.CV papers) and corpus B (A a while later, plus 20 newer papers)."""
    pool = sample_pool(120)
    return pool[:100], evolve(pool[:100], pool[100:])


def ingest_settings(settings: Any, fake: FakeArxiv) -> Any:
    """Real settings aimed at the fake: tiny delays, short timeout, small pages, long look-back."""
    import dataclasses

    return dataclasses.replace(
        settings,
        arxiv_api_url=fake.url,
        arxiv_page_size=10,
        arxiv_num_retries=2,
        arxiv_timeout_seconds=0.2,
        lookback_days=365 * 40,
        queries=(QUERY,),
    )


def run(engine: Any, settings: Any) -> bool:
    """One ingest of every configured query; True when all succeeded."""
    from tracker.ingest.runner import ingest_all

    return all(s.ok for s in ingest_all(engine, settings))


def build_reference(path: Path) -> dict[str, Any]:
    """The database state after a clean run over corpus A, then one over corpus B."""
    from tracker.config import Settings
    from tracker.db.engine import make_engine
    from tracker.db.migrate import upgrade_db

    corpus_a, corpus_b = corpora()
    engine = make_engine(f"sqlite:///{path}")
    upgrade_db(engine)
    with running_fake() as server:
        settings = ingest_settings(
            Settings(database_url=f"sqlite:///{path}", arxiv_delay_seconds=0.01), server
        )
        server.serve(QUERY, corpus_a)
        assert run(engine, settings)
        after_a = db_state(engine)
        server.serve(QUERY, corpus_b)
        assert run(engine, settings)
        assert not server.missing
    state = db_state(engine)
    engine.dispose()
    return {"a": after_a, "b": state}
