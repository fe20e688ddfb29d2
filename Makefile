# The commands a newcomer types. Everything installs itself into .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

RUN_LOG := var/run.log

.PHONY: run test test-fast bench lint format install install-run migrate worker beat clean bot serve loadtest

# What running needs (make run) and what developing needs (tests, lint): two stamps, so
# `make run` never installs pytest, Playwright or ruff. pip's chatter goes to var/install.log.
$(VENV)/.installed-run: pyproject.toml
	@mkdir -p var
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip >var/install.log 2>&1 || (cat var/install.log; exit 1)
	@$(PY) -m pip install --quiet -e . >>var/install.log 2>&1 || (cat var/install.log; exit 1)
	@touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	@$(PY) -m pip install --quiet -e '.[dev]' >>var/install.log 2>&1 || (cat var/install.log; exit 1)
	@touch $@

install: $(VENV)/.installed

install-run: $(VENV)/.installed-run

migrate: install-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog

## Set up and serve on 127.0.0.1:$(PORT) (ASGI, uvicorn). DEMO_DATA=0 skips the demo market.
## Prints one line with the address when the site is ready; set-up output goes to var/run.log.
run: install-run
	@mkdir -p var && echo "Setting up (details in $(RUN_LOG))..."
	@{ $(PY) manage.py migrate --noinput && $(PY) manage.py load_catalog \
	  && ($(PY) manage.py compilemessages --ignore '.venv/*' || true) \
	  && $(PY) manage.py collectstatic --noinput && $(PY) manage.py load_demo; } \
	  >$(RUN_LOG) 2>&1 || (cat $(RUN_LOG); exit 1)
	@LOG_FILE=var/app.log $(PY) -m config.serve --workers 1 --quiet --port $(PORT)

## Production server (perf, #16): WEB_CONCURRENCY uvicorn workers, connection pool, 503 on overload.
serve: migrate
	$(PY) manage.py compilemessages --ignore '.venv/*' >/dev/null 2>&1 || true
	$(PY) manage.py collectstatic --noinput >/dev/null
	$(PY) -m config.serve --host $${HOST:-127.0.0.1} --port $(PORT)

## HTTP load benchmark (wrk; apt-installs it if missing): PostgreSQL+Redis and SQLite, 10 and 100 connections.
loadtest: install
	$(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)

## Set up and run the whole test suite (browser tests included; skip them with PYTEST_ARGS="-m 'not browser'").
test: install
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -n 2 -m "not browser and not celery_worker and not slow" $(PYTEST_ARGS)

bench: install
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.engine --tradelist benchmarks/data/tradelists/BR2024May.txt --max-len 0
	$(PY) -m benchmarks.engine --tradelist benchmarks/data/tradelists/RO2024May.txt --max-len 0
	$(PY) -m benchmarks.acceptance

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

## The Telegram bot (long polling; TELEGRAM_WEBHOOK_URL for a webhook). Needs TELEGRAM_BOT_TOKEN.
bot: migrate
	$(PY) manage.py runbot

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3 .pytest_cache
