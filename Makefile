# The targets the README and CI call. Every target sets up its own virtual environment.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOME_DIR ?= heatmap_data
PORT   ?= 8501

.PHONY: demo test lint bench scenario clean browser-deps java

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## demo: build the synthetic Beijing scenario, run the pipeline, serve the dashboard on localhost:$(PORT)
demo: $(STAMP)
	$(BIN)/heatmap --home $(HOME_DIR) demo --port $(PORT)

## browser-deps: Debian's Chromium and CJK fonts for the browser test, installed only when missing
BROWSER_DEBS := chromium fonts-noto-cjk
browser-deps:
	@missing=$$(for deb in $(BROWSER_DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$deb 2>/dev/null | grep -q '^install ok installed' || echo $$deb; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## java: Debian's Java 17 for the Spark engine's test, installed only when no java is on the PATH
java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "installing openjdk-17-jre-headless"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo mkdir -p /usr/share/man/man1 && \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
			openjdk-17-jre-headless; \
	fi

## test: lint, type-check and run every test
test: $(STAMP) browser-deps java
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
