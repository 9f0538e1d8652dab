# jenkins_ha.aws — developer entry points. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(abspath $(VENV))/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
COLLECTION_LINK := .collections/ansible_collections/jenkins_ha/aws

EMULATOR_HOST ?= 127.0.0.1
EMULATOR_PORT ?= 4566
EMULATOR_URL := http://$(EMULATOR_HOST):$(EMULATOR_PORT)
# The demo talks to the embedded emulator only: endpoint and dummy credentials, whatever the caller's shell has.
# Profile and session token are unset, not emptied: botocore looks up a profile named "" and fails.
EMULATOR_ENV := env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN -u AWS_SECURITY_TOKEN \
	AWS_ENDPOINT_URL=$(EMULATOR_URL) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONDONTWRITEBYTECODE := 1

PYTEST_WORKERS ?= 2

.PHONY: help venv system-deps lock emulator emulator-stop demo demo-rerun posture audit test lint sanity unit integration \
	molecule bench format clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

venv: $(STAMP) $(COLLECTION_LINK) ## Create .venv from the pinned requirements.txt (first use only)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(abspath $(VENV))
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@rm -f $(abspath $(VENV))/.installed-*
	@touch $@

$(COLLECTION_LINK):
	@mkdir -p $(dir $@)
	@ln -sfn ../../.. $@

system-deps: ## Install the Debian packages the test bed needs (root), or say which are missing
	@tests/bed/system-deps.sh

lock: ## Re-resolve requirements.in into the requirements.txt lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --disable-pip-version-check -q -r requirements.in
	{ echo "# Lock file: every Python dependency, pinned. Regenerate with 'make lock' from requirements.in."; \
	  .lock-venv/bin/pip freeze --exclude-editable | sort -f; } > requirements.txt
	rm -rf .lock-venv

emulator: venv ## Start the AWS emulator (moto + compatibility layer) at 127.0.0.1:4566 in the background
	@$(BIN)/python tests/emulator/emulatorctl.py start --host $(EMULATOR_HOST) --port $(EMULATOR_PORT)

emulator-stop: ## Stop the background emulator and the demo's build host containers
	@$(BIN)/python tests/emulator/emulatorctl.py stop --host $(EMULATOR_HOST) --port $(EMULATOR_PORT)
	@if [ -x $(BIN)/python ] && command -v podman >/dev/null; then $(BIN)/python tests/bed/demo_images.py --remove-build-hosts; fi

demo: venv system-deps emulator ## Build images and provision the demo stack on the emulator (leaves it running)
	@$(MAKE) --no-print-directory demo-rerun
	@$(EMULATOR_ENV) $(BIN)/ansible-playbook -i inventory/demo playbooks/prometheus.yml -e '{"jenkins_ha_ami_ids": {}, "jenkins_ha_prometheus_dir": "$(CURDIR)/tests/output/prometheus-demo", "jenkins_ha_prometheus_ec2_endpoint": "$(EMULATOR_URL)"}' && echo "Prometheus configuration of the demo stack (discovers it through the emulator): $(CURDIR)/tests/output/prometheus-demo"

demo-rerun: ## Run the demo lifecycle again against the running emulator
	@$(BIN)/python tests/emulator/emulatorctl.py status --port $(EMULATOR_PORT) >/dev/null || \
	  { echo "The emulator is not running: start it with 'make emulator' (or run 'make demo')." >&2; exit 1; }
	$(EMULATOR_ENV) $(BIN)/python tests/bed/demo_images.py
	@# The AMIs just baked are in SSM (/jenkins-ha/demo/ami/<role>): clear the emulator AMI the tests pin.
	$(EMULATOR_ENV) $(BIN)/ansible-playbook -i inventory/demo site.yml -e '{"jenkins_ha_ami_ids": {}}'
	@$(EMULATOR_ENV) $(BIN)/ansible-playbook -i inventory/demo playbooks/stack_info.yml -e '{"jenkins_ha_ami_ids": {}}'
	@echo "The emulator keeps running at $(EMULATOR_URL): try"
	@echo "  AWS_ENDPOINT_URL=$(EMULATOR_URL) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\"
	@echo "    $(BIN)/python -c \"import boto3; print(boto3.client('ec2','us-east-1').describe_vpcs()['Vpcs'])\""
	@echo "Stop it with 'make emulator-stop'."

.PHONY: demo-upgrade
DEMO_UPGRADE_ARGS ?=

demo-upgrade: venv ## Rebake the demo images with one changed input, roll them with upgrade.yml; prints the timeline
	@$(BIN)/python tests/emulator/emulatorctl.py status --port $(EMULATOR_PORT) >/dev/null || \
	  { echo "The emulator is not running: run 'make demo' first." >&2; exit 1; }
	@# DEMO_UPGRADE_ARGS=--no-rebake rolls what SSM records without baking.
	$(EMULATOR_ENV) $(BIN)/python tests/bed/demo_upgrade.py $(DEMO_UPGRADE_ARGS)

.PHONY: demo-drills
DRILLS_DIR ?= tests/output/drills

demo-drills: ## Failover drill (and restore drill) against the running demo stack; prints the tables, JSON in $(DRILLS_DIR)
	@$(BIN)/python tests/emulator/emulatorctl.py status --port $(EMULATOR_PORT) >/dev/null || \
	  { echo "The emulator is not running: run 'make demo' first." >&2; exit 1; }
	@mkdir -p $(DRILLS_DIR)
	$(EMULATOR_ENV) $(BIN)/ansible-playbook -i inventory/demo playbooks/failover_drill.yml \
	  -e jenkins_ha_drill_confirm=demo -e jenkins_ha_drill_kill=$${KILL:-terminate} -e jenkins_ha_drill_poll_interval=1 \
	  -e jenkins_ha_drill_report=$(abspath $(DRILLS_DIR))/failover.json
	@# The restore drill writes its marker on the controller over SSH: the demo's emulated controller has no host, so
	@# it runs only when DEMO_CONTROLLER_INVENTORY names an inventory with a reachable `controller` group.
	@if [ ! -f playbooks/restore_drill.yml ]; then echo "No playbooks/restore_drill.yml: restore drill skipped."; \
	elif [ -z "$${DEMO_CONTROLLER_INVENTORY:-}" ]; then \
	  echo "Restore drill skipped: set DEMO_CONTROLLER_INVENTORY=<jenkins_ec2 inventory of a reachable controller>."; \
	else $(EMULATOR_ENV) $(BIN)/ansible-playbook -i inventory/demo -i "$$DEMO_CONTROLLER_INVENTORY" \
	  playbooks/restore_drill.yml -e jenkins_ha_drill_confirm=demo \
	  -e jenkins_ha_drill_report=$(abspath $(DRILLS_DIR))/restore.json; fi

posture: venv ## Security posture check of the demo stack on the running emulator (after `make demo`)
	@$(EMULATOR_ENV) $(BIN)/python -m tests.integration.posture --stack demo --vars inventory/demo/group_vars/all.yml

# prowler has its own venv (~2 GB, 8 min to install here): outside the checkout, kept across `make clean`.
PROWLER_VERSION ?= 5.46.0
PROWLER_VENV ?= /var/cache/jenkins-ha/prowler-venv
PROWLER_STAMP := $(PROWLER_VENV)/.installed-prowler-$(PROWLER_VERSION)

$(PROWLER_STAMP):
	@test -x $(PROWLER_VENV)/bin/python || $(PYTHON) -m venv $(PROWLER_VENV)
	$(PROWLER_VENV)/bin/pip install --disable-pip-version-check -q prowler==$(PROWLER_VERSION)
	@rm -f $(PROWLER_VENV)/.installed-prowler-*
	@touch $@

audit: venv $(PROWLER_STAMP) ## prowler against the demo stack on the running emulator, reviewed exceptions (after `make demo`)
	@$(BIN)/python tests/emulator/emulatorctl.py status --port $(EMULATOR_PORT) >/dev/null || \
	  { echo "The emulator is not running: run 'make demo' first." >&2; exit 1; }
	@$(EMULATOR_ENV) $(BIN)/python -m tests.audit --stack demo --prowler $(PROWLER_VENV)/bin/prowler

test: venv system-deps ## Everything: lint, sanity, unit, integration, molecule
	@tests/bed/run-all.sh

lint: venv ## ansible-lint (production profile), yamllint, black, shellcheck
	yamllint -s .
	ansible-lint --profile production
	black --check --diff -q .
	shellcheck $$(git ls-files '*.sh' .ci/run)

sanity: venv ## ansible-test sanity from a temporary ansible_collections/jenkins_ha/aws copy (offline)
	@PYTHON=$(BIN)/python tests/sanity/run.sh

unit: venv ## pytest unit tests
	pytest -n $(PYTEST_WORKERS) --durations=15 tests/unit

integration: venv ## Playbooks and modules against private emulators (one per pytest worker)
	@# loadfile: a file's tests share one worker and its emulator, in order (test_site builds on its converged stack);
	@# no reorder: the files go out heaviest first (tests/integration/scheduling.py), not most tests first.
	pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 tests/integration

molecule: venv system-deps ## molecule test for every role scenario (podman systemd containers)
	@tests/molecule/run.sh

bench: venv ## Benchmarks (not part of `make test`)
	@PYTHON=$(BIN)/python tests/bench/run.sh

format: venv ## Format Python with black
	black .

clean: emulator-stop ## Remove the venv, caches and test output (not the container images)
	rm -rf $(VENV) .collections .cache tests/output .pytest_cache
