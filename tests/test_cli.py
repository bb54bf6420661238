"""The CLI: every command has help text; the foundation commands work end to end."""

from __future__ import annotations

import click
from click.testing import CliRunner

from tracker.cli import main


def _walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            out += _walk(sub, (*path, name))
    return out


def test_every_command_has_help() -> None:
    runner = CliRunner()
    commands = _walk(main)
    assert len(commands) > 8
    for path, command in commands:
        assert (command.help or "").strip(), f"tracker {' '.join(path)} has no help text"
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_db_and_ccf_commands(database_url: str) -> None:
    runner = CliRunner()
    env = {"TRACKER_DATABASE_URL": database_url}
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    first = runner.invoke(main, ["ccf", "load"], env=env)
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["ccf", "load"], env=env)
    assert "inserted 0, updated 0, deleted 0" in second.output
    result = runner.invoke(main, ["ccf", "lookup", "IJCAI"], env=env)
    assert "2019: A" in result.output and "2022: A" in result.output and "2026: B" in result.output
    result = runner.invoke(main, ["ccf", "lookup", "no such venue at all"], env=env)
    assert result.exit_code != 0 and "No venue matches" in result.output
    result = runner.invoke(main, ["ccf", "changes", "--from", "2022", "--to", "2026"], env=env)
    assert "ICLR" in result.output and "added" in result.output
    current = runner.invoke(main, ["db", "current"], env=env)
    assert "up to date" in current.output
