# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-app
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest demo screenshot bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED) $@

## Start AcuChart on the default database (created on first start).
run: $(INSTALLED)
	$(BIN)/acuchart

## Lint, type-check and run the whole test suite headless.
test: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## Fill a demo database (Decicco Acupuncture) and open it.
demo: $(INSTALLED)
	$(BIN)/acuchart demo

## Regenerate the README picture from the app itself.
screenshot: $(INSTALLED)
	rm -f build/readme-demo.db
	mkdir -p build
	$(BIN)/acuchart demo --no-gui --database build/readme-demo.db
	QT_QPA_PLATFORM=offscreen $(BIN)/acuchart screenshot docs/main-window.png --database build/readme-demo.db
	for tab in note body-map progress scores; do \
		QT_QPA_PLATFORM=offscreen $(BIN)/acuchart screenshot docs/$$tab.png --tab "$$(echo $$tab | tr - ' ')" --database build/readme-demo.db || exit 1; \
	done

bench: $(TEST_INSTALLED)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache
