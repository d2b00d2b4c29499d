# Polku: `make run` serves the demo on SQLite, `make test` runs the whole suite.
# Both set everything up first (virtualenv, install); nothing else is needed.
PYTHON_BIN ?= python3
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers, one test module per worker at a time (module-scoped fixtures stay cheap).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: install run migrate demo test test-fast lint types format check bench-data clean messages

$(STAMP): pyproject.toml
	$(PYTHON_BIN) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PYTHON) manage.py migrate --noinput

demo: migrate
	$(PYTHON) manage.py seed_demo

run: demo
	@echo "Polku at http://$(HOST):$(PORT)/  (API docs: /api/v1/docs/, demo password: polku-demo)"
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

test: install
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (the longest property and fuzz runs); CI runs those once.
test-fast: install
	$(PYTHON) -m pytest $(PYTEST_ARGS) -m "not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs: strict on core/, services and selectors (pyproject.toml [tool.mypy]).
types: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint types test

# Extract the marked strings into locale/{fi,sv}/LC_MESSAGES/django.po and compile the .mo files,
# with Babel (no system gettext; ADR 21). Translate what it reports, run it again, commit locale/.
messages: install
	$(PYTHON) manage.py update_catalogues

clean:
	rm -rf $(VENV) polku.sqlite3 staticfiles
