# Concertation: everything a developer or CI runs, from a fresh clone.
#   make run     install, migrate, load the demo and serve on http://127.0.0.1:5000
#   make test    install the test dependencies and run the whole suite
#   make bench   page latency and throughput under load (see bench/README.md)
#   make lint    ruff check and ruff format --check

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DSFR_STATIC := consultation/static/dsfr

export FLASK_APP := wsgi

.PHONY: venv install install-test assets run test bench lint clean-assets

# Stamp files make a second `make` fast: each step runs again only when its inputs change.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.requirements-test: requirements-test.txt $(VENV)/.requirements
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

venv install: $(VENV)/.requirements

install-test: $(VENV)/.requirements-test

# The preinstall script of @gouvfr/dsfr checks that .dsfr.yml accepts its terms of use.
node_modules/.installed: package.json package-lock.json .dsfr.yml
	npm ci --no-audit --no-fund
	touch $@

$(DSFR_STATIC)/dsfr.min.css: node_modules/.installed
	rm -rf $(DSFR_STATIC)
	mkdir -p $(DSFR_STATIC)
	cp -R node_modules/@gouvfr/dsfr/dist/. $(DSFR_STATIC)/

assets: $(DSFR_STATIC)/dsfr.min.css

clean-assets:
	rm -rf $(DSFR_STATIC) node_modules

# DATABASE_URL left unset means the SQLite file instance/concertation.sqlite3. One task consumer
# (Huey: workbook exports) runs beside the web server and stops with it.
run: export CONCERTATION_ENV := development
run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask tasks consume & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
test: install-test assets
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
