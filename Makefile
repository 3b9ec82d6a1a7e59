# Neue Wege. `make run` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NEUEWEGE := $(BIN)/neuewege
export NEUEWEGE_CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1:8000
# tests run in parallel, one process per core (pytest-xdist); TEST_WORKERS=1 for one
TEST_WORKERS ?= auto
# Build steps (translations, static files) read the settings but sign nothing: they run without
# NEUEWEGE_SECRET_KEY, with a key that only they use. Serving always needs a real key (or
# NEUEWEGE_DEBUG=1, as `make run` sets).
BUILD_ENV := NEUEWEGE_SECRET_KEY=$${NEUEWEGE_SECRET_KEY:-build-step-signs-nothing}

.PHONY: run setup test lint test-sqlite test-postgres fuzz bench bench-pages bench-rush bench-groups bench-coverage messages clean

run: setup
	NEUEWEGE_DEBUG=1 $(NEUEWEGE) demo --scale demo
	@echo "Neue Wege runs on http://$(HOST)/ (stop with Ctrl+C)"
	NEUEWEGE_DEBUG=1 $(NEUEWEGE) runserver $(HOST)

setup: $(VENV)/.installed node_modules/.installed src/neuewege/locale/de/LC_MESSAGES/django.mo static/.collected
	NEUEWEGE_DEBUG=1 $(NEUEWEGE) migrate --no-input -v 0

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20 or newer) is needed"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/neuewege/locale/de/LC_MESSAGES/django.mo: $(VENV)/.installed $(wildcard src/neuewege/locale/*/LC_MESSAGES/django.po)
	@command -v msgfmt >/dev/null || { echo "msgfmt is needed: apt-get install gettext"; exit 1; }
	cd src/neuewege && $(BUILD_ENV) ../../$(NEUEWEGE) compilemessages -v 0

static/.collected: $(VENV)/.installed node_modules/.installed $(shell find src/neuewege/static -type f)
	$(BUILD_ENV) $(NEUEWEGE) collectstatic --no-input -v 0
	touch $@

messages: $(VENV)/.installed
	cd src/neuewege && $(BUILD_ENV) ../../$(NEUEWEGE) makemessages -l de -l en -l tr -l ar -l uk -l ru -l pl --no-obsolete --add-location file

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check --quiet src tests bench
	$(BIN)/lint-imports --no-cache --no-logo

test: setup lint
	@test -x "$(NEUEWEGE_CHROMIUM)" || { echo "Chromium is needed for the browser tests: apt-get install -y chromium (or set NEUEWEGE_CHROMIUM)"; exit 1; }
	$(BIN)/pytest -q -n $(TEST_WORKERS) -m "not postgres and not redis"
	@if [ -n "$$NEUEWEGE_TEST_POSTGRES_URL" ]; then \
	  echo "== the suite again on PostgreSQL"; \
	  if [ -n "$$NEUEWEGE_TEST_REDIS_URL" ]; then markers="not browser"; \
	  else markers="not browser and not redis"; \
	    echo "NEUEWEGE_TEST_REDIS_URL is not set: the Redis tests are left out (CI always runs them)"; fi; \
	  DATABASE_URL="$$NEUEWEGE_TEST_POSTGRES_URL" $(BIN)/pytest -q -n $(TEST_WORKERS) -m "$$markers" && \
	  $(MAKE) --no-print-directory fuzz; \
	else echo "NEUEWEGE_TEST_POSTGRES_URL is not set: PostgreSQL run and fuzzing skipped (CI always runs them)"; fi

# schemathesis against the running application (gunicorn on a free port of 127.0.0.1, the demo
# data in its own PostgreSQL database <name>_fuzz next to NEUEWEGE_TEST_POSTGRES_URL's)
fuzz: setup
	$(BIN)/python -m tests.api.fuzz

# SCALE=germany: the same on the Germany-scale dataset (neuewege_bench_germany; not in CI)
bench: setup
	$(BIN)/python bench/run.py

# the page benchmark alone, on the state dataset: BENCH_ONLY=start_coordinator,event_search …
# (SCALE=germany: on the Germany-scale one, compared with the state's last results)
bench-pages: setup
	$(BIN)/python -m bench.pages

# the booking rush alone, on the state dataset: bench/rush.py
bench-rush: setup
	$(BIN)/python -m bench.rush

# the training-groups solver alone (no server, no database): bench/training_groups.py
bench-groups: $(VENV)/.installed
	$(BIN)/python -m bench.training_groups

# the speaker and coverage planner alone (no server, no database): bench/coverage.py
bench-coverage: $(VENV)/.installed
	$(BIN)/python -m bench.coverage

clean:
	rm -rf $(VENV) node_modules static var
