# accord: two commands set everything up on a machine with python3, pip and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/accord run scenarios/hanoi-2019.yaml --seed 0
	rm -rf runs/hanoi-demo
	$(BIN)/accord montecarlo scenarios/hanoi-2019.yaml --runs 200 --seed 0 --variant all --sensitivity 32 --oat-runs 8 --out runs/hanoi-demo --quiet
	$(BIN)/accord report runs/hanoi-demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: $(STAMP) lint
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
