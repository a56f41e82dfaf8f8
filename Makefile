# Developer shortcuts; scripts/test is the one test command (see docs/testing.md).
.PHONY: help bootstrap test pytest sanity units lint docs build ee demo bench clean

help:
	@echo "make bootstrap | test | pytest | sanity | units | lint | docs | build | ee | demo | bench | clean"

bootstrap:
	bash scripts/bootstrap

test:
	bash scripts/test

pytest sanity units lint docs build ee:
	bash scripts/test $@

demo:
	bash scripts/demo

bench:
	bash scripts/bench

clean:
	rm -rf tests/output .pytest_cache .hypothesis context *.tar.gz
	find . -path ./.venv -prune -o -path ./.venvs -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf "$${TMPDIR:-/tmp}"/multicloud-images-test-*
	@echo "kept .venv and .venvs (rm -rf .venv .venvs for a cold start)"
