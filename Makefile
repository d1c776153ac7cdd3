# Rapport's named commands; CI runs the same ones.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export RAPPORT_DEV ?= 1

.PHONY: run install test test-pg test-e2e lint typecheck imports migrations-check check bench schemathesis clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install  ## install, migrate, seed the demo on first run, serve web + worker
	mkdir -p $${RAPPORT_VAR_DIR:-var}
	$(BIN)/rapport migrate --no-input -v0
	$(BIN)/rapport demo --if-empty
	PORT=$(PORT) $(BIN)/rapport runall

test: install  ## the whole suite on SQLite
	$(BIN)/pytest -m "not e2e" -n 2

test-pg: install  ## the whole suite on PostgreSQL
	DATABASE_URL=$${PG_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not e2e" -n 2

test-e2e: install  ## browser tests (Playwright driving /usr/bin/chromium)
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

imports: install
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

migrations-check: install
	$(BIN)/rapport makemigrations --check --dry-run

check: lint imports typecheck migrations-check

schemathesis: install  ## fuzz /api/v1 against a scratch database
	$(BIN)/python tests/fuzz/run_schemathesis.py

bench: install  ## BENCH_ARGS="--quick" or "--contacts 1000000 --db both"; WF_ and DEALS_BENCH_ARGS likewise
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.workflows $(WF_BENCH_ARGS)
	$(BIN)/python -m bench.deals $(DEALS_BENCH_ARGS)

clean:
	rm -rf $(VENV) var
