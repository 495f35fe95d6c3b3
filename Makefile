.PHONY: setup demo test test-pg lint bench

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

test: setup
	.venv/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy warkat bench

bench: setup
	.venv/bin/python -m bench.run $(BENCH_ARGS)
