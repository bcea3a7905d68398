# The two commands that do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench

# `make demo PORT=8010` serves it on another port.
PORT ?= 8000

demo: $(STAMP) graphviz
	$(BIN)/relaydesk demo --port $(PORT)

test: $(STAMP) chromium graphviz
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/relaydesk makemigrations --check --dry-run >/dev/null || (echo "model changes without a migration: run relaydesk makemigrations" && exit 1)
	$(BIN)/pytest $(PYTEST_ARGS)

# SPEC §7 on a built dataset (bench/README.md); the API throughput needs PostgreSQL.
bench: $(STAMP) wrk
	$(BIN)/python bench/bench_due.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/customer_map.py
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

# Browser tests drive Debian's Chromium (Playwright's own download is not used); the customer
# map is drawn by Graphviz's `dot`. Each is installed from Debian's packages when missing.
define debian_package
@command -v $(1) >/dev/null || { \
  echo "Installing $(2) from Debian's packages"; \
  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(2) >/dev/null; }
endef

.PHONY: chromium graphviz wrk
chromium:
	$(call debian_package,chromium,chromium)
graphviz:
	$(call debian_package,dot,graphviz)
# The API benchmark's load generator: compiled, so the cores go to the server.
wrk:
	$(call debian_package,wrk,wrk)
