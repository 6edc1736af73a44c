# dualstack: `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
# make scan's checkov lives apart: its own pins, its own venv, not part of make test.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed-$(shell cksum < scan/requirements.lock | cut -d' ' -f1)

TEMPLATE ?= dualstack-vpc
FILE ?=
REGIONS ?= ALL_REGIONS
LINT_ARGS ?=
STACK ?=
REGION ?=
PARAMS ?=
FORCE ?=
FROM ?=
TO ?=
FROM_TEMPLATE ?=

# Nothing from the calling shell may change which Python code runs.
unexport PYTHONPATH PYTHONHOME PYTHONSTARTUP PIP_REQUIRE_VIRTUALENV

.PHONY: help venv template test check lint typecheck pytest bench plan deploy verify lint-template lock scan scan-lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip check --disable-pip-version-check >/dev/null
	touch $@

venv: $(STAMP) ## Create .venv with the pinned dependencies of requirements.lock

template: $(STAMP) ## Generate every shipped template into templates/
	$(PY) generate.py

check: $(STAMP) ## Fail if templates/ differs from what the code generates
	$(PY) generate.py --check --diff

lint: $(STAMP) ## ruff: lint and formatting
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP) ## mypy, strict
	$(PY) -m mypy

pytest: $(STAMP) ## pytest only (structure, intrinsics, cfn-lint in every region, CLI)
	$(PY) -m pytest

test: lint typecheck check pytest ## The whole gate: ruff, mypy, drift check, then pytest with cfn-lint

bench: $(STAMP) ## Build time, generate.py time, bytes and resources of each shipped template
	$(PY) bench/bench.py

plan: $(STAMP) ## Plan an update offline: make plan REGION=region FROM="K=V ..." TO="K=V ..." [TEMPLATE=..] [FROM_TEMPLATE=file]
	$(PY) -m dualstack.plan templates/$(TEMPLATE).yaml --region "$(or $(REGION),us-east-1)" \
		$(if $(FROM_TEMPLATE),--from-template "$(FROM_TEMPLATE)") \
		$(if $(strip $(FROM)),--from $(FROM)) $(if $(strip $(TO)),--to $(TO))

deploy: $(STAMP) ## Plan, then aws cloudformation deploy: make deploy STACK=name REGION=region [PARAMS="Key=Value ..."] [TEMPLATE=..] [FORCE=1]
	@[ -n "$(STACK)" ] || { echo "make deploy: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make deploy: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.precheck templates/$(TEMPLATE).yaml --region $(REGION) $(PARAMS)
	$(PY) -m dualstack.deploy --stack "$(STACK)" --region "$(REGION)" --template templates/$(TEMPLATE).yaml \
		$(if $(FORCE),--force) $(PARAMS)

verify: $(STAMP) ## Check a deployed stack, with evidence: make verify STACK=name REGION=region [JSON=1]
	@[ -n "$(STACK)" ] || { echo "make verify: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make verify: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.verify --stack "$(STACK)" --region "$(REGION)" $(if $(JSON),--json)

lint-template: $(STAMP) ## cfn-lint a template plus the dual-stack rules: make lint-template FILE=t.yaml [REGIONS=..] [LINT_ARGS=..]
	@[ -n "$(FILE)" ] || { echo "make lint-template: set FILE=<template file>" >&2; exit 2; }
	$(VENV)/bin/cfn-lint "$(FILE)" --append-rules dualstack/lint_rules --regions $(REGIONS) $(LINT_ARGS)

$(SCAN_STAMP): scan/requirements.lock
	rm -rf $(SCAN_VENV)
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r scan/requirements.lock
	$(SCAN_VENV)/bin/pip check --disable-pip-version-check >/dev/null
	touch $@

scan: $(STAMP) $(SCAN_STAMP) ## checkov over every shipped template rendered for the compliant parameter set (own venv)
	rm -rf build/scan
	$(PY) -m dualstack.compliant build/scan
	$(SCAN_VENV)/bin/checkov --config-file scan/checkov.yaml --directory build/scan

scan-lock: ## Re-pin scan/requirements.lock from the checkov pin below (needs the package registry)
	rm -rf $(SCAN_VENV).lock && $(PYTHON) -m venv $(SCAN_VENV).lock
	$(SCAN_VENV).lock/bin/pip install --quiet --disable-pip-version-check checkov==3.3.30
	{ echo "# Every package of make scan's environment (.venv-scan), pinned: checkov and what it needs, apart from"; \
	  echo "# the development environment. Regenerate after changing the checkov pin: make scan-lock"; \
	  $(SCAN_VENV).lock/bin/pip freeze | grep -v '^pip=='; } > scan/requirements.lock
	rm -rf $(SCAN_VENV).lock

lock: ## Re-pin requirements.lock from pyproject.toml's pins (needs the package registry)
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	{ echo "# Every package of the development environment, pinned: \`make\` installs exactly these."; \
	  echo "# Regenerate after changing a pin in pyproject.toml: make lock"; \
	  $(VENV).lock/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock
	rm -rf $(VENV).lock

clean: ## Remove .venv and caches
	rm -rf $(VENV) $(SCAN_VENV) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
