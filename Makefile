# The commands a newcomer types. Everything installs itself into .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast bench lint format install migrate worker beat clean serve loadtest

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog

## Set up and serve on 127.0.0.1:$(PORT) (ASGI, uvicorn). DEMO_DATA=0 skips the demo market.
run: migrate
	$(PY) manage.py compilemessages --ignore '.venv/*' >/dev/null 2>&1 || true
	$(PY) manage.py collectstatic --noinput >/dev/null
	$(PY) manage.py load_demo
	$(VENV)/bin/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off

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
	$(PY) -m pytest -n 2 -m "not browser and not celery_worker" $(PYTEST_ARGS)

bench: install
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.engine --tradelist benchmarks/data/tradelists/BR2024May.txt --max-len 0
	$(PY) -m benchmarks.engine --tradelist benchmarks/data/tradelists/RO2024May.txt --max-len 0

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

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
