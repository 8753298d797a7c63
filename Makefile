# Everything runs from a project virtualenv that this Makefile creates (Python >= 3.11).
PYTHON ?= python3
VENV := .venv
VENV313 := .venv313
BIN := $(VENV)/bin
PORT ?= 3000
export PYTHONPATH := $(CURDIR):$(CURDIR)/functions:$(CURDIR)/layers/cart_core

.PHONY: install local test test313 lint invoke bench fuzz openapi admin build deploy clean

$(VENV)/.installed: requirements-dev.txt layers/cart_core/requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

## Run the whole service on http://127.0.0.1:$(PORT) with the demo fixture (no Docker).
local: install
	PORT=$(PORT) $(BIN)/python -m local.cloud

## Lint the template and the code, then run every test (unit, integration, end-to-end, and the harness:
## OpenAPI drift, a bounded schemathesis pass over every face, isolation matrices, concurrency); then
## the unit and integration tests again on Python 3.13 (test313).
test: install lint
	$(BIN)/python -m pytest
	@$(MAKE) --no-print-directory test313

## The unit and integration tests on Python 3.13, the functions' runtime on Lambda, in a second
## virtualenv (.venv313, same requirements) when scripts/python313-dir finds an interpreter; without
## one, a line says so and this passes (docs/testing.md: how to get one).
test313:
	@if dir=$$(scripts/python313-dir 2>/dev/null); then \
		$(MAKE) --no-print-directory PY313="$$dir/python3.13" $(VENV313)/.installed || exit 1; \
		echo "make test: the unit and integration tests again on $$($(VENV313)/bin/python -V) (Lambda's runtime)"; \
		$(VENV313)/bin/python -m pytest tests/unit tests/integration; \
	else \
		echo "make test: NO PYTHON 3.13 FOUND: the tests ran on $$($(BIN)/python -V) only, not on Lambda's 3.13 (scripts/python313-dir; docs/testing.md)"; \
	fi

$(VENV313)/.installed: requirements-dev.txt layers/cart_core/requirements.txt
	@test -n "$(PY313)" || { echo "make: $(VENV313) needs PY313=/path/to/python3.13 (make test313 finds one)" >&2; exit 1; }
	$(PY313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install -q --upgrade pip
	$(VENV313)/bin/python -m pip install -q -r requirements-dev.txt
	@touch $@

lint: install
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff check .
	$(BIN)/mypy

## make invoke FN=BlazeCartFunction EVENT=events/blaze_cart/active.json: one function, one event, against a
## provisioned local environment with the sample's records seeded. Alone: lists every sample's command.
invoke: install
	@$(BIN)/python -m local.invoke $(FN) $(EVENT)

## Ratios against bare baselines, same run: warm BLAZE endpoints vs a boto3-only handler, scaling to 100 lines,
## cold start per function, HTTP through the local cloud, contention, the Medusa hot calls beside Medusa 1.20.10
## through medusa-js (Node; docs/performance.md). About 5 min on 2 cores.
bench: install
	$(BIN)/python -m bench.run

## The long fuzz: schemathesis with every check over every face's committed OpenAPI, through the
## local cloud (FUZZ_EXAMPLES=200, FUZZ_SEED unset = a new seed each run). `make test` runs a bounded one.
fuzz: install
	$(BIN)/python -m local.fuzz

## Regenerate docs/openapi/<Face>.json from the code (commit the result; `make test` fails on drift).
openapi: install
	$(BIN)/python -m local.openapi

## make admin ARGS='tenant mystore "My Store"' provisions the running local cloud (found by itself);
## ARGS='--table T [--region R] tenant …' any other target. No ARGS: usage.
admin: install
	@$(BIN)/python -m cart_core.admin $(ARGS)

## sam build / deploy need the AWS SAM CLI; it lives in its own virtualenv so its pins stay out of ours.
$(VENV)-sam/.installed:
	$(PYTHON) -m venv $(VENV)-sam
	$(VENV)-sam/bin/python -m pip install -q aws-sam-cli
	@touch $@

## sam build needs a python3.13 (the functions' runtime) on PATH: scripts/python313-dir finds the
## machine's (PATH, pyenv, uv; PYTHON313=/path overrides) or says in one line what is missing, before
## anything is installed. Then every module in the artifacts gets its 3.13 bytecode
## (scripts/compile-bytecode; docs/performance.md, Bytecode): Lambda cannot write it at cold start.
build:
	@scripts/python313-dir >/dev/null
	@$(MAKE) --no-print-directory $(VENV)-sam/.installed
	PATH="$$(scripts/python313-dir):$$PATH" $(VENV)-sam/bin/sam build
	scripts/compile-bytecode .aws-sam/build

deploy: build
	$(VENV)-sam/bin/sam deploy --config-env $(or $(ENV),dev)

clean:
	rm -rf $(VENV) $(VENV)-sam .aws-sam .schemathesis .pytest_cache .hypothesis .ruff_cache .mypy_cache $(VENV313)
