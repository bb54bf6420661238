"""``python -m dashboard.serve``: the dashboard's launcher (its serving is covered by the
browser tests, which start the dashboard through it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard import firstvisit
from dashboard.serve import APP, preload, speed_up_first_visits
from tracker.config import PROJECT_ROOT


def test_preload_imports_the_heavy_libraries() -> None:
    assert APP.name == "app.py" and APP.is_file()
    assert preload() == []
    assert "sqlalchemy.orm" in sys.modules and "dashboard.data" in sys.modules
    assert preload(("no_such_module_here",)) == ["no_such_module_here"]


def test_help_names_the_streamlit_options() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.serve", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "streamlit run" in done.stdout and "--server.port" in done.stdout


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_preload_imports_the_dashboard_modules_quietly() -> None:
    # A fresh interpreter: the test process has imported these modules already.
    done = _run_python(
        "import sys\n"
        "from dashboard.serve import preload\n"
        "assert preload() == []\n"
        "print(sorted(m for m in sys.modules if m.startswith('dashboard.')))\n"
    )
    assert done.returncode == 0, done.stderr
    for module in ("dashboard.data", "dashboard.ui", "dashboard.curation", "dashboard.i18n"):
        assert repr(module) in done.stdout
    # Their cached functions are defined outside a runtime; that warning is muted.
    assert "No runtime found" not in done.stderr


def test_settle_freezes_the_imported_objects_and_skips_the_stack_walk() -> None:
    done = _run_python(
        "import gc\n"
        "from dashboard.serve import preload, settle\n"
        "preload()\n"
        "before = gc.get_freeze_count()\n"
        "settle()\n"
        "from streamlit import delta_generator\n"
        "print(before, gc.get_freeze_count(), delta_generator._use_warning_has_been_displayed)\n"
    )
    assert done.returncode == 0, done.stderr
    before, after, flag = done.stdout.split()
    assert int(before) == 0 and int(after) > 50_000
    assert flag == "True"


def test_a_step_that_does_not_take_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(firstvisit, "install", lambda: {"no_delay": True, "page_shell": False})
    assert speed_up_first_visits() == ["page_shell"]
    assert "page_shell not applied" in capsys.readouterr().err
    monkeypatch.setattr(firstvisit, "install", lambda: {"no_delay": True, "page_shell": True})
    assert speed_up_first_visits() == []
    assert capsys.readouterr().err == ""
