.PHONY: setup demo test test-pg lint bench

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh

test: setup
	.venv/bin/pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy warkat bench

bench: setup
	.venv/bin/python -m bench.run $(BENCH_ARGS)
