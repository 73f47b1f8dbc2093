# The two commands: `make demo` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test stress bench clean compile

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

# On every core (pytest-xdist): each test is its own folders and processes.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# vcs against git, hg, RCS and Fossil (slow); e.g. make bench BENCH_ARGS="--quick --only startup"
bench: compile
	$(BIN)/python tests/benchmarks/bench.py $(BENCH_ARGS)

# The long checks: huge files, 8 writers x 50 commits, thousands of corruptions,
# signals at random points, the delta decoder fuzzed. Takes several minutes.
stress: $(STAMP)
	VCS_STRESS=1 VCS_STRESS_WRITERS=8 VCS_STRESS_COMMITS=50 VCS_STRESS_CORRUPTIONS=3000 \
	VCS_STRESS_SIGNALS=40 VCS_STRESS_FUZZ=20000 $(BIN)/python -m pytest -q -s tests/test_stress.py \
	tests/test_concurrency.py tests/test_corruption.py tests/test_signals.py tests/test_faults.py tests/test_branches.py \
	tests/test_merge_faults.py tests/test_git_remote_faults.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
