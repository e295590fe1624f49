# mostwanted: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
export DJANGO_SETTINGS_MODULE ?= mostwanted.settings.dev

.PHONY: run test lint format migrate demo messages compilemessages bench bench-quick worker clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Links in notifications and QR codes follow the port unless BASE_URL is set.
run: $(VENV)/.installed migrate demo
	BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) runserver 127.0.0.1:$(PORT)

migrate: $(VENV)/.installed
	$(MANAGE) migrate --noinput

demo: $(VENV)/.installed migrate
	$(MANAGE) load_demo_content

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=mostwanted.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=mostwanted.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Extract and compile the four catalogues of every package (needs GNU gettext).
messages: $(VENV)/.installed
	cd site && ../$(MANAGE) makemessages -l fr -l nl -l de -l en --no-obsolete
	cd appeals && ../$(MANAGE) makemessages -l fr -l nl -l de -l en --no-obsolete
	cd tips && ../$(MANAGE) makemessages -l fr -l nl -l de -l en --no-obsolete

compilemessages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv

worker: $(VENV)/.installed
	$(MANAGE) db_worker

bench: $(VENV)/.installed-dev
	$(PY) -m bench

bench-quick: $(VENV)/.installed-dev
	BENCH_QUICK=1 $(PY) -m bench

clean:
	rm -rf $(VENV) var/static
