# Every target creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test bench lint load clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/harness sandbox --all-flows --seed 42 --accounts 1000

# The HTML report is checked in a real headless Chromium (tests/reconcile/test_html_browser.py).
# Installs the Debian packages when missing; CI runs as root, elsewhere sudo is used if present.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && \
	  $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 -q

load: $(STAMP)
	$(BIN)/python -m pytest -q -s -m load -p no:xdist tests/test_load.py

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy harness mocks sync reconcile

clean:
	rm -rf $(VENV) reports bench/results.json .pytest_cache
