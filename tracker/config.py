"""One settings object, built from ``TRACKER_*`` environment variables and ``tracker.toml``.

Precedence: explicit keyword arguments > environment > ``tracker.toml`` > defaults.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_CATEGORIES = ("cs.CV", "cs.CL", "cs.LG", "cs.AI", "cs.IR", "cs.RO", "cs.CR")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_seeds_dir() -> Path:
    return PROJECT_ROOT / "seeds"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about Paper Tracker, in one place."""

    database_url: str = "sqlite:///data/tracker.db"
    """SQLAlchemy URL; ``postgresql+psycopg://...`` for a shared lab database."""
    seeds_dir: Path = field(default_factory=_default_seeds_dir)
    """Where the CCF tables, venue aliases and topic taxonomy live."""
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    """arXiv API endpoint; point it at a mirror, or tests at a local fake server."""
    arxiv_delay_seconds: float = 3.0
    """arXiv's terms of use ask for at most one request every three seconds."""
    arxiv_page_size: int = 100
    arxiv_num_retries: int = 5
    arxiv_timeout_seconds: float = 30.0
    queries: tuple[str, ...] = tuple(f"cat:{c}" for c in DEFAULT_CATEGORIES)
    """arXiv search queries ingested incrementally, each with its own cursor."""
    lookback_days: int = 30
    """How far back the first run of a new query reaches."""
    cursor_overlap_minutes: int = 3 * 24 * 60
    """Re-read this far before the cursor: a version's ``updated`` stamp is its submission time,
    but it only appears in the API when announced, up to a few days later."""
    recheck_months: int = 12
    recheck_batch_size: int = 100
    schedule_cron: str = "0 6 * * *"
    """When ``tracker schedule`` ingests (cron syntax: minute hour day month day-of-week)."""
    recheck_cron: str = "0 7 * * sun"
    timezone: str = "Asia/Shanghai"
    ccf_edition: int = 2026
    """CCF edition used for tiers unless another is chosen."""
    language: str = "zh"
    """``zh`` or ``en``: headings in exports and the dashboard's default language."""
    rank_weights: dict[str, float] = field(default_factory=dict)
    """Overrides of reading-list score weights (see ``tracker.readinglists.ranking``)."""
    follow_authors: tuple[str, ...] = ()
    follow_keywords: tuple[str, ...] = ()
    mute_keywords: tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file (or memory)."""
        return self.database_url.startswith("sqlite")


_TUPLE_FIELDS = {"queries", "follow_authors", "follow_keywords", "mute_keywords"}


def _coerce(name: str, value: Any) -> Any:
    """Turn an environment string or TOML value into the field's type."""
    if name in _TUPLE_FIELDS:
        if isinstance(value, str):
            parts = value.replace(";", ",").split(",") if "," in value or ";" in value else [value]
            return tuple(p.strip() for p in parts if p.strip())
        return tuple(value)
    if name == "seeds_dir":
        return Path(value)
    if name in {"arxiv_delay_seconds", "arxiv_timeout_seconds"}:
        return float(value)
    if name in {
        "arxiv_page_size",
        "arxiv_num_retries",
        "lookback_days",
        "cursor_overlap_minutes",
        "recheck_months",
        "recheck_batch_size",
        "ccf_edition",
    }:
        return int(value)
    if name == "rank_weights":
        if isinstance(value, str):
            pairs = (item.split("=", 1) for item in value.split(",") if "=" in item)
            return {k.strip(): float(v) for k, v in pairs}
        return {str(k): float(v) for k, v in dict(value).items()}
    return value


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from ``tracker.toml`` (if present), the environment and overrides."""
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = Path(config_file or os.environ.get("TRACKER_CONFIG", "tracker.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, value in data.get("tracker", data).items():
            if key in names:
                values[key] = _coerce(key, value)
    for name in names:
        env = os.environ.get(f"TRACKER_{name.upper()}")
        if env is not None and env != "":
            values[name] = _coerce(name, env)
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value)
    return replace(Settings(), **values)
