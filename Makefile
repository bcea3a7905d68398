# The two commands that do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench

demo: $(STAMP)
	$(BIN)/relaydesk demo

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/relaydesk makemigrations --check --dry-run >/dev/null || (echo "model changes without a migration: run relaydesk makemigrations" && exit 1)
	$(BIN)/pytest $(PYTEST_ARGS)

# SPEC §7 on a built dataset (bench/README.md); the API throughput needs PostgreSQL.
bench: $(STAMP)
	$(BIN)/python bench/bench_due.py
	$(BIN)/python bench/pages.py
	@if [[ "$$DATABASE_URL" == postgres* ]]; then $(BIN)/python bench/api_create.py; \
	else echo "bench/api_create.py skipped: it measures PostgreSQL (set DATABASE_URL)"; fi

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (Playwright's own download is not used).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium from Debian's packages"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
