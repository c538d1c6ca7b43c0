# The two commands of the README. Only Python 3.11, git and make are assumed on the machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/xxgk run --source examples --warehouse data/xxgk.duckdb --data data

lint: $(STAMP)
	$(BIN)/ruff check flows extractors expectations warehouse tests bench
	$(BIN)/mypy flows extractors expectations warehouse
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data/xxgk.duckdb data/docs
