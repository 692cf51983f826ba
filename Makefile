# Common tasks. `make venv` once, then `make run` (the offline main job) and `make test`.
#
#   make venv    .venv from requirements.lock (every package pinned) and signet editable
#   make lock    regenerate requirements.lock from requirements.txt (uv, needs the network)
#   make run     the offline main job (config/offline.yaml) and results/offline/report.html
#   make dry-run plan the paper-scale workflow (config/config.yaml) without running it
#   make lint    snakemake --lint and ruff
#   make test    the test suite on CORES workers (pytest-xdist), with the core's line coverage (fails below 90 %)
#
# Variables: PYTHON (interpreter for the venv, default python3.11), CORES (default 2),
# TORCH_INDEX (the pip index torch's CPU build is installed from, default the PyTorch CPU
# index; empty to use only the configured indexes).

PYTHON ?= python3.11
VENV ?= .venv
CORES ?= 2
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
OFFLINE ?= config/offline.yaml
REPORT ?= results/offline/report.html

SNAKEMAKE = $(VENV)/bin/snakemake
PIP_INDEX = $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)

.PHONY: venv lock run dry-run lint test

venv: $(VENV)/.installed

# torch first and alone from its CPU index, then every other package at its locked version
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --no-deps $(PIP_INDEX) "$$(grep '^torch==' requirements.lock)"
	$(VENV)/bin/pip install -r requirements.lock
	$(VENV)/bin/pip install --no-deps -e .
	touch $@

lock: venv
	$(VENV)/bin/pip install uv
	$(VENV)/bin/uv pip compile requirements.txt --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --override requirements-torch-cpu.txt \
		$(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),) --index-strategy unsafe-best-match \
		--custom-compile-command "make lock" -o requirements.lock

run: venv
	$(SNAKEMAKE) --cores $(CORES) --configfile $(OFFLINE)
	$(SNAKEMAKE) --cores $(CORES) --configfile $(OFFLINE) --report $(REPORT)
	@echo "report: $(REPORT)"

dry-run: venv
	$(SNAKEMAKE) --cores $(CORES) --dry-run

lint: venv
	$(SNAKEMAKE) --lint
	$(VENV)/bin/ruff check .

test: venv
	$(VENV)/bin/pytest -q -n $(CORES) --dist loadfile --durations=25 --cov --cov-report=term
