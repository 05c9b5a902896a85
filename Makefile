.PHONY: run test setup lint bench

# Set up and run the app on its embedded default (private PostgreSQL + Redis), sample scenes loaded.
run:
	bash scripts/run.sh

# Set up and run every test against real PostGIS, Redis, Celery and headless Chromium.
test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

lint:
	.venv/bin/ruff check .
