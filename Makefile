# Paper Tracker: `make demo` to try it, `make test` to run every test. Both start from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8501
PYTEST_ARGS ?=

.PHONY: demo test check lint typecheck bench bench-full clean venv system-deps serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the package with its dev/test extras

system-deps:  ## install Debian's chromium and postgresql when missing
	./scripts/ensure-system-deps.sh

demo: venv  ## migrate, load CCF + topics + the bundled arXiv sample, build lists, serve the dashboard
	$(BIN)/tracker demo
	$(MAKE) serve

serve: venv  ## serve the dashboard on http://localhost:$(PORT)
	$(BIN)/python -m dashboard.serve --server.port $(PORT) --server.headless true \
	    --browser.gatherUsageStats false

test: venv system-deps  ## run the whole test suite (SQLite and PostgreSQL, browser included)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check tracker dashboard tests bench migrations
	$(BIN)/ruff format --check tracker dashboard bench migrations

typecheck: venv
	$(BIN)/mypy

check: lint typecheck test  ## ruff + mypy + tests

bench: venv  ## benchmarks at a small N (minutes); results go to stdout
	$(BIN)/python bench/run_all.py --small

bench-full: venv  ## the full 1M-record benchmarks
	$(BIN)/python bench/run_all.py --full

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
