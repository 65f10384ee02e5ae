# Two commands for a fresh Linux machine with Python 3.11+ and Node.js: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
DEMO_HOUSEHOLDS ?= 3000
DEMO_MONTHS ?= 12

.PHONY: install run test bench bench-city lint typecheck imports file-length messages

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

# Seeds a demo street into an empty database and prints its logins; the huey consumer runs the
# periodic jobs (escalation sweep) beside gunicorn and stops with it. With MQTT_URL set (e.g.
# mqtt://127.0.0.1:1883) the device-event consumer runs too, started again if it stops.
run: install
	QIAOMEN_ENV=dev $(PY) manage.py migrate --noinput
	QIAOMEN_ENV=dev $(PY) manage.py createcachetable
	QIAOMEN_ENV=dev $(PY) manage.py collectstatic --noinput --verbosity 0
	QIAOMEN_ENV=dev $(PY) manage.py seed_demo --if-empty --households $(DEMO_HOUSEHOLDS) --months $(DEMO_MONTHS) --seed 1
	QIAOMEN_ENV=dev $(PY) manage.py demo_logins --url http://$(HOST):$(PORT)
	QIAOMEN_ENV=dev $(PY) manage.py run_huey --quiet & consumer=$$!; \
	if [ -n "$$MQTT_URL" ]; then \
		( while true; do QIAOMEN_ENV=dev $(PY) manage.py device_mqtt_consume; sleep 2; done ) & mqtt=$$!; \
	fi; \
	trap 'kill $$consumer $$mqtt 2>/dev/null; [ -z "$$mqtt" ] || pkill -P $$mqtt 2>/dev/null' EXIT INT TERM; \
	QIAOMEN_ENV=dev $(VENV)/bin/gunicorn qiaomen.wsgi:application --config deploy/gunicorn.conf.py \
		--bind $(HOST):$(PORT) --workers $(WORKERS)

# The gates of `make test`, each also a target of its own (`make lint`, `make typecheck`,
# `make imports`, `make file-length`).
RUFF_CHECK := $(VENV)/bin/ruff check .
RUFF_FORMAT := $(VENV)/bin/ruff format --check .
MYPY := $(VENV)/bin/mypy qiaomen
LINT_IMPORTS := $(VENV)/bin/lint-imports --no-logo
FILE_LENGTH := $(PY) scripts/check_file_length.py

# $(call gate,NAME,COMMAND): run COMMAND; if it fails, say which gate failed and remember it.
gate = echo "=== make test: $(1) ($(2)) ==="; $(2) || { echo "make test: FAILED gate $(1): $(2)" >&2; failed="$$failed $(1)"; };

# Every gate runs, then pytest, even after a failure, so that one run shows every problem; the target
# fails if any of them did. PYTEST_ARGS narrows the pytest run, e.g.
# `make test PYTEST_ARGS="-x qiaomen/registry"`. pytest exits 5 when it ran no test, which fails the
# target like any other non-zero exit; the message says why.
test: install
	@failed=""; \
	$(call gate,ruff-check,$(RUFF_CHECK)) \
	$(call gate,ruff-format,$(RUFF_FORMAT)) \
	$(call gate,mypy,$(MYPY)) \
	$(call gate,lint-imports,$(LINT_IMPORTS)) \
	$(call gate,file-length,$(FILE_LENGTH)) \
	echo "=== make test: pytest ==="; \
	QIAOMEN_ENV=test $(VENV)/bin/pytest -n 2 -q $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest ran no test (exit 5)" >&2; fi; \
	if [ $$status -ne 0 ]; then failed="$$failed pytest"; fi; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; [ $$status -ne 0 ] || status=1; \
	else echo "make test: every gate and the tests passed"; fi; \
	exit $$status

lint: install
	$(RUFF_CHECK)
	$(RUFF_FORMAT)

typecheck: install
	$(MYPY)

imports: install
	$(LINT_IMPORTS)

file-length: install
	$(FILE_LENGTH)

# The street-size benchmarks (a few minutes on 2 cores), then one table: each figure beside its
# ceiling measured in the same run, the ratio and the goal. Run it on an idle machine.
bench: install
	$(PY) bench/street.py

# The same pages on PostgreSQL at growing street sizes (each built once in bulk and kept), then one
# table of each page's p95 per size, its growth from size to size and its ceiling. SIZES="70000,250000"
# by default; a size not built yet is built first with bench/city_seed.py (about 1 minute per 70,000
# households here).
SIZES ?= 70000,250000
bench-city: install
	$(PY) bench/city.py --sizes $(SIZES)
