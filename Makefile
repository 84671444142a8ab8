# The targets the README and CI call. Every target sets up its own virtual environment.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOME_DIR ?= heatmap_data
PORT   ?= 8501

.PHONY: demo test lint bench scenario clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## demo: build the synthetic Beijing scenario, run the pipeline, serve the dashboard on localhost:$(PORT)
demo: $(STAMP)
	$(BIN)/heatmap --home $(HOME_DIR) demo --port $(PORT)

## test: lint, type-check and run every test
test: $(STAMP)
	$(BIN)/ruff check heatmap pipelines dashboards geo_fixtures tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check heatmap pipelines dashboards geo_fixtures tests benchmarks
	$(BIN)/ruff format --check heatmap pipelines dashboards geo_fixtures tests benchmarks
	$(BIN)/mypy

## bench: the performance and detection-quality benchmarks
bench: $(STAMP)
	$(BIN)/python -m benchmarks

## scenario: regenerate the embedded demo scenario into geo_fixtures/scenario/
scenario: $(STAMP)
	$(BIN)/python -m geo_fixtures.scenario --out geo_fixtures/scenario

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .mypy_cache .ruff_cache
