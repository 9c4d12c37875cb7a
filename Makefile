# Acogida — the front door. `make help` lists the targets.
#
#   make demo    the platform end to end on the local AWS emulator (the main job)
#   make test    every test, lint and scan; what CI runs
#
# Tool locations come from config/toolchain.env; an environment variable of the same name wins
# (e.g. `MOTO_PORT=5055 make demo`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
BIN := $(VENV)/bin
TF_PROVIDER_MIRROR ?= $(shell sed -n 's/^TF_PROVIDER_MIRROR=//p' config/toolchain.env)
MOTO_PORT ?= $(shell sed -n 's/^MOTO_PORT=//p' config/toolchain.env)
export TF_PROVIDER_MIRROR MOTO_PORT
# A TF_CLI_CONFIG_FILE pointing at a missing file only makes terraform warn on every command.
ifneq ($(TF_CLI_CONFIG_FILE),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
unexport TF_CLI_CONFIG_FILE
endif
endif

REAL_ENVS := dev test pre prod
comma := ,

FRONT := src/front
FRONT_SOURCES := $(FRONT)/package.json $(FRONT)/build.mjs $(shell find $(FRONT)/src $(FRONT)/public -type f 2>/dev/null)
define require_node
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are required to build and test the front ($(FRONT)): install Node.js >= 20" >&2; exit 1; }
endef

.PHONY: help venv up down status demo serve front front-test test unit integration lint tf-check fmt plan apply destroy mlops-source hash push image-report clean bench-extract bench-redact bench-api bench-etl bench-forecast bench-reliability

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  (plan, apply, destroy, push take ENV=dev|test|pre|prod; apply/destroy ask before acting unless AUTO_APPROVE=1;"
	@echo "   PLAN_FILE=path: plan saves the plan there, apply applies exactly that plan;"
	@echo "   push takes FUNCTION=<name>[,<name>...] and DRY_RUN=1)"

# --- environments -------------------------------------------------------------------------------

$(VENV)/.installed: requirements/dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), f"Python >= 3.11 needed, found {sys.version.split()[0]}"'
	@echo "==> Python virtualenv $(VENV) (requirements/dev.lock)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input -r requirements/dev.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input --no-deps -e . 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

# checkov pins an old boto3 and much else, so it gets a virtualenv of its own.
$(CHECKOV_VENV)/.installed: requirements/checkov.lock
	@echo "==> checkov virtualenv $(CHECKOV_VENV) (requirements/checkov.lock)"
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-input -r requirements/checkov.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

venv: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## Create or update both virtualenvs

# npm ci writes node_modules/.package-lock.json: reinstall only when the lock file changes.
$(FRONT)/node_modules/.package-lock.json: $(FRONT)/package-lock.json
	$(require_node)
	@echo "==> front dependencies ($(FRONT)/package-lock.json)"
	@cd $(FRONT) && npm ci --no-audit --no-fund
	@touch $@

# The build's own output is the stamp: rebuilt only when a source or the dependencies change.
$(FRONT)/dist/index.html: $(FRONT)/node_modules/.package-lock.json $(FRONT_SOURCES)
	$(require_node)
	@echo "==> front build ($(FRONT)/dist)"
	@cd $(FRONT) && npm run build
	@touch $@

front: $(FRONT)/dist/index.html ## Build the browser front into src/front/dist (node and npm required)

# --- local mode ---------------------------------------------------------------------------------

up: $(VENV)/.installed ## Start the local AWS emulator (moto) on 127.0.0.1:$MOTO_PORT; idempotent
	@$(BIN)/acogida local up

down: $(VENV)/.installed ## Stop the emulator this checkout started (by its PID file)
	@$(BIN)/acogida local down

status: $(VENV)/.installed ## Say whether the emulator runs
	@$(BIN)/acogida local status || true

demo: $(VENV)/.installed front ## Apply the platform to the emulator (workspace local) and run it end to end
	@$(BIN)/acogida demo

serve: $(VENV)/.installed front ## Serve the front (127.0.0.1:8080) and the API of the applied local workspace until Ctrl-C
	@$(BIN)/acogida local serve

# --- tests --------------------------------------------------------------------------------------

test: lint tf-check unit front-test integration ## Everything: lint, scans, terraform tests, unit, front and integration tests
	@echo "==> make test: all green"

# Paths the secrets scan leaves out: virtualenvs, dependencies, Terraform data and build output.
SECRETS_SCAN_SKIPS := \.venv node_modules \.tfdata \.terraform (^|/)build/ (^|/)dist/ \.local \.git/ \.cache

lint: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## ruff, mypy, terraform fmt, checkov, cfn-lint, yamllint, the CI schema
	@echo "==> ruff"
	@$(BIN)/ruff check src tests scripts
	@$(BIN)/ruff format --check src tests scripts
	@echo "==> mypy (strict)"
	@$(BIN)/mypy
	@echo "==> terraform fmt"
	@terraform fmt -check -recursive -diff terraform
	@echo "==> checkov (terraform/, bootstrap/)"
	@$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -d terraform --framework terraform
	@$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -d bootstrap --framework cloudformation
	@echo "==> cfn-lint (bootstrap/)"
	@$(BIN)/cfn-lint bootstrap/*.yaml
	@echo "==> yamllint, .gitlab-ci.yml against GitLab's CI schema, checkov (gitlab_ci, secrets)"
	@$(BIN)/yamllint --strict .yamllint.yaml .gitlab-ci.yml bootstrap/ src/mlops/
	@$(BIN)/check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml
	@$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -f .gitlab-ci.yml --framework gitlab_ci
	@$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download -d . --framework secrets $(foreach path,$(SECRETS_SCAN_SKIPS),--skip-path '$(path)')

tf-check: ## terraform validate and terraform test (mock provider) for the root and every module
	@scripts/terraform-checks.sh

unit: $(VENV)/.installed ## Python unit tests (no AWS, no emulator)
	@$(BIN)/pytest tests/unit

front-test: $(FRONT)/node_modules/.package-lock.json ## The front's unit tests (node --test)
	$(require_node)
	@echo "==> front tests"
	@cd $(FRONT) && npm test

integration: $(VENV)/.installed front ## Apply the root module to a fresh emulator, re-plan (no changes), destroy
	@$(BIN)/pytest tests/integration

bench-extract: $(VENV)/.installed ## Field precision/recall/F1 and per-segment latency on bench/intake_dev.jsonl
	@$(BIN)/python scripts/bench_extract.py --devset bench/intake_dev.jsonl

bench-api: $(VENV)/.installed ## Latency per request of the intake API handler on moto (create, segment, submit)
	@$(BIN)/python scripts/bench_intake_api.py --conversations 100

bench-reliability: $(VENV)/.installed ## Load (2,000 intakes), faults (stream replays, a poison record, the emulator restarted) and bad input on the local stack
	@$(BIN)/python scripts/bench_reliability.py --intakes 2000 --concurrency 16 --restart-intakes 300

bench-etl: $(VENV)/.installed ## Rows/s of the demand ETL, Spark (local mode) vs pandas, at 1M and 5M submissions
	@$(BIN)/python scripts/bench_etl.py --rows 1000000 5000000

bench-forecast: $(VENV)/.installed ## Forecast engine vs seasonal naive on bike sharing and workforce demand; 1,000-series fit time; M4 hourly and weekly vs published scores
	@$(BIN)/python scripts/bench_forecast.py --horizon 28 --timing-series 1000 --m4 Hourly Weekly

bench-redact: $(VENV)/.installed ## Char-level recall/precision of redaction on MEDDOCAN dev (../shared/data)
	@$(BIN)/python scripts/bench_redact.py --split dev

fmt: $(VENV)/.installed ## Format Python and Terraform in place
	@$(BIN)/ruff check --fix src tests
	@$(BIN)/ruff format src tests
	@terraform fmt -recursive terraform

# --- real environments --------------------------------------------------------------------------

define require_env
	@if [[ ! " $(REAL_ENVS) " =~ " $(ENV) " ]]; then echo "ENV must be one of: $(REAL_ENVS) (got '$(ENV)')" >&2; exit 2; fi
endef

hash: $(VENV)/.installed ## The content-hash tag of each image (scripts/hash.sh)
	@scripts/hash.sh

push: $(VENV)/.installed ## Build (linux/arm64) and push the images ENV=<env> lacks: FUNCTION=<name,...> DRY_RUN=1
	$(require_env)
	@scripts/push.sh --env $(ENV) $(foreach function,$(subst $(comma), ,$(FUNCTION)),--function $(function)) $(if $(filter 1 true yes,$(DRY_RUN)),--dry-run,)

image-report: $(VENV)/.installed ## Expected size of each Lambda image and the import time of each handler
	@$(BIN)/python scripts/image_report.py

plan: $(VENV)/.installed ## terraform plan ENV=<env> with config/<env>.tfvars and its backend (images checked first; PLAN_FILE=... saves it)
	$(require_env)
	@$(BIN)/acogida infra plan --env $(ENV) $(if $(PLAN_FILE),--plan-file $(PLAN_FILE),)

apply: $(VENV)/.installed ## terraform apply ENV=<env> (first apply: repositories, push, then the rest; PLAN_FILE=...: exactly that saved plan)
	$(require_env)
	@$(BIN)/acogida infra apply --env $(ENV) $(if $(PLAN_FILE),--plan-file $(PLAN_FILE),$(if $(filter 1 true yes,$(AUTO_APPROVE)),--auto-approve,))

destroy: $(VENV)/.installed ## terraform destroy ENV=<env>
	$(require_env)
	@$(BIN)/acogida infra destroy --env $(ENV) $(if $(filter 1 true yes,$(AUTO_APPROVE)),--auto-approve,)

mlops-source: $(VENV)/.installed ## upload the repository zip the forecast pipeline builds from, ENV=<env>
	$(require_env)
	@$(BIN)/acogida infra mlops-source --env $(ENV)

clean: ## Stop the emulator and remove virtualenvs, Terraform data dirs, local runtime files and the front's build
	@if [ -x $(BIN)/acogida ]; then $(BIN)/acogida local down || true; fi
	rm -rf $(VENV) $(CHECKOV_VENV) terraform/.tfdata .local .pytest_cache .ruff_cache .mypy_cache $(FRONT)/node_modules $(FRONT)/dist
