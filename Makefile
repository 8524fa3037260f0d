# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint format bench install clean-var messages security

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## make run: embedded PostgreSQL + Redis (unless DATABASE_URL / REDIS_URL are set), migrate,
## demo data, then web + Celery worker + beat in the foreground. Ctrl-C stops everything.
run: $(STAMP)
	$(PY) -m ips.embedded run

## make test: the whole suite on PostgreSQL (DATABASE_URL, or the embedded one), in parallel
## (pytest-xdist, see ips/embedded.py); PYTEST_ARGS="-n 0 ..." runs it in one process.
test: $(STAMP)
	$(PY) -m ips.embedded test $(PYTEST_ARGS)

## mypy (django-stubs) imports ips.settings, which needs these; dummy values, no services used.
MYPY_ENV := DEBUG=true SECRET_KEY=mypy DATABASE_URL=postgres://mypy@localhost/mypy REDIS_URL=redis://localhost/0

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MYPY_ENV) $(VENV)/bin/mypy .
	$(VENV)/bin/djlint templates --lint

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make bench: national-scale benchmarks (see bench/README section in README.md).
bench: $(STAMP)
	$(PY) -m ips.embedded bench

## make security: static analysis (bandit). Medium+ severity and confidence fail the target; the
## reviewed low-confidence findings are listed in the README's Security section.
security: $(STAMP)
	$(VENV)/bin/bandit -q -r ips referrals participants employers fidelity -x '*/migrations/*' -ll -ii

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=static
	$(PY) manage.py compilemessages --ignore=.venv

clean-var:
	rm -rf var/
