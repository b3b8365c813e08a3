# Polku: `make run` for a working local Polku, `make test` for the whole test suite.
# Needs only Python 3.11 and git; everything else goes into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv run migrate data test test-fast lint format messages bench bench-scan lock clean

help:
	@echo "make run        set up and start Polku (web + Celery worker with beat) on http://$(HOST):$(PORT)/"
	@echo "make test       run the whole test suite (browser tests need Debian's chromium)"
	@echo "make lint       ruff check, ruff format --check, mypy and the import layers"
	@echo "make format     format the code with ruff"
	@echo "make messages   extract and compile translations (needs gettext)"
	@echo "make bench      national-scale benchmark on PostgreSQL (docs/performance.md)"
	@echo "make bench-scan the reminder scan over 100,000 cases on PostgreSQL"
	@echo "make lock       regenerate requirements*.lock from pyproject.toml"

$(BIN)/.installed: requirements-dev.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Polku needs Python 3.11, not " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed

migrate: venv
	$(MANAGE) migrate --noinput

data: migrate
	$(MANAGE) load_reference_data
	$(MANAGE) load_defaults
	$(MANAGE) seed_demo

run: data
	@scripts/run.sh "$(BIN)" "$(HOST)" "$(PORT)"

# One worker a core, at most four (each has a database and a browser of its own); a
# module's tests stay on one worker, so that its module world is built once.
XDIST := -n auto --maxprocesses 4 --dist loadscope

test: venv
	$(BIN)/pytest $(XDIST)

test-fast: venv
	$(BIN)/pytest $(XDIST) -m "not browser and not realworker"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: venv
	$(MANAGE) makemessages -l fi -l sv -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

BENCH_DATABASE_URL ?= postgres://polku@127.0.0.1:5432/polku_bench

bench: venv
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'polku_bench'" | grep -q 1 \
		|| psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE polku_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py

bench-scan: venv
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'polku_bench'" | grep -q 1 \
		|| psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE polku_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/scan.py

lock:
	$(PYTHON) scripts/lock.py

clean:
	rm -rf $(VENV) var db.sqlite3
