# Codeyard: `make up` runs the embedded server, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test lint format docs bench lock system-deps clean

# constraints.txt pins every package to the versions the suite last passed with (botocore above
# all: docs/compatibility.md is generated from its models). `make lock` refreshes it.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

up: $(STAMP)
	CODEYARD_DEMO=1 $(BIN)/codeyard up $(ARGS)

system-deps:
	scripts/install-system-deps.sh
	scripts/base-image.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	$(MAKE) lint

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

docs: $(STAMP)
	$(BIN)/python scripts/compatibility.py > docs/compatibility.md

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/api.py
	$(BIN)/python bench/git.py
	$(BIN)/python bench/builds.py

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -e '.[test,bench]'
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
