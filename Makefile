# dualstack: `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)

TEMPLATE ?= dualstack-vpc
FILE ?=
REGIONS ?= ALL_REGIONS
LINT_ARGS ?=
STACK ?=
REGION ?=
PARAMS ?=

# Nothing from the calling shell may change which Python code runs.
unexport PYTHONPATH PYTHONHOME PYTHONSTARTUP PIP_REQUIRE_VIRTUALENV

.PHONY: help venv template test check lint typecheck pytest bench deploy verify lint-template lock clean

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

deploy: $(STAMP) ## aws cloudformation deploy: make deploy STACK=name REGION=region [PARAMS="Key=Value ..."] [TEMPLATE=dualstack-vpc]
	@[ -n "$(STACK)" ] || { echo "make deploy: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make deploy: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.precheck templates/$(TEMPLATE).yaml --region $(REGION) $(PARAMS)
	aws cloudformation deploy --template-file templates/$(TEMPLATE).yaml --stack-name $(STACK) \
		--region $(REGION) --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
		$(if $(strip $(PARAMS)),--parameter-overrides $(PARAMS))

verify: $(STAMP) ## Check a deployed stack, with evidence: make verify STACK=name REGION=region [JSON=1]
	@[ -n "$(STACK)" ] || { echo "make verify: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make verify: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.verify --stack "$(STACK)" --region "$(REGION)" $(if $(JSON),--json)

lint-template: $(STAMP) ## cfn-lint a template plus the dual-stack rules: make lint-template FILE=t.yaml [REGIONS=..] [LINT_ARGS=..]
	@[ -n "$(FILE)" ] || { echo "make lint-template: set FILE=<template file>" >&2; exit 2; }
	$(VENV)/bin/cfn-lint "$(FILE)" --append-rules dualstack/lint_rules --regions $(REGIONS) $(LINT_ARGS)

lock: ## Re-pin requirements.lock from pyproject.toml's pins (needs the package registry)
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	{ echo "# Every package of the development environment, pinned: \`make\` installs exactly these."; \
	  echo "# Regenerate after changing a pin in pyproject.toml: make lock"; \
	  $(VENV).lock/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock
	rm -rf $(VENV).lock

clean: ## Remove .venv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Mutation testing: mutmut, pinned in requirements-mutate.lock, in its own venv; not part of make test.
MUTATE_VENV := .venv-mutate
MUTATE_STAMP := $(MUTATE_VENV)/.installed-$(shell cat requirements.lock requirements-mutate.lock | cksum | cut -d' ' -f1)
#: The table of tier kinds, and the functions of verify.py that decide what a deployed stack must route where.
MUTANTS ?= 'dualstack.kinds.*' 'dualstack.verify.x__route_target*' 'dualstack.verify.x_routed_destinations*' \
	'dualstack.verify.x__default_routes*' 'dualstack.verify.x_target_output*' 'dualstack.verify.x_expected_routes*' \
	'dualstack.verify.x_route_problems*' 'dualstack.verify.x_dns64_check*'

$(MUTATE_STAMP): requirements.lock requirements-mutate.lock
	rm -rf $(MUTATE_VENV)
	$(PYTHON) -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock -r requirements-mutate.lock
	$(MUTATE_VENV)/bin/pip check --disable-pip-version-check >/dev/null
	touch $@

.PHONY: mutate
mutate: $(MUTATE_STAMP) ## Mutation testing of the tier-kind table and verify's expectations (mutmut; minutes)
	rm -rf mutants
	$(MUTATE_VENV)/bin/mutmut run $(MUTANTS)
	$(MUTATE_VENV)/bin/mutmut results --all true | grep -v ': not checked$$' > mutants/results.txt
	grep -v ': killed$$' mutants/results.txt || true
	awk -F': ' '{n[$$2]++} END {for (s in n) printf "%s: %d\n", s, n[s]}' mutants/results.txt
