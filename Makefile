# dualstack: `make help` lists the targets.
.DEFAULT_GOAL := help

# The variables a user sets (make deploy STACK=... REGION=...): see below for how they reach recipes.
USER_VARS := STACK REGION PARAMS TEMPLATE BUCKET FILE REGIONS LINT_ARGS JSON AWS FORCE FROM TO FROM_TEMPLATE STACKSET OUS \
	TARGET_REGIONS CALL_AS RETAIN_STACKS BENCH_ARGS MUTANTS PYTHON

# Every other variable is the Makefile's own, and some reach recipes as shell text (PY, VENV, PIP_INSTALL, ...): one
# set on the command line (make template 'PY=touch pwned;') is refused here, before anything is assigned or run,
# rather than run or silently dropped; each is assigned with `override`, so that `make -e` cannot bring one in from
# the environment either.
OWN_VARS_SET := $(strip $(foreach v,$(filter-out $(USER_VARS),$(.VARIABLES)),\
	$(if $(filter command line,$(origin $(v))),$(v))))
ifneq ($(OWN_VARS_SET),)
$(error make: error: $(firstword $(OWN_VARS_SET)) cannot be set (a misspelling, or the Makefile's own): the variables \
	to set are $(USER_VARS))
endif
override SHELL := /bin/bash

PYTHON ?= python3
override VENV := .venv
override PY := $(VENV)/bin/python
override RUNTIME_LOCK := requirements/runtime.lock
override DEV_LOCK := requirements/dev.lock
# Stamps named after the locks' checksums: a changed lock means a fresh .venv.
override RUNTIME := $(VENV)/.runtime-$(shell cksum < $(RUNTIME_LOCK) | cut -d' ' -f1)
override DEV := $(VENV)/.dev-$(shell cat $(RUNTIME_LOCK) $(DEV_LOCK) | cksum | cut -d' ' -f1)
# A venv without a pip of its own, filled by the interpreter's pip through `pip --python` (pip 22.3 and later):
# installing pip into each new venv took most of a fresh `make template` (make bench --setup). With an older pip,
# a venv with its own. `$(NEW_VENV) DIR` makes one; `$(PIP_IN) DIR ARGS` runs the pip that serves it.
# The version is read, not tried: `pip --python X --version` starts pip twice (about 1 s of CPU time).
override NEW_VENV := new_venv() { if "$$PYTHON" -c "$$PIP_HAS_PYTHON" 2>/dev/null; \
	then "$$PYTHON" -m venv --without-pip "$$1"; else "$$PYTHON" -m venv "$$1"; fi; }; new_venv
override PIP_HAS_PYTHON := import pip, sys; sys.exit(tuple(int(p) for p in pip.__version__.split(".")[:2]) < (22, 3))
export PIP_HAS_PYTHON
override PIP_IN := pip_in() { local venv="$$1"; shift; if [ -x "$$venv/bin/pip" ]; then "$$venv/bin/python" -m pip "$$@"; \
	else "$$PYTHON" -m pip --python "$$venv/bin/python" "$$@"; fi; }; pip_in
# Exact pins, nothing resolved: each lock lists every package it needs. -qq keeps errors, drops notices.
override PIP_FLAGS := -qq --disable-pip-version-check --root-user-action=ignore
override PIP_INSTALL := $(PIP_IN) $(VENV) install $(PIP_FLAGS) --no-deps

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
JSON ?=
AWS ?= aws
BENCH_ARGS ?=
BUCKET ?=
STACKSET ?=
OUS ?=
TARGET_REGIONS ?=
CALL_AS ?=
RETAIN_STACKS ?= true
# make mutate: the table of tier kinds, the functions of proofs/verify.py that decide what a deployed stack must route
# where, those of proofs/plan_rules.py (and plan.py's _forced and _at, which read create-only properties) that decide
# whether an update is refused, the subnet-size lookup that decides each subnet's address, and the evaluator's check
# that every mapping lookup resolves.
#: Patterns separated by spaces, unquoted: they reach mutmut as they are, never expanded by the shell.
MUTANTS ?= dualstack.model.kinds.* dualstack.proofs.verify.x__route_target* \
	dualstack.proofs.verify.x_routed_destinations* dualstack.proofs.verify.x__default_routes* \
	dualstack.proofs.verify.x__leads_out* \
	dualstack.proofs.verify.x_target_output* dualstack.proofs.verify.x_expected_routes* \
	dualstack.proofs.verify.x_route_problems* dualstack.proofs.verify.x_dns64_check* \
	dualstack.proofs.verify.x_interface_endpoint_problems* dualstack.proofs.verify.x_encryption_control_problems* \
	dualstack.proofs.plan_rules.x__holdings* dualstack.proofs.plan_rules.x__overlap* \
	dualstack.proofs.plan_rules.x__gateway_moves* dualstack.proofs.plan_rules.x__vpc_gateways* \
	dualstack.proofs.plan_rules.x__gateway_taken* dualstack.proofs.plan_rules.x__type_changes* \
	dualstack.proofs.plan_rules.x__block_in_use* dualstack.proofs.plan_rules.x__enforce_without_monitor* \
	dualstack.proofs.plan_rules.x__name_kept* dualstack.proofs.plan_rules.x__token_changes* \
	dualstack.proofs.plan.x__forced* dualstack.proofs.plan.x__at* \
	dualstack.builders.parameters.x_subnet_sizes* dualstack.builders.parameters.x_slot_key* \
	dualstack.builders.parameters.xǁParametersǁtier_ipv4_cidr_bits* \
	dualstack.builders.parameters.xǁParametersǁipv4_cidr_bits* dualstack.proofs.evaluate.x__find_in_map* \
	dualstack.proofs.evaluate.x__lookups* dualstack.proofs.evaluate.x__lookup_args* \
	dualstack.proofs.evaluate.x_remembered_lookups* dualstack.proofs.evaluate.xǁ_Evaluatorǁ_check_lookups* \
	dualstack.proofs.evaluate.xǁ_Evaluatorǁ_is_parameter*

# What a user passes (STACK, REGION, ...) reaches recipes only as environment variables, read as "$$STACK":
# never as text pasted into a shell line, so no value can run as a command. $(value) keeps a `$(...)` in a
# value literal instead of expanding it.
$(foreach v,$(USER_VARS),$(eval override $(v) := $$(value $(v))))
export $(USER_VARS)


# Nothing from the calling shell may change which Python code runs.
unexport PYTHONPATH PYTHONHOME PYTHONSTARTUP PIP_REQUIRE_VIRTUALENV
# Nor whether its bytecode is kept (in __pycache__, ignored by git): without it every run compiles troposphere and
# the package again, a third to a half of a generate.py run (make bench).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help venv dev template test check lint typecheck pytest bench plan deploy stackset verify lint-template lock \
	clean \
	python-version user-input aws-cli killtest

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# Preflight: a user value with a control character (a newline would end `read` early and drop what follows it; a
# carriage return hides text on a terminal) is refused in one line naming it, before anything is installed or run.
user-input:
	@for name in $(USER_VARS); do \
	  if [[ "$${!name}" == *[[:cntrl:]]* ]]; then \
	    echo "make: error: $$name contains a control character (a newline, tab or the like): give it on one line" >&2; \
	    exit 2; \
	  fi; \
	done
# PARAMS, FROM and TO hold Key=Value words only: an option among them (PARAMS='--stack prod') would reach the command
# after the ones the recipe passes and replace them. FORCE and JSON are switches: 1 or unset (FORCE=0 is not "no").
	@for name in PARAMS FROM TO; do \
	  read -ra words <<< "$${!name}"; \
	  for word in "$${words[@]}"; do \
	    if [[ "$$word" == -* ]]; then \
	      echo "make: error: $$name: $$word is not Key=Value (each option has a variable of its own: make help)" >&2; \
	      exit 2; \
	    fi; \
	  done; \
	done
	@for name in FORCE JSON; do \
	  if [[ -n "$${!name}" && "$${!name}" != 1 ]]; then \
	    echo "make: error: $$name=$${!name}: give $$name=1, or leave it unset" >&2; \
	    exit 2; \
	  fi; \
	done

# Preflight: what the machine lacks, said in one line before anything is installed or run.
python-version: user-input
	@command -v "$$PYTHON" >/dev/null || { echo "make: $$PYTHON not found: Python 3.11 or later is needed (set PYTHON=...)" >&2; exit 2; }
	@"$$PYTHON" -c 'import sys; sys.version_info >= (3, 11) or sys.exit(2)' || \
	  { echo "make: Python 3.11 or later is needed; $$PYTHON is $$("$$PYTHON" -V 2>&1) (set PYTHON=python3.11 or later)" >&2; exit 2; }

aws-cli: user-input
	@command -v "$$AWS" >/dev/null || \
	  { echo "make deploy: the AWS CLI ($$AWS) is not on PATH: install it (https://aws.amazon.com/cli/) or set AWS=/path/to/aws" >&2; exit 2; }

# What generating needs, and nothing else. Modules compile on first import instead of at install (faster overall:
# only what generating imports), and that bytecode is kept.
$(RUNTIME): $(RUNTIME_LOCK) | python-version
	@echo "Installing into $(VENV) what generating needs: $$(grep -v '^#' $(RUNTIME_LOCK) | paste -sd' ')"
	@rm -rf $(VENV) && $(NEW_VENV) $(VENV)
	@$(PIP_INSTALL) --no-compile -r $(RUNTIME_LOCK)
	@touch $@

# The runtime lock alone, in a venv of its own: the tests run the commands the docs show after `make template` here,
# where no development package can hide a missing one.
override RUNTIME_ONLY_VENV := .venv-runtime
override RUNTIME_ONLY := $(RUNTIME_ONLY_VENV)/.runtime-$(shell cksum < $(RUNTIME_LOCK) | cut -d' ' -f1)

$(RUNTIME_ONLY): $(RUNTIME_LOCK) | python-version
	@rm -rf $(RUNTIME_ONLY_VENV) && $(NEW_VENV) $(RUNTIME_ONLY_VENV)
	@$(PIP_IN) $(RUNTIME_ONLY_VENV) install $(PIP_FLAGS) --no-deps --no-compile -r $(RUNTIME_LOCK)
	@touch $@

# Development, tests, cfn-lint and make verify's boto3, on top of the runtime; an older set means a fresh .venv.
$(DEV): $(RUNTIME_LOCK) $(DEV_LOCK) | python-version
	@if ls $(VENV)/.dev-* >/dev/null 2>&1; then rm -rf $(VENV); fi
	@$(MAKE) -s --no-print-directory $(RUNTIME)
	@echo "Installing into $(VENV) the development and test tools of $(DEV_LOCK) ($$(grep -vc '^#' $(DEV_LOCK)) packages)"
	@$(PIP_INSTALL) -r $(DEV_LOCK)
	@$(PIP_IN) $(VENV) check --disable-pip-version-check >/dev/null
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

typecheck: $(DEV) ## mypy, strict
	$(PY) -m mypy

pytest: $(DEV) $(RUNTIME_ONLY) ## pytest on every core, a line per test file (structure, intrinsics, cfn-lint in every region, CLI)
	@echo "== pytest"
	$(PY) -m pytest -n auto --dist worksteal --durations=5

test: lint typecheck check pytest ## The whole gate: ruff, mypy, drift check, then pytest with cfn-lint

bench: $(RUNTIME) ## Times as multiples of bare Python, sizes: make bench [BENCH_ARGS="--setup --test"] adds setup, tests
	@read -ra args <<< "$$BENCH_ARGS"; "$(PY)" bench/bench.py "$${args[@]}"

killtest: $(RUNTIME) ## kill -9 generate.py 200 times at random moments: what each kill left, and what the next run did
	$(PY) bench/killtest.py 200

plan: $(RUNTIME) ## Plan an update offline: make plan REGION=region FROM="K=V ..." TO="K=V ..." (TO changes FROM) [TEMPLATE=..] [FROM_TEMPLATE=file]
	@read -ra from <<< "$$FROM"; read -ra to <<< "$$TO"; \
	  "$(PY)" -m dualstack plan "templates/$$TEMPLATE.yaml" --region "$${REGION:-us-east-1}" \
	    $${FROM_TEMPLATE:+--from-template "$$FROM_TEMPLATE"} \
	    $${from[0]+--from "$${from[@]}"} $${to[0]+--to "$${to[@]}"}

deploy: aws-cli $(RUNTIME) ## Plan, then aws cloudformation deploy: make deploy STACK=name REGION=region [PARAMS="Key=Value ..."] [TEMPLATE=..] [BUCKET=s3-bucket] [FORCE=1]
	@[ -n "$$STACK" ] || { echo "make deploy: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$$REGION" ] || { echo "make deploy: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	@read -ra params <<< "$$PARAMS"; \
	  "$(PY)" -m dualstack deploy --stack "$$STACK" --region "$$REGION" --template "templates/$$TEMPLATE.yaml" \
	    $${BUCKET:+--s3-bucket "$$BUCKET"} $${FORCE:+--force} -- "$${params[@]}"

stackset: aws-cli $(RUNTIME) ## Plan, then create or update a StackSet: make stackset STACKSET=name REGION=admin-region OUS=ou-..,.. TARGET_REGIONS=r1,r2 [PARAMS=..] [BUCKET=s3-bucket] [CALL_AS=DELEGATED_ADMIN] [RETAIN_STACKS=false] [FORCE=1]
	@[ -n "$$STACKSET" ] || { echo "make stackset: set STACKSET=<stack set name>" >&2; exit 2; }
	@[ -n "$$REGION" ] || { echo "make stackset: set REGION=<administration region, such as eu-west-1>" >&2; exit 2; }
	@read -ra params <<< "$$PARAMS"; \
	  "$(PY)" -m dualstack stackset --name "$$STACKSET" --region "$$REGION" --template "templates/$$TEMPLATE.yaml" \
	    --ous "$$OUS" --regions "$$TARGET_REGIONS" $${CALL_AS:+--call-as "$$CALL_AS"} --retain-stacks "$$RETAIN_STACKS" \
	    $${BUCKET:+--s3-bucket "$$BUCKET"} $${FORCE:+--force} -- "$${params[@]}"

verify: $(DEV) ## Check a deployed stack, with evidence: make verify STACK=name REGION=region [JSON=1]
	@[ -n "$$STACK" ] || { echo "make verify: set STACK=<stack name>" >&2; exit 2; }
	@[ -n "$$REGION" ] || { echo "make verify: set REGION=<region, such as eu-west-1>" >&2; exit 2; }
	@"$(PY)" -m dualstack verify --stack "$$STACK" --region "$$REGION" $${JSON:+--json}

lint-template: $(DEV) ## cfn-lint a template plus the dual-stack rules: make lint-template FILE=t.yaml [REGIONS=..] [LINT_ARGS=..]
	@[ -n "$$FILE" ] || { echo "make lint-template: set FILE=<template file>" >&2; exit 2; }
	@read -ra regions <<< "$$REGIONS"; read -ra args <<< "$$LINT_ARGS"; \
	  "$(PY)" -m dualstack lint "$$FILE" --regions "$${regions[@]}" -- "$${args[@]}"

lock: ## Re-pin requirements/*.lock from pyproject.toml's pins (needs the package registry)
	rm -rf $(VENV).lock && "$$PYTHON" -m venv $(VENV).lock
	$(VENV).lock/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore .
	{ echo "# What \`make template\` installs: every package generating needs, pinned. Regenerate with make lock."; \
	  $(VENV).lock/bin/pip freeze --exclude dualstack | grep -v '^pip=='; } > $(RUNTIME_LOCK).new
	$(VENV).lock/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore -c $(RUNTIME_LOCK).new '.[dev]'
	{ echo "# What \`make test\` adds to $(RUNTIME_LOCK), pinned (make verify and lint-template too). Regenerate with make lock."; \
	  $(VENV).lock/bin/pip freeze --exclude dualstack | grep -v '^pip==' | grep -vxFf $(RUNTIME_LOCK).new; } > $(DEV_LOCK)
	mv $(RUNTIME_LOCK).new $(RUNTIME_LOCK)
	rm -rf $(VENV).lock build dualstack.egg-info

.PHONY: compat
compat: python-version ## Install this repository as a user would (at the lowest and the highest versions pyproject.toml allows; from an sdist and a git URL) and run it (needs the package registry)
	"$$PYTHON" tests/compat.py lowest
	"$$PYTHON" tests/compat.py highest
	"$$PYTHON" tests/compat.py sources

.PHONY: cfn-data
cfn-data: $(DEV) ## Write dualstack/model/cfndata.json (regions, zones, create-only properties) from the pinned cfn-lint
	$(PY) -m dualstack.commands.cfndata --write

clean: ## Remove the venvs, build/, mutants/ and caches
	rm -rf $(VENV) $(RUNTIME_ONLY_VENV) $(MUTATE_VENV) $(SCAN_VENV) build mutants dualstack.egg-info .pytest_cache \
	  .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Mutation testing: mutmut, pinned in requirements/mutate.lock, in its own venv; not part of make test.
override MUTATE_LOCK := requirements/mutate.lock
override MUTATE_VENV := .venv-mutate
override MUTATE_STAMP := $(MUTATE_VENV)/.installed-$(shell cat $(RUNTIME_LOCK) $(DEV_LOCK) $(MUTATE_LOCK) | cksum | cut -d' ' -f1)

$(MUTATE_STAMP): $(RUNTIME_LOCK) $(DEV_LOCK) $(MUTATE_LOCK) | python-version
	rm -rf $(MUTATE_VENV)
	"$$PYTHON" -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore --no-deps \
		-r $(RUNTIME_LOCK) -r $(DEV_LOCK) -r $(MUTATE_LOCK)
	$(MUTATE_VENV)/bin/pip check --disable-pip-version-check >/dev/null
	touch $@

.PHONY: mutate
mutate: $(MUTATE_STAMP) ## Mutation testing of the tier-kind table, verify's expectations and plan's verdicts (mutmut; minutes)
	rm -rf mutants
	read -ra mutants <<< "$$MUTANTS"; $(MUTATE_VENV)/bin/mutmut run "$${mutants[@]}"
	$(MUTATE_VENV)/bin/mutmut results --all true | grep -v ': not checked$$' > mutants/results.txt
	grep -v ': killed$$' mutants/results.txt || true
	awk -F': ' '{n[$$2]++} END {for (s in n) printf "%s: %d\n", s, n[s]}' mutants/results.txt

# make scan: checkov, pinned in requirements/scan.lock, in its own venv; not part of make test.
override SCAN_LOCK := requirements/scan.lock
override SCAN_VENV := .venv-scan
override SCAN_STAMP := $(SCAN_VENV)/.installed-$(shell cksum < $(SCAN_LOCK) | cut -d' ' -f1)

$(SCAN_STAMP): $(SCAN_LOCK) | python-version
	rm -rf $(SCAN_VENV)
	"$$PYTHON" -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore --no-deps -r $(SCAN_LOCK)
	$(SCAN_VENV)/bin/pip check --disable-pip-version-check >/dev/null
	touch $@

# make scan also runs AWS Control Tower's guard rules with cfn-guard: both pinned in scan/package-lock.json (npm).
override GUARD_STAMP := scan/node_modules/.installed-$(shell cksum < scan/package-lock.json | cut -d' ' -f1)

$(GUARD_STAMP): scan/package-lock.json scan/package.json
	@command -v npm >/dev/null || { echo "make scan: npm is not on PATH: install Node.js 16.14 or later (npm)" >&2; exit 2; }
	rm -rf scan/node_modules
	cd scan && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: scan scan-lock
scan: $(RUNTIME) $(SCAN_STAMP) $(GUARD_STAMP) ## checkov and Control Tower's cfn-guard rules over every shipped template rendered for the compliant parameter set
	rm -rf build/scan
	$(PY) -m dualstack compliant build/scan
	$(SCAN_VENV)/bin/checkov --config-file scan/checkov.yaml --directory build/scan
	scan/guard.sh build/scan

scan-lock: ## Re-pin requirements/scan.lock from its checkov pin (needs the package registry)
	rm -rf $(SCAN_VENV).lock && "$$PYTHON" -m venv $(SCAN_VENV).lock
	$(SCAN_VENV).lock/bin/pip install -qq --disable-pip-version-check --root-user-action=ignore checkov==3.3.30
	{ echo "# Every package of make scan's environment ($(SCAN_VENV)), pinned: checkov and what it needs, apart from"; \
	  echo "# the development environment. Regenerate after changing the checkov pin: make scan-lock"; \
	  $(SCAN_VENV).lock/bin/pip freeze | grep -v '^pip=='; } > $(SCAN_LOCK)
	rm -rf $(SCAN_VENV).lock
