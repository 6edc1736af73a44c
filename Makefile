# dualstack: `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_LOCK := requirements/runtime.lock
DEV_LOCK := requirements/dev.lock
# Stamps named after the locks' checksums: a changed lock means a fresh .venv.
RUNTIME := $(VENV)/.runtime-$(shell cksum < $(RUNTIME_LOCK) | cut -d' ' -f1)
DEV := $(VENV)/.dev-$(shell cat $(RUNTIME_LOCK) $(DEV_LOCK) | cksum | cut -d' ' -f1)
# Exact pins, nothing resolved: each lock lists every package it needs. -qq keeps errors, drops notices.
PIP_INSTALL := $(PY) -m pip install -qq --disable-pip-version-check --root-user-action=ignore --no-deps

TEMPLATE ?= dualstack-vpc
FILE ?=
REGIONS ?= ALL_REGIONS
LINT_ARGS ?=
STACK ?=
REGION ?=
PARAMS ?=
BENCH_ARGS ?=

# Nothing from the calling shell may change which Python code runs.
unexport PYTHONPATH PYTHONHOME PYTHONSTARTUP PIP_REQUIRE_VIRTUALENV

.PHONY: help venv dev template test check lint typecheck pytest bench deploy verify lint-template lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# What generating needs, and nothing else. Modules compile on first import instead of at install (faster overall).
$(RUNTIME): $(RUNTIME_LOCK)
	@echo "Installing into $(VENV) what generating needs: $$(grep -v '^#' $(RUNTIME_LOCK) | paste -sd' ')"
	@rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)
	@$(PIP_INSTALL) --no-compile -r $(RUNTIME_LOCK)
	@touch $@

# Development, tests, cfn-lint and make verify's boto3, on top of the runtime; an older set means a fresh .venv.
$(DEV): $(RUNTIME_LOCK) $(DEV_LOCK)
	@if ls $(VENV)/.dev-* >/dev/null 2>&1; then rm -rf $(VENV); fi
	@$(MAKE) -s --no-print-directory $(RUNTIME)
	@echo "Installing into $(VENV) the development and test tools of $(DEV_LOCK) ($$(grep -vc '^#' $(DEV_LOCK)) packages)"
	@$(PIP_INSTALL) -r $(DEV_LOCK)
	@$(PY) -m pip check --disable-pip-version-check >/dev/null
	@touch $@

venv: $(RUNTIME) ## Create .venv with what generating needs (requirements/runtime.lock)

dev: $(DEV) ## Add the development and test tools (requirements/dev.lock) to .venv

template: $(RUNTIME) ## Generate every shipped template, and a diagram of each, into templates/
	$(PY) generate.py

check: $(RUNTIME) ## Fail if templates/ (templates and diagrams) differs from what the code generates
	@echo "== drift check"
	$(PY) generate.py --check --diff

lint: $(DEV) ## ruff: lint and formatting
	@echo "== ruff"
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(RUNTIME) ## mypy, strict
	$(PY) -m mypy

pytest: $(DEV) ## pytest on every core, a line per test file (structure, intrinsics, cfn-lint in every region, CLI)
	@echo "== pytest"
	$(PY) -m pytest -n auto --dist worksteal --durations=5

test: lint typecheck check pytest ## The whole gate: ruff, mypy, drift check, then pytest with cfn-lint

bench: $(RUNTIME) ## Times as multiples of bare Python, sizes: make bench [BENCH_ARGS="--setup --test"] adds setup, tests
	$(PY) bench/bench.py $(BENCH_ARGS)

deploy: $(DEV) ## aws cloudformation deploy: make deploy STACK=name REGION=region [PARAMS="Key=Value ..."] [TEMPLATE=dualstack-vpc]
	@[ -n "$(STACK)" ] || { echo "make deploy: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make deploy: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.precheck templates/$(TEMPLATE).yaml --region $(REGION) $(PARAMS)
	aws cloudformation deploy --template-file templates/$(TEMPLATE).yaml --stack-name $(STACK) \
		--region $(REGION) --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
		$(if $(strip $(PARAMS)),--parameter-overrides $(PARAMS))

verify: $(DEV) ## Check a deployed stack, with evidence: make verify STACK=name REGION=region [JSON=1]
	@[ -n "$(STACK)" ] || { echo "make verify: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$(REGION)" ] || { echo "make verify: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	$(PY) -m dualstack.verify --stack "$(STACK)" --region "$(REGION)" $(if $(JSON),--json)

lint-template: $(DEV) ## cfn-lint a template plus the dual-stack rules: make lint-template FILE=t.yaml [REGIONS=..] [LINT_ARGS=..]
	@[ -n "$(FILE)" ] || { echo "make lint-template: set FILE=<template file>" >&2; exit 2; }
	$(VENV)/bin/cfn-lint "$(FILE)" --append-rules dualstack/lint_rules --regions $(REGIONS) $(LINT_ARGS)

lock: ## Re-pin requirements/*.lock from pyproject.toml's pins (needs the package registry)
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore .
	{ echo "# What \`make template\` installs: every package generating needs, pinned. Regenerate with make lock."; \
	  $(VENV).lock/bin/pip freeze --exclude dualstack | grep -v '^pip=='; } > $(RUNTIME_LOCK).new
	$(VENV).lock/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore -c $(RUNTIME_LOCK).new '.[dev]'
	{ echo "# What \`make test\` adds to $(RUNTIME_LOCK), pinned (make verify and lint-template too). Regenerate with make lock."; \
	  $(VENV).lock/bin/pip freeze --exclude dualstack | grep -v '^pip==' | grep -vxFf $(RUNTIME_LOCK).new; } > $(DEV_LOCK)
	mv $(RUNTIME_LOCK).new $(RUNTIME_LOCK)
	rm -rf $(VENV).lock build dualstack.egg-info

clean: ## Remove .venv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
