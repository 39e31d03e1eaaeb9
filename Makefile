# Two commands on a fresh machine: `make serve` (build and serve the site) and `make test`
# (the whole test suite). Each installs what it needs first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
CHROMIUM ?= /usr/bin/chromium
NPM    ?= npm
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install chromium servers build serve dev test test-fast lint lint-js format tables release review bench screenshots dmn-second-opinion clean

## install: the Python environment (requirements.lock) and the Pyodide runtime (package-lock.json)
install: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The Pyodide runtime, pinned by package-lock.json (the build copies its core files into site/).
$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
	$(NPM) ci --no-audit --no-fund

## chromium: Debian's Chromium for the browser tests (apt-get, needs root)
chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && apt-get install -y -qq chromium; }

## servers: Debian's nginx, Apache and lighttpd, which the hosting tests start on 127.0.0.1 with
## their stock MIME tables (apt-get, needs root; the tests skip, saying so, where they are missing)
servers:
	@test -x /usr/sbin/nginx -a -x /usr/sbin/apache2 -a -x /usr/sbin/lighttpd || { \
	  apt-get update -qq && apt-get install -y -qq nginx apache2 lighttpd; } || \
	  echo "make servers: could not install nginx, apache2, lighttpd (not root?): their tests skip"

## build: the static site in site/ (strict: any warning fails; a generated module that is not
## what the content compiles to fails it too: `make tables` writes them)
build: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## serve: build, then serve site/ at http://$(HOST):$(PORT)/ as a static web server would
serve: build
	$(BIN)/python -m devtools.serve site --host $(HOST) --port $(PORT)

## dev: live-reloading editor preview (mkdocs serve)
dev: install
	GUIDELINE_TABLES_MODULES=write NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict -a $(HOST):$(PORT)

## tables: compile the decision tables and write the generated modules (calculators/guidelines/,
## calculators/released/: commit them); the build checks they are current
tables: install
	$(BIN)/python -m build_tools.decisions

## test: lint, type-check and run the whole test suite (CI: .ci/run), then name the 15 slowest
## tests
test: install chromium servers lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest --durations=15

## test-fast: every test that neither drives Chromium nor builds a whole site, searches a whole
## case space or draws a property's full count of examples (a sample of each instead; under a
## minute; `make test` runs them all), then the 15 slowest
test-fast: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest -m "not browser and not slow" --durations=15

## release: record GUIDELINE's working version as released (releases/<id>/<version>.json) and
## write its changelog against the previous release (<version>.changes.md); a released version
## is never overwritten (raise 'version:' in index.md to release a change)
release: install
	@test -n "$(GUIDELINE)" || { echo "usage: make release GUIDELINE=<guideline-id>" >&2; exit 2; }
	$(BIN)/python -m build_tools.versions record $(GUIDELINE)

## review: what a reviewer of GUIDELINE's working version reads before approving it: its changelog
## against the previous release, the safety constraints and their proof, the checks it waives
review: install
	@test -n "$(GUIDELINE)" || { echo "usage: make review GUIDELINE=<guideline-id>" >&2; exit 2; }
	$(BIN)/python -m build_tools.versions review $(GUIDELINE)

## bench: the decision tables (verification, safety proof, evaluation), then the site's start-up,
## bytes (compressed and not), reading-page cost, recompute, long tasks, Lighthouse scores and
## build times in Chromium vs a bare Pyodide and the theme alone (~20 min), then build and
## verification time for 1, 10 and 50 guidelines (~5 min; ~14 min the first time, which fills
## .cache/bench-scale/)
bench: install chromium
	$(BIN)/python benchmarks/bench_decisions.py --cases 3000
	$(BIN)/python benchmarks/bench_site.py
	$(BIN)/python benchmarks/bench_scale.py

## screenshots: the README's pictures (screenshots/*.png): the calculator with a case on a desktop
## and a phone, and a guideline page, in Chromium, from the site built afresh in a temporary
## folder (python -m devtools.screenshots; --site DIR takes a built one)
screenshots: install chromium
	$(BIN)/python -m devtools.screenshots

## dmn-second-opinion: pyDMNrules, in its own environment (.venv-pydmnrules, pinned by
## build_tools/interchange/pydmnrules.lock; never in requirements.lock), evaluates GUIDELINE's DMN
## export (default: every guideline) on CASES random cases (1000), each table's fired rules and
## output value compared with the calculator's; fails on a disagreement (~6 min per 1000 cases)
CASES ?= 1000
PYDMN_VENV := .venv-pydmnrules
PYDMN_STAMP := $(PYDMN_VENV)/.installed

$(PYDMN_STAMP): build_tools/interchange/pydmnrules.lock
	$(PYTHON) -m venv $(PYDMN_VENV)
	$(PYDMN_VENV)/bin/pip install --quiet -r build_tools/interchange/pydmnrules.lock
	touch $@

dmn-second-opinion: install $(PYDMN_STAMP)
	$(BIN)/python -m devtools.second_opinion $(GUIDELINE) --cases $(CASES) \
	  --python $(PYDMN_VENV)/bin/python

## lint: ruff (rules and formatting), mypy --strict over the code, the generated modules and the
## tests
lint: install lint-js
	$(BIN)/ruff check build_tools calculators devtools tests benchmarks
	$(BIN)/ruff format --check build_tools calculators devtools tests benchmarks
	$(BIN)/mypy

## format: apply the formatters (ruff's import order and format; Biome's for the JavaScript)
format: install
	$(BIN)/ruff check --select I --fix build_tools calculators devtools tests benchmarks
	$(BIN)/ruff format build_tools calculators devtools tests benchmarks
	node_modules/.bin/biome format --write

## lint-js: type-check the JavaScript (TypeScript on the JSDoc types: page, worker, service
## worker, Node.js, one configuration each in build_tools/web/typecheck/), then lint and check its
## format (Biome, biome.json; `node_modules/.bin/biome check --write` formats)
lint-js: $(NODE_STAMP)
	for config in page worker service-worker node; do \
	  node_modules/.bin/tsc --noEmit -p build_tools/web/typecheck/tsconfig.$$config.json || exit 1; \
	done
	node_modules/.bin/biome ci

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
