"""Storage: models, engines and migrations."""

from tracker.db.engine import make_engine, make_sessionmaker, session_scope

__all__ = ["make_engine", "make_sessionmaker", "session_scope"]
