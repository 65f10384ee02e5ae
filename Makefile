# Two commands for a fresh Linux machine with Python 3.11+ and Node.js: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
DEMO_HOUSEHOLDS ?= 3000

.PHONY: install run test lint typecheck messages serve clean-static

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations are compiled by Babel (pure Python), so no system gettext is needed.
messages: $(VENV)/.installed
	$(PY) scripts/compile_messages.py

run: install
	QIAOMEN_ENV=dev $(PY) manage.py migrate --noinput
	QIAOMEN_ENV=dev $(PY) manage.py collectstatic --noinput --verbosity 0
	QIAOMEN_ENV=dev $(PY) manage.py seed_demo --if-empty --households $(DEMO_HOUSEHOLDS) --seed 1
	QIAOMEN_ENV=dev $(PY) manage.py demo_logins
	QIAOMEN_ENV=dev $(VENV)/bin/gunicorn qiaomen.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --forwarded-allow-ips=""

test: install
	QIAOMEN_ENV=test $(VENV)/bin/pytest -n 2 -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy qiaomen
