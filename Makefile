# The two commands of the README: `make demo` and `make test`. Both build .venv from the
# hashed lock file first, so every machine runs the same versions.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format install java lock clean

demo: $(INSTALLED)
	$(BIN)/pcw demo

# Test files run on two workers (the CI machines have two cores); PYTEST_WORKERS=0 runs them
# one after another. Files are handed out in the order tests/conftest.py sorts them (longest
# first), not by their number of tests, xdist's default.
PYTEST_WORKERS ?= 2

test: lint java
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/sqlfluff lint models tests/dbt

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix models tests/dbt

install: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(INSTALLED)
	@$(BIN)/python -m pcw.java --warn

# The tests build the warehouse on Spark too, which runs on Java (README, "Java").
java: $(INSTALLED)
	@$(BIN)/python -m pcw.java

# Re-pin every dependency after editing pyproject.toml (needs `pip install uv`).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		--no-strip-extras -o requirements.lock

clean:
	rm -rf $(VENV) target logs data .pytest_cache .ruff_cache
