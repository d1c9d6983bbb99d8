# Bootstraps .venv itself: a fresh machine needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck notebooks notebooks-run clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	touch $(STAMP)

## Main job: the Isfahan baseline and every scenario in scenarios/, one comparison table.
run: $(STAMP)
	$(BIN)/resourcemodel run scenarios/ --out results

## The whole test suite (what CI runs).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks/*.py
	$(BIN)/ruff format --check src tests benchmarks notebooks/*.py
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks/*.py

typecheck: $(STAMP)
	$(BIN)/mypy

## Planner notebooks in JupyterLab: notebooks/*.py (jupytext) are paired with generated .ipynb.
notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9]*.py
	$(BIN)/jupyter lab notebooks/

## Execute every notebook; notebooks/*.ipynb then hold the figures and conclusions.
notebooks-run: $(STAMP)
	$(BIN)/jupytext --to ipynb --execute notebooks/[0-9]*.py

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache
