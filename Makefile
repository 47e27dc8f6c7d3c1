# Two entry points for people: `make demo` and `make test`. Everything else is a building block.
# Each target installs what it needs itself (virtualenv, pinned requirements), so a fresh clone works.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
BUILD := $(CURDIR)/.build
SIM_DIR := $(CURDIR)/.sim
# ansible-test needs the collection under ansible_collections/<namespace>/<name>.
COLLECTIONS := $(BUILD)/collections
COLL_DIR := $(COLLECTIONS)/ansible_collections/recoverops/restore
DIST := $(BUILD)/dist
PIP_CACHE := $(HOME)/.ansible/test/cache
ANSIBLE_TEST := cd $(COLL_DIR) && PATH=$(BIN):$$PATH $(BIN)/ansible-test
TEST_PY := 3.11
VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_FORCE_COLOR := 0
export PATH := $(BIN):$(PATH)

.PHONY: help demo test venv collection sanity units sim-units integration molecule report-render chromium awx-runner examples ee docs-lint bench bench-smoke faults lint build changelog \
        sim-up sim-down lock clean ansible-test-bootstrap

help:
	@echo "make demo   - restore the newest DynamoDB restore point on the bundled simulators"
	@echo "make test   - every test: changelog, lint, build, sanity, units, simulators, integration, molecule"

## ---- set-up ------------------------------------------------------------------------------------
venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=24'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# ansible-test bootstraps pip in its sanity virtualenvs from a host CI cannot reach; it looks in
# its cache first, so put an offline bootstrap (tools/ansible_test_get_pip.py) and the wheel there.
ansible-test-bootstrap: $(PIP_CACHE)/get_pip_24_2.py
$(PIP_CACHE)/get_pip_24_2.py: tools/ansible_test_get_pip.py | venv
	mkdir -p $(PIP_CACHE)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps pip==24.2 -d $(PIP_CACHE)
	cp tools/ansible_test_get_pip.py $@

# A copy of the working tree (tracked and new files, not ignored ones) in the collections path.
collection: venv
	rm -rf $(COLL_DIR) && mkdir -p $(COLL_DIR)
	git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C $(COLL_DIR)
	@# ansible-test lists files with git; the copy sits in an ignored folder of this repo, so give it its own.
	git -C $(COLL_DIR) init --quiet

## ---- simulators --------------------------------------------------------------------------------
sim-up: venv
	$(BIN)/python -m simulators.ctl up --state-dir $(SIM_DIR)

sim-down:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m simulators.ctl down --state-dir $(SIM_DIR); fi

## ---- tests -------------------------------------------------------------------------------------
test: venv
	$(MAKE) changelog lint docs-lint build sanity units sim-units integration molecule report-render awx-runner examples ee bench-smoke
	@echo "make test: all passed"

changelog: venv
	$(BIN)/antsibull-changelog lint

# Every module, plugin and role argument spec as the docs site would render it.
docs-lint: collection
	cd $(COLL_DIR) && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

lint: collection
	$(BIN)/ansible-lint --offline

build: venv
	mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST)

sanity: collection ansible-test-bootstrap
	$(ANSIBLE_TEST) sanity --venv --python $(TEST_PY) --color no

# Filter plugins import controller code, which switches module warnings to the controller's
# display for the whole process; so plugin tests and module tests run in separate processes.
units: collection
	$(ANSIBLE_TEST) units --local --python $(TEST_PY) --color no tests/unit/plugins/module_utils/ tests/unit/plugins/modules/
	$(ANSIBLE_TEST) units --local --python $(TEST_PY) --color no tests/unit/plugins/filter/ tests/unit/plugins/plugin_utils/

sim-units: venv
	$(BIN)/python -m pytest -q tests/simulators

integration: collection
	$(BIN)/python tools/run_integration.py --state-dir $(SIM_DIR) --collection $(COLL_DIR) --log $(BUILD)/integration-vvvv.log

# The roles against the simulators: converge, idempotence (no second restore), verify.
molecule: collection
	cd $(CURDIR) && NO_COLOR=1 $(BIN)/molecule test --all

# The failing drill of the dr_drill molecule scenario, rendered in headless Chromium (Debian's
# package, installed when missing); the screenshot stays in .build/artifacts.
report-render: chromium
	$(BIN)/python tools/render_report.py $(CURDIR)/.sim-molecule/report-failing --png $(BUILD)/artifacts/dr_drill_report.png

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# playbooks/dr_drill.yml through ansible-runner (AWX's engine), from the built tarball, with the
# credential type's env injectors as the only connection settings.
awx-runner: build
	rm -rf $(BUILD)/runner-collections
	$(BIN)/ansible-galaxy collection install --force -p $(BUILD)/runner-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	$(BIN)/python tools/run_awx_drill.py --state-dir $(BUILD)/sim-awx --collections $(BUILD)/runner-collections

# Every file in examples/ as written, from the built tarball, with only the simulators' env.sh as settings.
examples: build
	rm -rf $(BUILD)/examples-collections
	$(BIN)/ansible-galaxy collection install --force -p $(BUILD)/examples-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	$(BIN)/python tools/run_examples.py --state-dir $(BUILD)/sim-examples --collections $(BUILD)/examples-collections

# The execution environment's build context (no image: there is no container engine here), and
# what ansible-builder reads from the collection's own meta/execution-environment.yml.
ee: collection
	rm -rf $(BUILD)/ee-context
	$(BIN)/ansible-builder create -f ee/execution-environment.yml --context $(BUILD)/ee-context
	grep -q boto3 $(BUILD)/ee-context/_build/requirements.txt
	$(BIN)/ansible-builder introspect --sanitize $(COLLECTIONS) | tee $(BUILD)/ee-introspect.txt | grep -q "requests.*from collection recoverops.restore"

## ---- benchmarks (figures, not timed tests; CI runs only the smoke) ------------------------------
bench: collection
	$(BIN)/python benchmarks/drill_scale.py --tables 1 10 20 50 --job-seconds 300
	$(BIN)/python benchmarks/drill_scale.py --tables 20 --job-seconds 60 --output benchmarks/results/drill_scale_60s.json
	$(BIN)/python benchmarks/vs_uri.py --products veeam_aws clumio --jobs 10 60 300 --offsets 0 10 20 --points 10
	$(BIN)/python benchmarks/vs_uri.py --products veeam_aws --jobs 10 60 --offsets 0 --points 100000 --output benchmarks/results/vs_uri_100k.json
	$(BIN)/python benchmarks/selection.py --points 10 1000 100000
	$(BIN)/python benchmarks/summary.py

bench-smoke: collection
	$(BIN)/python benchmarks/drill_scale.py --smoke --tables 4 --job-seconds 3 --output $(BUILD)/bench-smoke/drill_scale.json
	$(BIN)/python benchmarks/faults.py --smoke --output $(BUILD)/bench-smoke/faults.json
	$(BIN)/python benchmarks/vs_uri.py --jobs 3 --offsets 0 --output $(BUILD)/bench-smoke/vs_uri.json
	$(BIN)/python benchmarks/summary.py --results $(BUILD)/bench-smoke

# The fault suite: 10/20/30% transient faults, a token expiring and a simulator restart mid-wait.
faults: collection
	$(BIN)/python benchmarks/faults.py

## ---- demo --------------------------------------------------------------------------------------
demo: venv build
	rm -rf $(BUILD)/demo-collections
	$(BIN)/ansible-galaxy collection install --force -p $(BUILD)/demo-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	$(BIN)/python tools/run_demo.py --state-dir $(SIM_DIR) --collections $(BUILD)/demo-collections

## ---- maintenance -------------------------------------------------------------------------------
lock:
	rm -rf $(BUILD)/lockvenv && $(PYTHON) -m venv $(BUILD)/lockvenv
	$(BUILD)/lockvenv/bin/pip install --quiet -r requirements-test.in
	( echo "# Generated from requirements-test.in by 'make lock'; do not edit by hand."; \
	  $(BUILD)/lockvenv/bin/pip freeze ) > requirements-test.txt

clean: sim-down
	rm -rf $(BUILD) $(SIM_DIR) tests/output
