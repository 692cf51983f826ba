# Common tasks. `make venv` once, then `make run` (the offline main job) and `make test`.
#
#   make venv    .venv with the pinned requirements and signet installed editable
#   make run     the offline main job (config/offline.yaml) and results/report.html
#   make dry-run plan the paper-scale workflow (config/config.yaml) without running it
#   make lint    snakemake --lint and ruff
#   make test    the test suite, with the line coverage of the core (fails below 90 %)
#
# Variables: PYTHON (interpreter for the venv, default python3.11), CORES (default 2),
# TORCH_INDEX (extra pip index for torch, e.g. https://download.pytorch.org/whl/cpu to get
# the CPU-only wheels instead of the CUDA ones).

PYTHON ?= python3.11
VENV ?= .venv
CORES ?= 2
TORCH_INDEX ?=
OFFLINE ?= config/offline.yaml

SNAKEMAKE = $(VENV)/bin/snakemake
PIP_INDEX = $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)

.PHONY: venv run dry-run lint test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_INDEX) -r requirements.txt
	$(VENV)/bin/pip install --no-deps -e .
	touch $@

run: venv
	$(SNAKEMAKE) --cores $(CORES) --configfile $(OFFLINE)
	$(SNAKEMAKE) --cores $(CORES) --configfile $(OFFLINE) --report results/report.html
	@echo "report: results/report.html"

dry-run: venv
	$(SNAKEMAKE) --cores $(CORES) --dry-run

lint: venv
	$(SNAKEMAKE) --lint
	$(VENV)/bin/ruff check .

test: venv
	$(VENV)/bin/pytest -q --cov --cov-report=term
