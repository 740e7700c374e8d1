# Every target bootstraps what it needs from files in this repo: .venv from pyproject.toml +
# scripts/constraints.txt, npm tools from openapi/package.json + its lock file.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.bootstrapped
NODE_STAMP := openapi/node_modules/.bootstrapped

# Emulator settings (make emulator HOST=… PORT=… SCENARIO=… SPEED=… FAULTS='…' CONTROL_API=1; each also
# read from the environment variable of the same name)
HOST ?= 127.0.0.1
PORT ?= 8080
SCENARIO ?=
SPEED ?=
FAULTS ?=
CONTROL_API ?=
EMULATOR_AT = --host $(HOST) --port $(PORT) $(if $(SCENARIO),--scenario $(SCENARIO))
# Contract-suite settings (make contract BASE_URL=… MAX_EXAMPLES=… SEED=… RATE_LIMIT=… …): make passes variables
# given on its command line to the suite through the environment, where the suite reads each setting of its one
# table (contract_tests/settings/table.py; `python -m contract_tests.cli --help` and docs/contract-suite.md list them).

# Validating-proxy settings (make proxy UPSTREAM=… PORT=… RATE_LIMIT=… ALLOW_CHANGES=1 DURATION=… REPORTS_DIR=…;
# docs/proxy.md): rows of the suite's one table too, read from the environment as `make contract` reads its own. It
# listens on HOST, on 8081 unless PORT is given on make's command line (PORT in the environment moves `make
# emulator`, so the two run side by side) or PROXY_PORT is set.
PROXY_PORT ?= $(if $(filter command line,$(origin PORT)),$(PORT),8081)
# pytest-xdist workers of `make unit` and `make fast` (make test TEST_WORKERS=…: a number, auto, or 0 for one
# process). worksteal: each worker starts on a contiguous half of the tests (a module's fixtures are mostly built
# once) and takes over half of the other's remaining tests when it runs out, so the slow ones are spread.
TEST_WORKERS ?= 2
XDIST = -n $(TEST_WORKERS) --dist worksteal

export PATH := $(BIN):$(PATH)
export HYPOTHESIS_STORAGE_DIRECTORY := $(CURDIR)/.hypothesis

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml scripts/constraints.txt
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c scripts/constraints.txt --group dev
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e ./generated -e .
	touch $@

.PHONY: venv
venv: $(STAMP) ## Create .venv with the pinned tools and the SDK installed editable

$(NODE_STAMP): openapi/package.json openapi/package-lock.json
	cd openapi && DO_NOT_TRACK=1 SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: node-tools
node-tools: $(NODE_STAMP) ## Install the pinned npm tools (Redocly, Spectral, Prism, TypeScript …) locally

.PHONY: generate
generate: $(STAMP) ## Regenerate generated/ (and README.md's table of operations) from the spec, generator config, templates and openapi/sdk
	$(PY) -m scripts.generate

.PHONY: check-generated
check-generated: $(STAMP) ## Fail with a diff when generated/ is not what `make generate` produces
	$(PY) -m scripts.generate --check

.PHONY: lint-spec
lint-spec: $(STAMP) $(NODE_STAMP) ## Validate the spec (openapi-spec-validator; Redocly recommended rules, warnings fail too)
	$(BIN)/openapi-spec-validator openapi/dcs.yaml
	cd openapi && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		node_modules/.bin/redocly lint dcs.yaml --config redocly.yaml --format=stylish

.PHONY: lint
lint: $(STAMP) ## ruff and mypy --strict on hand-written code; the import-linter layer contracts; actionlint on CI
	$(BIN)/ruff check --config pyproject.toml .
	$(BIN)/ruff format --config pyproject.toml --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --config pyproject.toml --no-cache
	$(BIN)/actionlint .github/workflows/*.yml

.PHONY: unit
unit: $(STAMP) $(NODE_STAMP) ## Run the pytest suites (SDK, emulator, publishing, contract slice) over both cores
	$(PY) -m pytest $(XDIST)

.PHONY: fast
fast: $(STAMP) ## The Python-only tests in under a minute (no Node, no Java, no slow-marked test), over both cores
	$(PY) -m pytest $(XDIST) -m "not slow" --ignore=tests/publish

.PHONY: emulator
emulator: $(STAMP) ## Run the DCS emulator (HOST, PORT, SCENARIO, SPEED, FAULTS, CONTROL_API=1); prints the exports
	$(if $(filter-out 0 1,$(CONTROL_API)),$(error CONTROL_API must be 0 or 1, got '$(CONTROL_API)'))
	$(PY) -m contract_tests.emulator $(EMULATOR_AT) $(if $(SPEED),--speed '$(SPEED)') $(if $(FAULTS),--faults '$(FAULTS)') \
		$(if $(filter 1,$(CONTROL_API)),--enable-control-api)

.PHONY: emulator-env
emulator-env: $(STAMP) ## Print the export lines for the SDK, CLI and suite, to eval (HOST, PORT, SCENARIO)
	@$(PY) -m contract_tests.emulator $(EMULATOR_AT) --print-env

.PHONY: contract
contract: $(STAMP) ## Start the emulator (or use BASE_URL), run the whole contract suite, print the report
	$(PY) -m contract_tests.cli \
		|| { code=$$?; echo "make contract: the suite exited with code $$code (1 = failures or missing statuses, 2 = configuration, unreachable target or not the service)"; exit $$code; }

.PHONY: contract-merge
contract-merge: $(STAMP) ## Join runs' reports (REPORTS='dir1 dir2 …' or 'label=dir …': shards, targets) into reports/merged
	$(if $(strip $(REPORTS)),,$(error REPORTS must name the runs' REPORTS_DIRs, e.g. REPORTS='reports/shard-1 reports/shard-2'))
	$(PY) -m contract_tests.merge $(REPORTS) \
		|| { code=$$?; echo "make contract-merge: exit code $$code, the worst of the parts (2 also: parts missing or unreadable)"; exit $$code; }

.PHONY: proxy
proxy: $(STAMP) ## Serve the validating proxy on loopback, judging every exchange (UPSTREAM, PORT=8081, RATE_LIMIT, ALLOW_CHANGES=1, DURATION)
	$(PY) -m contract_tests.proxy --host $(HOST) --port $(PROXY_PORT) \
		|| { code=$$?; echo "make proxy: the proxy exited with code $$code (1 = findings, 2 = a bad setting or a port taken)"; exit $$code; }

.PHONY: publish-spec
publish-spec: $(STAMP) $(NODE_STAMP) ## Bundle the spec into dist/ as YAML and JSON named with info.version
	$(PY) -m scripts.publish bundle

.PHONY: publish-check
publish-check: $(STAMP) $(NODE_STAMP) ## Bundle, lint, breaking-change gate, generator matrix, reference page in Chromium
	$(PY) -m scripts.publish check

.PHONY: docs
docs: $(STAMP) $(NODE_STAMP) ## Build the offline HTML reference page into dist/ and test it in headless Chromium
	$(PY) -m scripts.publish docs

.PHONY: dist
dist: $(STAMP) ## Build the Python SDK's sdist and wheel into dist/sdk/ and run twine check
	$(PY) -m scripts.publish dist

.PHONY: publish-promote
publish-promote: $(STAMP) $(NODE_STAMP) ## Make the current spec the published baseline (openapi/published/) after the gate
	$(PY) -m scripts.publish promote

.PHONY: bench
bench: $(STAMP) $(NODE_STAMP) ## Run the benchmarks (SDK vs official SDK, emulator vs Prism, suite rates and workers, waiter vs fixed pollers)
	$(PY) -m scripts.bench_sdk
	$(PY) -m scripts.bench_emulator
	$(PY) -m scripts.bench_contract
	$(PY) -m scripts.bench_contract --workers
	$(PY) -m scripts.bench_waiter

.PHONY: test
test: lint-spec check-generated lint publish-check unit ## Run every check and test (what CI runs)

.PHONY: clean
clean: ## Remove build output and caches (keeps .venv)
	rm -rf dist .hypothesis .mypy_cache .ruff_cache reports
