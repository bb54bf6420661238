"""What every command shares: the settings and a lazily created engine."""

from __future__ import annotations

from functools import cached_property

import click
from sqlalchemy import Engine

from tracker.config import Settings, load_settings
from tracker.db.engine import make_engine


class AppContext:
    """Settings and database engine for one CLI invocation."""

    def __init__(self, config_file: str | None = None, database_url: str | None = None) -> None:
        self._config_file = config_file
        self._database_url = database_url

    @cached_property
    def settings(self) -> Settings:
        """Settings from tracker.toml, the environment and command-line options."""
        return load_settings(self._config_file, database_url=self._database_url)

    @cached_property
    def engine(self) -> Engine:
        """The database engine; the schema is expected to be migrated."""
        return make_engine(self.settings)

    def close(self) -> None:
        """Dispose of the engine if one was made."""
        if "engine" in self.__dict__:
            self.engine.dispose()


pass_app = click.make_pass_decorator(AppContext)
