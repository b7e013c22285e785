# The two commands of the README: `make run` and `make test`. Everything they need is installed here,
# so a fresh clone works with nothing installed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app marketplace
HOST ?= 127.0.0.1
PORT ?= 5000
DEV_ENV := MARKETPLACE_ENV=development SESSION_COOKIE_SECURE=0 PUBLIC_URL=http://$(HOST):$(PORT)

.PHONY: run test install assets migrate seed chromium redis wrk lint bench fuzz clean

run: install
	$(DEV_ENV) $(FLASK) db upgrade
	$(DEV_ENV) $(FLASK) seed demo --if-empty
	$(DEV_ENV) $(FLASK) search sync
	@echo
	@$(DEV_ENV) $(FLASK) seed logins
	@echo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(DEV_ENV) BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: install chromium redis
	$(BIN)/ruff check .
	$(BIN)/python -m tools.security_lint
	$(BIN)/pytest -n 2

install: $(VENV)/.installed static/dist/.built

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: static/dist/.built

static/dist/.built: node_modules/.installed static/src/app.scss $(wildcard static/js/*.js)
	mkdir -p static/dist
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
		--load-path=node_modules/govuk-frontend/dist static/src/app.scss static/dist/app.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/dist/
	cp static/js/*.js static/dist/
	touch $@

# Debian's Chromium drives the browser tests (Playwright cannot download its own browsers here).
chromium:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
		apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }; }
	@test -x /usr/bin/chromium || { echo "chromium is missing: run 'apt-get install -y chromium' as root"; exit 1; }

# wrk (Debian) loads the search page in the speed bench.
wrk:
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || \
		{ apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }

# Debian's redis-server for the multi-host tests (tests/ops start their own on a free port).
redis:
	@test -x /usr/bin/redis-server || { echo "Installing Debian's redis-server for the multi-host tests"; \
		apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }; }
	@test -x /usr/bin/redis-server || { echo "redis-server is missing: run 'apt-get install -y redis-server' as root"; exit 1; }

migrate: install
	$(DEV_ENV) $(FLASK) db upgrade

# The long runs: relevance and speed of search at 100,000 opportunities, then load and faults on
# the demo world scaled 10x (bench/load.py, bench/faults.py; about 60 s of load each). Each prints
# its figures; BENCH_DATABASE_URL=postgresql+psycopg://... runs them on PostgreSQL, where faults
# also stops and starts a throwaway PostgreSQL under load, and pg_backup dumps and restores.
BENCH_SECONDS ?= 60
bench: install wrk
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	MARKETPLACE_ENV=development $(BIN)/python -m bench.relevance
	MARKETPLACE_ENV=development $(BIN)/python -m bench.search_speed
	$(BIN)/python -m bench.load --seconds $(BENCH_SECONDS)
	$(BIN)/python -m bench.faults --seconds $(BENCH_SECONDS)
	case "$$BENCH_DATABASE_URL" in postgresql*) $(BIN)/python -m bench.pg_backup;; esac
	$(MAKE) fuzz

# The long fuzz: a thousand hostile examples per form and import (make test runs 200 each, so it
# stays within its time budget with every form of every feature fuzzed).
FUZZ_EXAMPLES_LONG ?= 1000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES_LONG) $(BIN)/pytest -n 2 tests/fuzz

lint: install
	$(BIN)/ruff check .
	$(BIN)/python -m tools.security_lint

clean:
	rm -rf static/dist node_modules $(VENV)
