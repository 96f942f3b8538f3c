# The two commands of the README's quick start are `make demo` and `make test`.
# Both create .venv and install the package on first use; nothing else is needed.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
DEMO    := demo_out
PORT    ?= 5000
DEMO_PASSWORD ?= demo-pzh-2026

.PHONY: install demo test test-fast bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench,cluster,postgres]'
	@touch $(STAMP)

install: $(STAMP)

## demo: the engine end to end on the bundled sample data, then the staff web UI
##       validate -> one seeker's matches -> nightly batch -> city report -> web UI
demo: install
	$(BIN)/matcher validate sample_data/seekers.csv sample_data/vacancies.csv --outcomes sample_data/outcomes.csv --out $(DEMO)/validation
	$(BIN)/matcher match --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --seeker S0000001 -k 5
	$(BIN)/matcher batch --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --out $(DEMO)/batch --top-k 20
	$(BIN)/matcher report --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --batch $(DEMO)/batch --out $(DEMO)/report.html
	@echo "City report: file://$(CURDIR)/$(DEMO)/report.html"
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher import sample_data/seekers.csv sample_data/vacancies.csv --outcomes sample_data/outcomes.csv
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher create-user --username demo --password $(DEMO_PASSWORD) --role admin --if-missing
	@echo ""
	@echo "Staff web UI: http://127.0.0.1:$(PORT)   sign in as demo / $(DEMO_PASSWORD)   (Ctrl-C stops it)"
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher serve --host 127.0.0.1 --port $(PORT) --batch-dir $(CURDIR)/$(DEMO)/batch

## test: the whole test suite (browser tests run when chromium is installed)
test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: install
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(DEMO) build dist *.egg-info .pytest_cache
