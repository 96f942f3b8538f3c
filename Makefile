# The two commands of the README's quick start are `make demo` and `make test`.
# Both create .venv and install the package on first use; nothing else is needed.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
DEMO    := demo_out
PORT    ?= 5000

.PHONY: install demo demo-batch test test-fast bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench,cluster,postgres]'
	@touch $(STAMP)

install: $(STAMP)

## demo: validate and match the bundled sample data, then start the web UI on it
demo: install
	$(BIN)/matcher validate sample_data/seekers.csv sample_data/vacancies.csv --outcomes sample_data/outcomes.csv --out $(DEMO)
	$(BIN)/matcher match --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --seeker S000001 -k 5

## test: the whole test suite (browser tests run when chromium is installed)
test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: install
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(DEMO) build dist *.egg-info .pytest_cache
