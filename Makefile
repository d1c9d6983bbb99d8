# Bootstraps .venv itself: a fresh machine needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck notebooks notebooks-run cockpit clean

# JupyterLab on $(1), a folder or a notebook: one recipe line, $(call jupyter_lab,notebooks/).
# As root (a container, a shared server) JupyterLab needs --allow-root. It prints the URL to
# open, with its token, once it is ready. More options: make notebooks JUPYTER_ARGS="--port
# 8890 --no-browser" (in a container, --ip=0.0.0.0 to reach it from the host).
JUPYTER_ARGS ?=
jupyter_lab = @echo "Starting JupyterLab on $(1): open the http://localhost:PORT/lab?token=... \
URL it prints when ready; Ctrl-C stops it." && \
$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(JUPYTER_ARGS) $(1)

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
	$(call jupyter_lab,notebooks/)

## The live what-if cockpit (notebooks/00_cockpit.py) as a web page, served by Voila: open the
## http://localhost:8866/ URL it prints. Voila runs as root without --allow-root (only
## JupyterLab refuses root). More options in COCKPIT_ARGS, e.g. COCKPIT_ARGS="--port 8870" or,
## in a container, "--Voila.ip=0.0.0.0" to reach it from the host (anyone who can reach it can
## use it: Voila asks for no token).
COCKPIT_ARGS ?=
cockpit: $(STAMP)
	$(BIN)/python -m resourcemodel.cockpit.serve notebooks/00_cockpit.py $(COCKPIT_ARGS)

## Execute every notebook; notebooks/*.ipynb then hold the figures and conclusions.
notebooks-run: $(STAMP)
	$(BIN)/jupytext --to ipynb --execute notebooks/[0-9]*.py

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache
