# Two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhigui
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
# Settings fail closed (production) unless DJANGO_DEBUG=true: the development
# targets below run in the embedded mode; `make prod-check` sets false itself.
DJANGO_DEBUG ?= true
export DJANGO_DEBUG

.PHONY: install run test lint format migrate seed prod-check bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "执规通 running at http://127.0.0.1:$${PORT:-8000}/  (worker and beat included; Ctrl-C stops all)"
	$(VENV)/bin/honcho start -f Procfile.dev

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Plain run: SQLite and eager Celery; tests marked postgres/redis skip, saying why.
# Under CI=true the SQLite run leaves those out and the whole suite runs a second
# time on PostgreSQL + Redis, where a marked test fails rather than skips.
test: lint
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
ifeq ($(CI),true)
	$(VENV)/bin/pytest -q -m "not postgres and not redis"
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(VENV)/bin/pytest -q
else
	$(VENV)/bin/pytest -q
endif

# Production stack end to end: gunicorn + worker + beat with DJANGO_DEBUG=false on
# PostgreSQL and Redis (PG_URL, REDIS_TEST_URL); logs in, launches a project and
# waits for its 告知单 to be delivered (tests/config/test_prod_check.py).
prod-check: install
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(VENV)/bin/pytest -q -p no:cacheprovider tests/config/test_prod_check.py

# Performance benchmark (issue 13): drops and recreates its own PostgreSQL
# database zhigui_bench, builds one district, then a city (15 districts; a
# province of 150 with BENCH_SCALE=province) with `seed_scale`, and prints per
# scale each request's rows, queries, p50/p95 and ratio to a raw-SQL floor,
# plus the daily scan and a round's proposal and publication (only at the scales
# listed in BENCH_ROUND_SCALES, default all). JSON in var/.
BENCH_DB_URL ?= postgres://postgres@127.0.0.1:5432/zhigui_bench
BENCH_SCALE ?= city
BENCH_RUNS ?= 20
bench: install
	PYTHONUNBUFFERED=1 DATABASE_URL=$(BENCH_DB_URL) REDIS_URL=$${REDIS_URL:-$(REDIS_TEST_URL)} \
		$(PY) manage.py bench --scale $(BENCH_SCALE) --runs $(BENCH_RUNS)
