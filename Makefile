# The two commands of the README's quick start are `make demo` and `make test`.
# Each creates .venv on first use and installs only what it runs:
#   make demo   the package alone (engine, batch, report, web UI)
#   make test   the package with the dev, cluster, bench and postgres extras
#   make bench  the package with the bench extra
# Prerequisites: python3 (>= 3.11) with its venv module (Debian/Ubuntu:
# `apt-get install python3-venv`) and make. See README.md, "Prerequisites".
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DEMO    := demo_out
PORT    ?= 5000
DEMO_PASSWORD ?= pzh-trial-sunshine-2026

# What each target installs (pip extras of pyproject.toml).
EXTRAS_base  :=
EXTRAS_test  := [dev,cluster,bench,postgres]
EXTRAS_bench := [bench]

.PHONY: install install-test install-bench demo test test-fast bench clean

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed; this is " + sys.version.split()[0] + ". Run make PY=python3.11 (or newer).")'
	@$(PY) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV) with '$(PY) -m venv'. On Debian/Ubuntu install the venv module:"; \
	  echo "    apt-get install python3-venv"; echo "then run make again."; exit 1; }

# One stamp per install set; pyproject.toml changes re-run the install.
# --no-compile: modules are byte-compiled when first imported, not all at install.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --no-compile -e '.$(EXTRAS_$*)'
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

## demo: the engine end to end on the bundled sample data, then the staff web UI
##       validate -> one seeker's matches -> nightly batch -> web UI, with the
##       city report written in the background meanwhile (about a minute; its
##       path is printed when it is done, its log is demo_out/report.log)
demo: install
	$(BIN)/matcher validate sample_data/seekers.csv sample_data/vacancies.csv --outcomes sample_data/outcomes.csv --out $(DEMO)/validation
	$(BIN)/matcher match --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --seeker S0000001 -k 5
	$(BIN)/matcher batch --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --out $(DEMO)/batch --top-k 20
	( $(BIN)/matcher report --seekers sample_data/seekers.csv --vacancies sample_data/vacancies.csv --batch $(DEMO)/batch --out $(DEMO)/report.html > $(DEMO)/report.log 2>&1 \
	  && echo "City report written: file://$(CURDIR)/$(DEMO)/report.html" \
	  || echo "The city report failed: see $(DEMO)/report.log" ) &
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher import sample_data/seekers.csv sample_data/vacancies.csv --outcomes sample_data/outcomes.csv
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher create-user --username demo --password $(DEMO_PASSWORD) --role admin --if-missing
	@echo ""
	@echo "Staff web UI: http://127.0.0.1:$(PORT)   sign in as demo / $(DEMO_PASSWORD)   (Ctrl-C stops it)"
	MATCHER_INSTANCE_PATH=$(CURDIR)/$(DEMO)/instance $(BIN)/matcher serve --host 127.0.0.1 --port $(PORT) --batch-dir $(CURDIR)/$(DEMO)/batch

## test: the whole test suite. Browser tests skip without chromium, the PostgreSQL
##       store tests without MATCHER_TEST_POSTGRES_URL; .ci/run provides both.
test: install-test
	$(BIN)/python -m pytest -q

test-fast: install-test
	$(BIN)/python -m pytest -q -m "not slow and not browser"

## bench: every benchmark; rewrites the tables of benchmarks/README.md
bench: install-bench
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(DEMO) build dist *.egg-info .pytest_cache
