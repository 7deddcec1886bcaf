# The commands a newcomer needs: `make run`, `make test` and `make demo`. Each creates .venv and installs into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint schema bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## Run the bot: Slack when tokens are in .env, otherwise the offline console
	@$(BIN)/partnerbot run

demo: $(STAMP)  ## The guided tour (demo.txt) in the offline console, on a fresh database in .venv
	@rm -f $(VENV)/demo.db
	@DATABASE_URL=sqlite:///$(VENV)/demo.db $(BIN)/partnerbot console --script demo.txt

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
