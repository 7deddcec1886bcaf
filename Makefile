# The two commands a newcomer needs: `make run` and `make test`. Both create .venv and install into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint schema bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## Run the bot: Slack when tokens are in .env, otherwise the offline console
	@$(BIN)/partnerbot run

test: $(STAMP)  ## Run the tests (PostgreSQL too when TEST_DATABASE_URL is set)
	@$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	@$(BIN)/ruff check .

schema: $(STAMP)  ## Regenerate the initial migration from models/ (before the first release only)
	@$(BIN)/python -m bot.platform.migrations.regenerate_initial

bench: $(STAMP)  ## Run every benchmark (minutes; prints figures and baselines)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
