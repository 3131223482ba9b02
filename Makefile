# zhengfa — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
LINTED := $(wildcard src tests bench)

.PHONY: run test lint bench demo clean browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

## make run: install, migrate the embedded SQLite database in var/, load the demo city
## if it is not loaded yet, and serve http://127.0.0.1:$(PORT) with a worker beside it.
run: $(STAMP)
	$(BIN)/zhengfa migrate --no-input
	$(BIN)/zhengfa demo --if-empty
	$(BIN)/zhengfa serve --port $(PORT)

## make test: lint, types, migrations check and the whole suite (DATABASE_URL picks the database).
test: $(STAMP) browser
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src
	$(BIN)/zhengfa makemigrations --check --dry-run
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

## Headless Chromium for the browser tests (Debian's package; Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy src

## make bench: every benchmark under bench/, figures printed and recorded in bench/README.md.
bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
