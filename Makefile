# Two commands do all the set-up: `make run` and `make test` (see README.md); `make help` lists the rest.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCENARIO ?= scenarios/baseline.yaml
# A Python >= 3.12: $(PYTHON) if given, else python3.13/python3.12 on PATH, else pyenv's.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	/root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null && { command -v $$c; break; }; done)

.PHONY: help run setup test test-slow test-all lint bench bench-detail golden posterior explore notebook \
	notebook-outputs docs docs-results docs-screenshot clean-venv

help:
	@echo "make run    - set up .venv (base install) if needed, run $(SCENARIO), write results/ and plots"
	@echo "make setup  - set up .venv with every extra and compile the model for this CPU and a generic one"
	@echo "make test   - set up .venv with every extra if needed, run ruff and the tests, slow ones left out"
	@echo "make test-slow - the slow tests only (subprocesses, browser, notebook, sweeps)"
	@echo "make test-all  - both (what CI runs)"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make golden - regenerate tests/golden/ after a change that moves results on purpose"
	@echo "make posterior - regenerate scenarios/posterior/history.csv, the baseline's conditioned sets"
	@echo "make bench  - every speed goal with PASS/SHORT, kept for docs/speed.md (not part of the tests; about 3 minutes)"
	@echo "make bench-detail - the detailed speed and scale benchmarks (batched vs single runs, 100,000 runs)"
	@echo "make explore  - the what-if explorer as a web page on http://127.0.0.1:8866/ (Voila)"
	@echo "make notebook - JupyterLab on 127.0.0.1 in notebooks/"
	@echo "make notebook-outputs - run notebooks/explore.ipynb again, in place (its stored tables and figures)"
	@echo "make docs   - the documentation site from docs/ into site/ (MkDocs, strict: a broken link fails)"
	@echo "make docs-results - rerun the pinned-seed runs behind the README's and docs' numbers and figures"
	@echo "make docs-screenshot - docs/explorer.png from the browser test (needs Chromium)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "alliance-sim needs Python 3.12 or newer (Mesa 3.5 requires it); install one or run 'make PYTHON=/path/to/python3.12'." >&2; \
		exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e .
	$(PY) -m sim.model.warmup
	@touch $(STAMP)

# An optional extra on top of the base install (pyproject.toml): test (all of them), explore,
# notebook, docs, sweep, cluster. pip prints what it fetches and installs as it goes.
$(VENV)/.extra-%: $(STAMP)
	$(PY) -m pip install -e '.[$*]'
	@touch $@

run: $(STAMP)
	$(VENV)/bin/alliance-sim run $(SCENARIO)

# The golden runs again as on a CPU without AVX-512 and with numba compiling for a generic
# x86-64 (README, Reproducibility); numba caches that build beside the native one.
GENERIC_CPU := NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL \
	AVX512_ICL AVX512_SPR X86_V4" NUMBA_CPU_NAME=generic

# The month (and the streams compiled beside it) for this CPU and for a generic one before the
# tests load them (again after a rule or the state's layout changed: the older cache is dropped).
$(VENV)/.compiled: $(VENV)/.extra-test $(wildcard sim/model/mechanisms/*.py) sim/model/streams.py \
		sim/model/state.py
	$(PY) -m sim.model.warmup
	@echo "and for a generic x86-64 CPU, for the golden test's variant:"
	$(GENERIC_CPU) $(PY) -m sim.model.warmup
	@touch $@

# The fast tests on two processes (pytest-xdist), then the rules uncompiled, then the golden
# test as on another CPU.
setup: $(VENV)/.compiled

test: $(VENV)/.compiled
	$(PY) -m ruff check sim tests run.py benchmarks mkdocs_hooks.py
	$(PY) -m ruff format --check sim tests run.py benchmarks mkdocs_hooks.py
	$(PY) -m pytest -q -n 2 -m "not slow and not rules"
	NUMBA_DISABLE_JIT=1 $(PY) -m pytest -q -p no:cacheprovider -m rules tests/test_rules_*.py
	$(GENERIC_CPU) $(PY) -m pytest -q -p no:cacheprovider tests/test_golden.py

test-slow: $(VENV)/.extra-test
	$(PY) -m pytest -q -m slow

test-all: test test-slow

lint: $(VENV)/.extra-test
	$(PY) -m ruff check sim tests run.py benchmarks mkdocs_hooks.py
	$(PY) -m ruff format --check sim tests run.py benchmarks mkdocs_hooks.py

# The history conditioned on the observations, which the baseline and the what-ifs run on
# (sim.execution.posterior; a pinned seed, about a minute): after a change to history.yaml,
# history_uncertain.yaml, observations/history.yaml, a parameter default or the data file.
posterior: $(STAMP)
	$(PY) -m sim.execution.posterior

explore: $(VENV)/.extra-explore
	$(PY) -m sim explore $(if $(filter command line,$(origin SCENARIO)),$(SCENARIO))

notebook: $(VENV)/.extra-notebook
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks

# The walk-through's stored outputs (tables and figures at 100 dpi), after a change that moves
# them: runs it top to bottom in place (a couple of minutes).
notebook-outputs: $(VENV)/.extra-notebook
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace notebooks/explore.ipynb

# Keeps its figures, the machine and the date in docs/generated/bench.json and renders
# docs/speed.md's table from them (python -m sim.docgen --speed).
bench: $(STAMP)
	$(PY) benchmarks/bench_goals.py --json docs/generated/bench.json $(BENCH_ARGS)
	$(PY) -m sim.docgen --speed

bench-detail: $(STAMP)
	$(PY) benchmarks/bench_speed.py
	$(PY) benchmarks/bench_scale.py

golden: $(STAMP)
	$(PY) tests/test_golden.py

docs: $(VENV)/.extra-docs
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# The README's and docs' numbers, tables and figures from runs, from pinned seeds (sim/docgen.py;
# a few minutes); the blocks from the code alone are `python -m sim.reference`.
docs-results: $(STAMP)
	$(PY) -m sim.reference
	$(PY) -m sim.docgen

# docs/explorer.png: the browser test's page after Russia's commitment moved to 0.1 (needs Chromium).
docs-screenshot: $(VENV)/.extra-test
	ALLIANCE_SIM_EXPLORER_SCREENSHOT=docs/explorer.png $(PY) -m pytest -q -m slow \
		tests/test_explorer_browser.py

clean-venv:
	rm -rf $(VENV)
