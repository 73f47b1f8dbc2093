# The two commands: `make demo` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean compile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Byte-compile the package as a regular install would, so every vcs process does not
# recompile it (an editable install under PYTHONDONTWRITEBYTECODE never writes .pyc).
compile: $(STAMP)
	$(BIN)/python -m compileall -q vcs

demo: compile
	$(BIN)/python tests/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

# vcs against git, hg, RCS and Fossil (slow); e.g. make bench BENCH_ARGS="--quick --only startup"
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
