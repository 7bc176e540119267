# pilot_eval — two commands: `make report` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
STAMP := $(VENV)/.installed
DATA ?= data/sample
AS_OF ?=

.PHONY: report test lab lock sample validate metrics sysdeps clean help docs-img bench bench-reports messages

help:
	@echo "make report   set up, then validate and report on $(DATA)"
	@echo "make test     set up, then ruff and pytest"
	@echo "make lab      open JupyterLab on notebooks/"
	@echo "make lock     refresh $(LOCK) from pyproject.toml"
	@echo "make sample   regenerate data/sample"
	@echo "make docs-img redraw docs/img/summary.png from the sample report"

# System programs the tests use: pdftotext/pdftoppm (poppler-utils), Chromium (optional).
sysdeps:
	@bash tools/sysdeps.sh

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip wheel  # wheel: the test that builds the package
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	@touch $(STAMP)

setup: sysdeps $(STAMP)
	@# byte-code for the package now: where PYTHONDONTWRITEBYTECODE is set, each of a
	@# report set's processes would otherwise compile it again (only changed files are)
	@$(PY) -m compileall -q src

report: setup
	$(VENV)/bin/pilot-eval validate $(DATA)
	$(VENV)/bin/pilot-eval report $(DATA) --all --jobs 2 $(if $(AS_OF),--as-of $(AS_OF))

test: setup
	$(VENV)/bin/ruff check src tests $(wildcard benchmarks)
	$(VENV)/bin/python -m pytest -q

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

sample: setup
	$(VENV)/bin/pilot-eval sample --out data/sample

validate: setup
	$(VENV)/bin/pilot-eval validate $(DATA)

metrics: setup
	$(VENV)/bin/pilot-eval metrics $(DATA) $(if $(AS_OF),--as-of $(AS_OF))

bench: setup
	$(PY) -m pip install --quiet 'duckdb>=1.0'  # the benchmark's yardstick only
	$(PY) benchmarks/bench_metrics.py --scales 1 20 200

# BASELINE=REV runs that commit's set beside this tree's (alternating) and prints the ratios.
bench-reports: setup
	$(PY) benchmarks/bench_reports.py --jobs 2 $(if $(BASELINE),--baseline $(BASELINE) --repeat 3)

# Check the message catalogs (src/pilot_eval/locale) and compile them to .mo.
messages: $(STAMP)
	$(PY) tools/messages.py

# The picture of the summary page in the README.
docs-img: setup
	$(PY) tools/summary_image.py

# Re-resolve every dependency from pyproject.toml in a scratch venv and pin the result.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade pip
	.lockenv/bin/python -m pip install --quiet -e '.[dev,lab]'
	.lockenv/bin/python -m pip freeze --exclude-editable --exclude pilot_eval \
	  | sed '1i # Pinned versions pilot_eval is tested with. Refresh with `make lock`.' > $(LOCK)
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info src/*.egg-info
