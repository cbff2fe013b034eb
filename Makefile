# OrderHub: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ORDERHUB_HOME ?= $(CURDIR)/.orderhub
export DAGSTER_HOME ?= $(ORDERHUB_HOME)/dagster_home
# Demo-only secrets. Real deployments set these in the environment (see README, "Pointing at real platforms").
export ORDERHUB_PII_SALT ?= demo-salt-change-me
export PYTHONPATH := $(CURDIR)

.PHONY: install demo ui status lint test bench snapshot restore clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/orderhub demo

ui: install
	$(BIN)/orderhub ui $(if $(PORT),--port $(PORT))

status: install
	$(BIN)/orderhub status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/dg check defs

test: install lint
	@bash tests/kpi/ensure_chromium.sh  # the dashboard browser test needs Debian's chromium
	@bash tests/operate/ensure_postgresql.sh  # the production-topology test needs Debian's postgresql
	$(BIN)/python -m pytest

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

snapshot: install
	$(BIN)/orderhub snapshot create

restore: install
	@test -n "$(SNAPSHOT)" || (echo 'usage: make restore SNAPSHOT=path/to/snapshot.tar.gz' && exit 2)
	$(BIN)/orderhub snapshot restore "$(SNAPSHOT)"

clean:
	rm -rf $(ORDERHUB_HOME)
