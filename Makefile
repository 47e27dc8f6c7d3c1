# Two entry points for people: `make demo` and `make test`. Everything else is a building block.
# Each target installs what it needs itself (virtualenv, pinned requirements), so a fresh clone works.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Pythons by version: PYTHON_311, PYTHON_312, PYTHON_313 from the command line or the environment,
# else pyenv's newest X.Y (`pyenv prefix X.Y`), else a pythonX.Y on PATH that runs.
find_python = $(shell d=$$(pyenv prefix $(1) 2>/dev/null) && [ -x "$$d/bin/python$(1)" ] && echo "$$d/bin/python$(1)" \
                || python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null || true)
PYTHON_311 ?= $(call find_python,3.11)
PYTHON_312 ?= $(call find_python,3.12)
PYTHON_313 ?= $(call find_python,3.13)
# The main venv (lint, integration, molecule, demo, ...) runs the newest ansible-core of the matrix
# below, 2.21, on Python 3.13.
PYTHON ?= $(PYTHON_313)
need_python = @test -n "$(1)" || { echo "make: no Python $(2) found for $(3): 'pyenv install $(2)', or make PYTHON_$(subst .,,$(2))=/path/to/python$(2)" >&2; exit 1; }
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
# The main venv's Python (X.Y), for ansible-test --python.
TEST_PY = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# The ansible-core support matrix (meta/runtime.yml): sanity and units run on each core, each on a
# controller Python it supports. The newest core is the main venv's (requirements-test.txt); each
# older one gets a venv of its own in $(CORE_VENVS): ANSIBLE_CORE_<core> and requirements-units.in,
# pinned in requirements-core-<core>.txt (make lock).
CORES := 2.19 2.20 2.21
CORE_NEWEST := 2.21
OLDER_CORES := $(filter-out $(CORE_NEWEST),$(CORES))
ANSIBLE_CORE_2.19 := 2.19.14
ANSIBLE_CORE_2.20 := 2.20.10
CORE_PY_2.19 := 3.11
CORE_PY_2.20 := 3.12
CORE_PY_2.21 := 3.13
CORE_VENVS := $(BUILD)/venvs
core_python = $(PYTHON_$(subst .,,$(CORE_PY_$(1))))
core_bin = $(if $(filter $(CORE_NEWEST),$(1)),$(BIN),$(CORE_VENVS)/ansible-core-$(1)/bin)
core_stamp = $(if $(filter $(CORE_NEWEST),$(1)),$(VENV),$(CORE_VENVS)/ansible-core-$(1))/.installed
core_pyver = $$($(call core_bin,$(1))/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
core_says = $$($(call core_bin,$(1))/python -c 'import sys; from ansible.release import __version__ as v; print("ansible-core %s, Python %d.%d" % (v, *sys.version_info[:2]))')
core_ansible_test = cd $(COLL_DIR) && PATH=$(call core_bin,$(1)):$$PATH $(call core_bin,$(1))/ansible-test
SANITY_CORES := $(CORES:%=sanity-%)
UNITS_CORES := $(CORES:%=units-%)
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
	$(call need_python,$(PYTHON),$(CORE_PY_$(CORE_NEWEST)),$(VENV))
	@# A venv of another Python (such as the 3.11 one of ansible-core 2.19) is made anew.
	if [ -e $(VENV) ] && [ "$$($(BIN)/python -V 2>&1)" != "$$($(PYTHON) -V 2>&1)" ]; then rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=24'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# A venv per older core of the matrix: that ansible-core and what the unit tests need.
.PHONY: core-venvs $(SANITY_CORES) $(UNITS_CORES)
core-venvs: $(foreach c,$(CORES),$(call core_stamp,$(c)))
$(CORE_VENVS)/ansible-core-%/.installed: requirements-core-%.txt
	$(call need_python,$(call core_python,$*),$(CORE_PY_$*),ansible-core $*)
	rm -rf $(@D) && $(call core_python,$*) -m venv $(@D)
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=24'
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

# ansible-test bootstraps pip in its sanity virtualenvs from a host CI cannot reach; it looks in
# its cache first (get_pip_<version>.py), so put an offline bootstrap (tools/ansible_test_get_pip.py)
# and the wheel there for each pip of the matrix: ansible-test 2.19 bootstraps pip 24.2, 2.20 and
# 2.21 pip 25.2 (get_venv_packages() in ansible_test/_internal/python_requirements.py).
ANSIBLE_TEST_PIPS := 24.2 25.2
ansible-test-bootstrap: $(foreach v,$(ANSIBLE_TEST_PIPS),$(PIP_CACHE)/get_pip_$(subst .,_,$(v)).py)
$(PIP_CACHE)/get_pip_%.py: tools/ansible_test_get_pip.py | venv
	mkdir -p $(PIP_CACHE)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps pip==$(subst _,.,$*) -d $(PIP_CACHE)
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
# Nothing a test runs installs into ~/.ansible/collections (where a copy would shadow later installs):
# listed before and after the run, and any change fails (ansible-test's pip cache, ~/.ansible/test, stays).
HOME_COLLECTIONS := $(HOME)/.ansible/collections
test: venv
	$(BIN)/python tools/home_collections.py $(HOME_COLLECTIONS) --save $(BUILD)/home-collections-before.txt
	$(MAKE) changelog lint docs-lint build sanity units sim-units integration molecule report-render awx-runner examples ee bench-smoke sliced-drill
	$(BIN)/python tools/home_collections.py $(HOME_COLLECTIONS) --compare $(BUILD)/home-collections-before.txt
	@echo "make test: all passed"

changelog: venv
	$(BIN)/antsibull-changelog lint

# Every module, plugin and role argument spec as the docs site would render it.
docs-lint: collection
	cd $(COLL_DIR) && $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

# ansible-lint keeps its cache (ansible-lint-mocks, tmp, collections) in ANSIBLE_HOME: ours, not ~/.ansible.
lint: collection
	ANSIBLE_HOME=$(BUILD)/ansible-home $(BIN)/ansible-lint --offline

build: venv
	mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST)

# Sanity and units on every core of the matrix, one after another (they share the collection copy's
# tests/output), each printing how long it took.
sanity: $(SANITY_CORES)
units: $(UNITS_CORES)
$(foreach c,$(CORES),$(eval sanity-$(c) units-$(c): $(call core_stamp,$(c))))

# The sanity test venvs bootstrap the pip this core's ansible-test names (see ansible-test-bootstrap).
$(SANITY_CORES): sanity-%: collection ansible-test-bootstrap
	@v=$$(sed -n "s/^ *pip='\([0-9.]*\)',$$/\1/p" $(call core_bin,$*)/../lib/python*/site-packages/ansible_test/_internal/python_requirements.py); \
	  test -f $(PIP_CACHE)/get_pip_$${v//./_}.py || { echo "make: ansible-test $* bootstraps pip '$$v': add it to ANSIBLE_TEST_PIPS" >&2; exit 1; }
	$(call core_ansible_test,$*) sanity --venv --python $(call core_pyver,$*) --color no; \
	  echo "sanity-$*: $(call core_says,$*): $$SECONDS s"

# Filter plugins import controller code, which switches module warnings to the controller's
# display for the whole process; so plugin tests and module tests run in separate processes.
$(UNITS_CORES): units-%: collection
	$(call core_ansible_test,$*) units --local --python $(call core_pyver,$*) --color no tests/unit/plugins/module_utils/ tests/unit/plugins/modules/; \
	  $(call core_ansible_test,$*) units --local --python $(call core_pyver,$*) --color no tests/unit/plugins/filter/ tests/unit/plugins/plugin_utils/; \
	  echo "units-$*: $(call core_says,$*): $$SECONDS s"

sim-units: venv
	$(BIN)/python -m pytest -q tests/simulators

integration: collection
	$(BIN)/python tools/run_integration.py --shards 2 --state-dir $(SIM_DIR) --collection $(COLL_DIR) --log $(BUILD)/integration-vvvv.log

# The roles against the simulators: converge, idempotence (no second restore), verify.
# molecule (ansible-compat) creates <ANSIBLE_HOME>/collections: ours, not ~/.ansible.
molecule: collection
	cd $(CURDIR) && NO_COLOR=1 ANSIBLE_HOME=$(BUILD)/ansible-home $(BIN)/molecule test --all

# The failing drill of the dr_drill molecule scenario, rendered in headless Chromium (Debian's
# package, installed when missing); the screenshot stays in .build/artifacts.
report-render: chromium
	$(BIN)/python tools/render_report.py $(CURDIR)/.sim-molecule/report-failing --png $(BUILD)/artifacts/dr_drill_report.png

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# playbooks/dr_drill.yml through ansible-runner (AWX's engine), from the built tarball, with the
# credential type's env injectors as the only connection settings.
# Each install and run is given the collections path it installs into (not make's $(COLLECTIONS)): no warning
# that the path is not configured, and no other copy of the collection in reach.
awx-runner: build
	rm -rf $(BUILD)/runner-collections
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/runner-collections \
	  $(BIN)/ansible-galaxy collection install --force -p $(BUILD)/runner-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/runner-collections \
	  $(BIN)/python tools/run_awx_drill.py --state-dir $(BUILD)/sim-awx --collections $(BUILD)/runner-collections

# Every file in examples/ as written, from the built tarball, with only the simulators' env.sh as settings
# (env.sh names the collections path: ctl up --collections).
examples: build
	rm -rf $(BUILD)/examples-collections
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/examples-collections \
	  $(BIN)/ansible-galaxy collection install --force -p $(BUILD)/examples-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	$(BIN)/python tools/run_examples.py --state-dir $(BUILD)/sim-examples --collections $(BUILD)/examples-collections

# A drill as AWX job slicing runs it: the items as inventory hosts (inventory plugin dr_drill), 3 slices as
# 3 concurrent ansible-playbook runs with AWX's --limit, then the merge: one report equal to the unsliced drill's.
.PHONY: sliced-drill
sliced-drill: collection
	$(BIN)/python tools/run_sliced_drill.py --state-dir $(BUILD)/sim-sliced

# The execution environment's build context (no image: there is no container engine here), and
# what ansible-builder reads from the collection's own meta/execution-environment.yml.
ee: collection
	rm -rf $(BUILD)/ee-context
	$(BIN)/ansible-builder create -f ee/execution-environment.yml --context $(BUILD)/ee-context
	grep -q boto3 $(BUILD)/ee-context/_build/requirements.txt
	$(BIN)/ansible-builder introspect --sanitize $(COLLECTIONS) | tee $(BUILD)/ee-introspect.txt | grep -q "requests.*from collection recoverops.restore"

## ---- benchmarks (figures, not timed tests; CI runs only the smoke) ------------------------------
bench: collection
	$(BIN)/python benchmarks/drill_scale.py --tables 1 10 50 --job-seconds 30
	$(BIN)/python benchmarks/drill_scale.py --tables 100 --job-seconds 60 --output benchmarks/results/drill_scale_60s.json
	cd $(COLL_DIR) && $(BIN)/python benchmarks/wait_schedule.py --output $(CURDIR)/benchmarks/results/wait_schedule.json
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
# Installs where the simulators' env.sh points ANSIBLE_COLLECTIONS_PATH, so playbooks run by hand after
# `source .sim/env.sh` find this copy.
demo: venv build
	rm -rf $(BUILD)/demo-collections
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/demo-collections \
	  $(BIN)/ansible-galaxy collection install --force -p $(BUILD)/demo-collections $(DIST)/recoverops-restore-$(VERSION).tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/demo-collections \
	  $(BIN)/python tools/run_demo.py --state-dir $(SIM_DIR) --collections $(BUILD)/demo-collections

## ---- maintenance -------------------------------------------------------------------------------
# requirements-test.txt on the main venv's Python; then each older core's requirements-core-<core>.txt
# on its Python, with the versions requirements-test.txt has wherever they install there.
lock:
	$(call need_python,$(PYTHON),$(CORE_PY_$(CORE_NEWEST)),make lock)
	rm -rf $(BUILD)/lockvenv && $(PYTHON) -m venv $(BUILD)/lockvenv
	$(BUILD)/lockvenv/bin/pip install --quiet -r requirements-test.in
	( echo "# Generated from requirements-test.in by 'make lock'; do not edit by hand."; \
	  $(BUILD)/lockvenv/bin/pip freeze ) > requirements-test.txt
	grep -v '^ansible-core==' requirements-test.txt > $(BUILD)/lock-constraints.txt
	$(foreach c,$(OLDER_CORES),$(call lock_core,$(c)))

define lock_core
	$(call need_python,$(call core_python,$(1)),$(CORE_PY_$(1)),ansible-core $(1))
	rm -rf $(BUILD)/lockvenv-$(1) && $(call core_python,$(1)) -m venv $(BUILD)/lockvenv-$(1)
	$(BUILD)/lockvenv-$(1)/bin/pip install --quiet -c $(BUILD)/lock-constraints.txt ansible-core==$(ANSIBLE_CORE_$(1)) -r requirements-units.in
	( echo "# Generated from requirements-units.in and ansible-core==$(ANSIBLE_CORE_$(1)) (Python $(CORE_PY_$(1))) by 'make lock'; do not edit by hand."; \
	  $(BUILD)/lockvenv-$(1)/bin/pip freeze ) > requirements-core-$(1).txt

endef

clean: sim-down
	rm -rf $(BUILD) $(SIM_DIR) tests/output
