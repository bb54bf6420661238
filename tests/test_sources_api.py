"""The polite arXiv client against the fake server: real recordings, paging, faults, delays."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import datetime

import arxiv
import pytest

from tests.fakearxiv import FAULTS, FakeArxiv, running_fake
from tracker.config import Settings
from tracker.sources.arxiv_api import (
    FetchError,
    PoliteClient,
    fetch_by_ids,
    fetch_updates,
    make_client,
)


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    """A fake arXiv; the test fails if it was asked for a recording that does not exist."""
    with running_fake(slow_seconds=1.0) as server:
        yield server
        assert not server.missing, f"requests without a recording: {server.missing}"


def client_for(fake: FakeArxiv, **kw: object) -> PoliteClient:
    options: dict = {"page_size": 10, "delay_seconds": 0.01, "retries": 2, "timeout": 0.3}
    options.update(kw)
    return PoliteClient(fake.url, **options)


def test_make_client_points_at_the_configured_url(settings: Settings, fake: FakeArxiv) -> None:
    client = make_client(Settings(**{**settings.__dict__, "arxiv_api_url": fake.url}))
    assert client.query_url_format == fake.url + "?{}"
    assert client.delay_seconds == settings.arxiv_delay_seconds
    assert client.retries == settings.arxiv_num_retries
    assert client.num_retries == 0  # the base class must not retry without back-off


def test_recorded_pages_are_parsed_into_records(fake: FakeArxiv) -> None:
    client = client_for(fake)
    results = list(client.results(arxiv.Search("testing", max_results=60)))
    assert len(results) == 60
    assert [r["start"] for r in fake.requests] == ["0", "10", "20", "30", "40", "50"]
    assert client.pages == 6


def test_fetch_by_ids_uses_the_recorded_id_list_response(fake: FakeArxiv) -> None:
    client = client_for(fake, page_size=100)
    records = list(fetch_by_ids(client, ["0808.05394", "1707.08567"]))
    assert [r.arxiv_id for r in records] == ["1707.08567"]
    record = records[0]
    assert record.latest_version >= 1 and record.versions[0].number == 1
    assert record.published.tzinfo is None and record.updated >= record.published


def test_old_format_recording_keeps_journal_ref_and_versions(fake: FakeArxiv) -> None:
    client = client_for(fake, page_size=100)
    records = list(fetch_by_ids(client, ["1111.2011v2"]))
    assert len(records) == 1
    assert records[0].arxiv_id == "1111.2011" and records[0].latest_version == 2
    assert records[0].journal_ref and "\n" not in records[0].journal_ref
    assert [v.number for v in records[0].versions] == [1, 2]


def test_empty_id_list_answer_is_not_an_error(fake: FakeArxiv) -> None:
    assert list(fetch_by_ids(client_for(fake, page_size=100), ["0000.0000"])) == []


def test_unrecorded_request_is_reported_missing() -> None:
    with running_fake() as server:
        with pytest.raises(FetchError, match="HTTP 404"):
            list(fetch_by_ids(client_for(server, page_size=100), ["9999.99999"]))
        assert server.missing == ["id_9999.99999 start=0 max=100"]


@pytest.mark.parametrize("kind", FAULTS)
def test_transient_fault_mid_paging_is_retried(fake: FakeArxiv, kind: str) -> None:
    clean = [r.entry_id for r in client_for(fake).results(arxiv.Search("testing", max_results=40))]
    fake.requests.clear()
    fake.inject(kind, lambda p: p["start"] == "20", times=2)
    got = [r.entry_id for r in client_for(fake).results(arxiv.Search("testing", max_results=40))]
    assert got == clean
    assert [r["start"] for r in fake.requests].count("20") == 3


@pytest.mark.parametrize("kind", FAULTS)
def test_persistent_fault_gives_up_with_url_and_attempt(fake: FakeArxiv, kind: str) -> None:
    fake.inject(kind, lambda p: p["start"] == "10", times=None)
    client = client_for(fake, retries=2)
    with pytest.raises(FetchError) as info:
        list(client.results(arxiv.Search("testing", max_results=40)))
    assert "start=10" in info.value.url
    assert info.value.attempt == 2
    assert str(info.value.url) in str(info.value)


def test_retries_back_off_exponentially_with_jitter(fake: FakeArxiv) -> None:
    waits: list[float] = []
    fake.inject("503", times=3)
    client = client_for(fake, retries=3, backoff_base=1.0, sleep=waits.append)
    list(client.results(arxiv.Search("testing", max_results=10)))
    assert len(waits) == 3
    for attempt, wait in enumerate(waits, start=1):
        assert 2 ** (attempt - 1) <= wait <= 2**attempt
    assert waits[2] > waits[0]


def test_requests_are_one_at_a_time_and_spaced_by_the_delay(fake: FakeArxiv) -> None:
    client = client_for(fake, delay_seconds=0.15)
    list(client.results(arxiv.Search("testing", max_results=40)))
    times = sorted(fake.settled_request_times())
    assert len(times) == 4 and fake.max_in_flight == 1
    for (_s0, end0), (start1, _e1) in itertools.pairwise(times):
        assert start1 - end0 >= 0.12  # the delay is measured from the client's side


def test_failed_request_still_counts_for_the_delay(fake: FakeArxiv) -> None:
    fake.inject("truncated", times=1)
    client = client_for(fake, delay_seconds=0.2, backoff_base=0.0)
    began = time.monotonic()
    list(client.results(arxiv.Search("testing", max_results=10)))
    assert time.monotonic() - began >= 0.18


def test_fetch_updates_stops_at_the_since_date(fake: FakeArxiv) -> None:
    from tracker.config import PROJECT_ROOT
    from tracker.sources.snapshot import load_snapshot

    pool = [
        r
        for r in itertools.islice(
            load_snapshot(PROJECT_ROOT / "seeds/sample/arxiv_sample.jsonl.gz"), 300
        )
        if r.versions
    ]
    fake.serve("cat:cs.XX", pool)
    ordered = sorted(pool, key=lambda r: r.updated, reverse=True)
    since = ordered[24].updated
    got = list(fetch_updates(client_for(fake), "cat:cs.XX", since))
    assert [r.arxiv_id for r in got] == [r.arxiv_id for r in ordered if r.updated >= since]
    assert len(fake.requests) == 3  # 25 records at 10 per page; nothing older is fetched
    assert all(isinstance(r.updated, datetime) for r in got)
