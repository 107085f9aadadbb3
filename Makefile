# One task runner: `make run` serves the app, `make test` runs every test tier.
# Both create .venv and install pinned packages and the project when missing, so a fresh clone
# needs nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
MUTANT_JOBS ?= $(shell nproc)
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
ZBARIMG := /usr/bin/zbarimg
REDIS := /usr/bin/redis-server

.PHONY: run test test-unit test-app test-e2e lint schema bench mutants load system-packages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The project itself goes in editable, after its pinned requirements: that installs the
# `whatif` command, and `python -m whatif` works from any directory. --no-deps: the pins
# above are the dependencies, already there.
$(VENV)/.app-installed: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet -e . --no-deps
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet -e . --no-deps
	touch $@ $(VENV)/.app-installed

run: $(VENV)/.app-installed
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT)

# Debian's Chromium for the browser tier (nothing downloads a browser of its own),
# Debian's nginx for the scale-out tests, zbar-tools to read the presentation view's
# QR code from a screenshot, and redis-server for the room bus's tests. The nginx
# package starts its default site on port 80 when installed (and redis-server may
# start on 6379); the tests run their own on free ports, so those are stopped.
system-packages:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="chromium"; \
	[ -x $(NGINX) ] || missing="$$missing nginx"; \
	[ -x $(ZBARIMG) ] || missing="$$missing zbar-tools"; \
	[ -x $(REDIS) ] || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    case "$$missing" in *nginx*) $(NGINX) -s quit 2>/dev/null || true;; esac; \
	    case "$$missing" in *redis-server*) redis-cli -p 6379 shutdown nosave 2>/dev/null || true;; esac; \
	  else \
	    echo "missing:$$missing: run 'sudo apt-get install -y$$missing'"; exit 1; \
	  fi; \
	fi

test: $(VENV)/.dev-installed system-packages
	$(PY) -m pytest tests/unit tests/app tests/e2e

test-unit: $(VENV)/.dev-installed
	$(PY) -m pytest tests/unit

test-app: $(VENV)/.dev-installed
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.dev-installed system-packages
	$(PY) -m pytest tests/e2e

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Regenerate the JSON Schemas after changing the Scenario fields or the price book's shape.
schema: $(VENV)/.app-installed
	$(PY) -m whatif.schema preset > assets/preset.schema.json
	$(PY) -m whatif.schema pricebook > assets/pricebook.schema.json

bench: $(VENV)/.dev-installed system-packages
	$(PY) -m bench

# Mutation testing of the core, not part of `make test` (figures in docs/testing.md):
# mutmut mutates the whatif/ modules pyproject's [tool.mutmut] names, in a copy
# of the tree under mutants/, runs tests/unit and tests/app against each mutant, and keeps
# the verdicts there, so a second run only redoes what changed. Then the score per module.
mutants: $(VENV)/.dev-installed
	$(VENV)/bin/mutmut run --max-children $(MUTANT_JOBS)
	$(PY) -m bench.mutants

# A whole meeting at once: 20 browser sessions on one share link, through nginx to two
# replicas; then a room that follows its presenter (1 presenter and 30 follower pages),
# and a room's feed with 200 listeners (figures in docs/performance.md).
load: $(VENV)/.dev-installed system-packages
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis artifacts mutants
