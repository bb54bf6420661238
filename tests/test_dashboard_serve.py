"""``python -m dashboard.serve``: the dashboard's launcher (its serving is covered by the
browser tests, which start the dashboard through it)."""

from __future__ import annotations

import subprocess
import sys

from dashboard.serve import APP, preload
from tracker.config import PROJECT_ROOT


def test_preload_imports_the_heavy_libraries() -> None:
    assert APP.name == "app.py" and APP.is_file()
    assert preload() == []
    assert "pandas" in sys.modules and "altair" in sys.modules
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
