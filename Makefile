# Human-in-the-loop anomaly detection: a reproducibility book.
#
#   make book    execute every chapter and build the HTML book (_build/html/index.html)
#   make test    unit tests + every chapter in quick mode (what CI runs)
#   make help    all targets
#
# Everything runs inside .venv (created on first use from pyproject.toml,
# pinned by constraints.txt). Needs Python 3.11, make and, the first time,
# access to PyPI (the environment) and registry.npmjs.org (`make vendor`).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

# The interpreter that creates the venv: python3.11 when present, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when the dependency declarations change.
VENV_STAMP := $(VENV)/.installed.stamp
KERNEL_NAME := adlib
BUILD_DIR := _build
VENDOR_DIR := _vendor
PYTEST_ARGS ?=

# Benchmark data: the local mirror next to the repository (as in CI), unless
# the caller already set ADLIB_DATA. Otherwise adlib downloads into its cache.
ifneq ($(wildcard ../shared/datasets),)
export ADLIB_DATA ?= $(abspath ../shared/datasets)
endif
# TensorFlow's C++ INFO/WARNING lines drown the useful output.
export TF_CPP_MIN_LOG_LEVEL := 2
# oneDNN reorders float sums (numbers then depend on the machine and on who
# imported TensorFlow first); the neural packages turn it off, so does every kernel.
export TF_ENABLE_ONEDNN_OPTS := 0
# No stray `git` / pip prompts from the environment.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv vendor browser test test-fast book serve lab bench reproduce constraints clean clean-all

help: ## list the targets
	@echo "Targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'
	@echo "Variables: PYTHON=$(PYTHON)  ADLIB_DATA=$${ADLIB_DATA:-<unset: download + cache>}  PYTEST_ARGS=$(PYTEST_ARGS)"

# ---------------------------------------------------------------- environment

venv: $(VENV_STAMP) ## create .venv: adlib (editable) + book and test extras, pinned by constraints.txt, and the "adlib" Jupyter kernel

$(VENV_STAMP): pyproject.toml constraints.txt
	@if [ -z "$(PYTHON)" ]; then echo "No python3.11/python3 on PATH; install Python 3.11 or run make PYTHON=/path/to/python3.11" >&2; exit 1; fi
	@if [ ! -x "$(PY)" ]; then \
	  echo ">>> creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"; \
	  "$(PYTHON)" -m venv $(VENV); \
	fi
	$(PY) -m pip install -c constraints.txt -e ".[book,test,deep,stream,sequence]"
	$(PY) -m pip check
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (adlib)"
	@touch $@

# Upgrade path for the pins: resolve pyproject.toml afresh in a scratch venv
# (no constraints), check it, and write the result to constraints.txt.
# Review the diff, then `make test book` before committing it.
constraints: ## re-resolve the dependencies in a scratch venv and rewrite constraints.txt
	rm -rf $(BUILD_DIR)/constraints-venv
	"$(PYTHON)" -m venv $(BUILD_DIR)/constraints-venv
	$(BUILD_DIR)/constraints-venv/bin/python -m pip install -e ".[book,test,deep,stream,sequence]"
	$(BUILD_DIR)/constraints-venv/bin/python -m pip check
	{ echo "# Exact versions of the environment that was tested (pip freeze --exclude-editable)."; \
	  echo "# Used as: pip install -c constraints.txt -e \".[book,test]\". Regenerate: make constraints"; \
	  echo "# Python $$($(BUILD_DIR)/constraints-venv/bin/python -c 'import platform; print(platform.python_version())')"; \
	  $(BUILD_DIR)/constraints-venv/bin/python -m pip freeze --exclude-editable | grep -viE '^(adlib|-e )'; \
	} > constraints.txt
	rm -rf $(BUILD_DIR)/constraints-venv
	@echo "constraints.txt rewritten; review with: git diff constraints.txt"

# MathJax, require.js and the ipywidgets HTML manager, served by the book
# itself so the HTML renders offline (see _config.yml). Pinned + sha512-checked.
vendor: $(VENDOR_DIR)/.vendor.json ## fetch the offline JavaScript for the HTML book into _vendor/ (npm registry, sha512-checked)

$(VENDOR_DIR)/.vendor.json: tools/fetch_vendor.py
	"$(PYTHON)" tools/fetch_vendor.py --force --dest $(VENDOR_DIR)
	@touch $@

# Browser tests (tests/browser): Playwright (Python, in the test extra) drives
# Debian's Chromium headless; no browser is ever downloaded (never
# `playwright install`). Installed with apt when missing: as root, or through
# sudo when it needs no password. Elsewhere the browser tests skip, saying so.
CHROMIUM := /usr/bin/chromium
browser: ## install Chromium for the browser tests (apt: chromium chromium-driver) when missing
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: no $(CHROMIUM) and no apt-get: the browser tests will be skipped" >&2; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "browser: installing Chromium needs root or sudo: the browser tests will be skipped" >&2; exit 0; fi; \
	echo ">>> apt-get install chromium chromium-driver (for the browser tests)"; \
	$$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver \
	  || { echo "browser: apt-get could not install chromium (run \`make test-fast\` to leave the browser tests out)" >&2; exit 1; }

# ---------------------------------------------------------------- work

# MPLBACKEND=Agg keeps plotting headless in the tests (figures are checked
# as saved .png files, not as displayed outputs). Not for `book`: see there.
test: export MPLBACKEND := Agg
test: venv vendor browser ## run the unit tests, every chapter (quick=True, through papermill) and the browser tests
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: export MPLBACKEND := Agg
test-fast: venv ## unit tests only (skip the notebook runs and the browser tests)
	$(PY) -m pytest -m "not notebook and not browser" $(PYTEST_ARGS)

# --all: Sphinx re-reads (so myst-nb re-executes) every chapter even if the
#        notebook file did not change -- the library may have.
# -W --keep-going: any warning, including a chapter that raises
#        (nb_execution_raise_on_error in _config.yml), fails the build, after
#        reporting all of them. -n: also warn about broken references.
# ADLIB_FIGURES: where chapters save the figures they reproduce.
# MPLBACKEND: the kernel's inline backend (ipykernel's default), stated
#        explicitly so that an MPLBACKEND=Agg inherited from the caller's
#        environment cannot strip every figure from the book (with Agg, plots
#        are not displayed, so the executed chapters have no images).
book: export ADLIB_FIGURES := $(abspath $(BUILD_DIR))/figures
book: export MPLBACKEND := module://matplotlib_inline.backend_inline
book: venv vendor ## execute every chapter (full parameters) and build _build/html/index.html
	$(VENV)/bin/jupyter-book build --all -W -n --keep-going .
	@echo "Book: $(abspath $(BUILD_DIR))/html/index.html"

# Opening _build/html/index.html directly works for everything but full-text
# search: the browser refuses the search's fetch of pages over file://. Served
# on the loopback interface only, nothing else can reach it.
SERVE_PORT ?= 8000
serve: ## serve the built book on http://127.0.0.1:$(SERVE_PORT)/ (full-text search works there)
	@if [ ! -f $(BUILD_DIR)/html/index.html ]; then echo "No built book: run \`make book\` first" >&2; exit 1; fi
	@echo "Book: http://127.0.0.1:$(SERVE_PORT)/index.html  (Ctrl-C to stop)"
	"$(PYTHON)" -m http.server $(SERVE_PORT) --bind 127.0.0.1 --directory $(BUILD_DIR)/html

# The chapters read long sweeps (every ensemble on every benchmark, 10 reruns)
# from results/ (JSON per run, keyed by its parameters; see adlib/experiments/ and adlib/reproduce.py).
# `make reproduce` recomputes all of them at full size, then builds the book.
reproduce: venv ## recompute every cached result at full size (results/), then build the book
	$(PY) -m adlib.reproduce --n-jobs -1
	$(MAKE) book

# LAB_ARGS: extra options, e.g. `make lab LAB_ARGS="--no-browser --port=8890"`.
# --allow-root is added when run as root (containers), where Jupyter refuses otherwise.
LAB_ARGS ?=
lab: venv ## open the chapters in JupyterLab (kernel "Python (adlib)")
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=book $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Benchmarks are never part of `make test`. Helper modules start with "_".
bench: venv ## run every bench/*.py script (speed, memory, quality)
	@shopt -s nullglob; scripts=(bench/[!_]*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "bench: no bench/*.py scripts yet"; exit 0; fi; \
	for s in "$${scripts[@]}"; do echo ">>> $(PY) $$s"; MPLBACKEND=Agg $(PY) "$$s"; done

# ---------------------------------------------------------------- cleaning

clean: ## remove the built book, executed-notebook caches and Python caches
	rm -rf $(BUILD_DIR) .jupyter_cache .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) -print0 \
	  | xargs -0 rm -rf

clean-all: clean ## also remove .venv, _vendor, bench/.cache and the egg-info
	rm -rf $(VENV) $(VENDOR_DIR) bench/.cache *.egg-info
