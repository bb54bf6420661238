"""Copy a whole tracker database to another (e.g. a personal SQLite file to the lab PostgreSQL).

Every model table is copied in foreign-key order, in batches, with SQLAlchemy Core, inside one
transaction on the target. Before that transaction commits, each table's row count and
checksum on the target are compared with the source's; any difference rolls the copy back.
The checksum is order-independent (a sum of per-row SHA-256 digests), so it does not depend
on how each backend collates text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Integer, Table, delete, func, select, text

from tracker.db.migrate import current_revision, head_revision, upgrade_db
from tracker.db.models import Base

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000
_MODULUS = 1 << 256
_STREAM = {"stream_results": True}
"""Per statement: ``Connection.execution_options()`` would change the connection for good."""


class CopyError(RuntimeError):
    """The copy could not be done; the message says what to do."""


class TargetNotEmptyError(CopyError):
    """The target already holds rows and ``replace`` was not asked for."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        listed = ", ".join(f"{name}: {n}" for name, n in counts.items())
        super().__init__(f"the target database already has rows ({listed})")


class ChecksumMismatchError(CopyError):
    """After copying, a table's count or checksum on the target differs from the source."""


@dataclass(frozen=True)
class TableCopy:
    """One table's row count and checksum on both sides."""

    name: str
    source_rows: int
    source_checksum: str
    target_rows: int
    target_checksum: str

    @property
    def ok(self) -> bool:
        """True when count and checksum agree."""
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


@dataclass
class CopyReport:
    """What a copy moved, table by table."""

    tables: list[TableCopy] = field(default_factory=list)
    replaced: bool = False

    @property
    def ok(self) -> bool:
        """True when every table's count and checksum agree."""
        return all(t.ok for t in self.tables)

    @property
    def total_rows(self) -> int:
        """Rows copied over all tables."""
        return sum(t.source_rows for t in self.tables)


def _canonical(value: Any) -> Any:
    """A backend-independent form of a column value for checksums."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


class _Checksum:
    """An order-independent checksum of rows: the sum of their digests modulo 2**256."""

    def __init__(self) -> None:
        self.rows = 0
        self._total = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            data = json.dumps([_canonical(v) for v in row], ensure_ascii=False)
            digest = hashlib.sha256(data.encode("utf-8")).digest()
            self._total = (self._total + int.from_bytes(digest, "big")) % _MODULUS
            self.rows += 1

    @property
    def hexdigest(self) -> str:
        return f"{self._total:064x}"


def model_tables() -> list[Table]:
    """The tables of the schema, parents before children."""
    return list(Base.metadata.sorted_tables)


def table_checksum(connection: Connection, table: Table) -> tuple[int, str]:
    """Row count and order-independent checksum of one table."""
    checksum = _Checksum()
    result = connection.execute(select(table), execution_options=_STREAM)
    for part in result.partitions(DEFAULT_BATCH_SIZE):
        checksum.add(part)
    return checksum.rows, checksum.hexdigest


def row_counts(connection: Connection, tables: Iterable[Table] | None = None) -> dict[str, int]:
    """Row count of every model table (or the given ones)."""
    return {
        t.name: int(connection.scalar(select(func.count()).select_from(t)) or 0)
        for t in (tables if tables is not None else model_tables())
    }


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL: move each serial sequence past the copied ids so new rows get fresh ones."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
            continue
        col = pk[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :col), "
                f'COALESCE(MAX("{col}"), 1), MAX("{col}") IS NOT NULL) FROM "{table.name}"'
            ),
            {"table": table.name, "col": col},
        )


def copy_database(
    source: Engine,
    target: Engine,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_table: Callable[[TableCopy], None] | None = None,
) -> CopyReport:
    """Copy every table from ``source`` to ``target`` (migrated first) and verify the result."""
    if source.url.render_as_string(hide_password=False) == target.url.render_as_string(
        hide_password=False
    ):
        raise CopyError("source and target are the same database")
    head = head_revision()
    at = current_revision(source)
    if at != head:
        raise CopyError(
            f"the source database is at revision {at or 'none (empty)'}, not {head}: "
            "run `tracker db upgrade` on it first"
        )
    upgrade_db(target)
    tables = model_tables()
    report = CopyReport(replaced=replace)
    with source.connect() as src, target.begin() as dst:
        existing = {name: n for name, n in row_counts(dst, tables).items() if n}
        if existing and not replace:
            raise TargetNotEmptyError(existing)
        for table in reversed(tables):
            if existing.get(table.name):
                dst.execute(delete(table))
        for table in tables:
            checksum = _Checksum()
            result = src.execute(select(table), execution_options=_STREAM)
            for part in result.partitions(batch_size):
                checksum.add(part)
                dst.execute(table.insert(), [row._asdict() for row in part])
            rows, digest = table_checksum(dst, table)
            copied = TableCopy(table.name, checksum.rows, checksum.hexdigest, rows, digest)
            report.tables.append(copied)
            log.info("copied %s: %d rows", table.name, rows)
            if on_table is not None:
                on_table(copied)
            if not copied.ok:
                raise ChecksumMismatchError(
                    f"{table.name}: source {copied.source_rows} rows {copied.source_checksum[:12]}"
                    f", target {copied.target_rows} rows {copied.target_checksum[:12]}; "
                    "nothing was committed"
                )
        if dst.dialect.name == "postgresql":
            _reset_sequences(dst, tables)
            for table in tables:  # fresh statistics: search picks its scans from them
                dst.execute(text(f'ANALYZE "{table.name}"'))
    return report
