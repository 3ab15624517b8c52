# Two front-door targets: `make run` (the main job on the bundled data) and `make test`.
# Both create .venv with the Python found as $(PYTHON) (3.11 or newer) and install the project.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  ?= models/model.joblib
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run train test browser postgres bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# trains only when no model exists (or the bundled data changed)
$(MODEL): data/shows.csv data/reviews.jsonl | $(STAMP)
	$(BIN)/python train.py --out $(MODEL)

train: $(MODEL)

run: $(STAMP) $(MODEL)
	$(BIN)/kdrama similar "Soundtrack #1" --weekend --model $(MODEL)
	$(BIN)/kdrama serve --model $(MODEL)

# Debian's Chromium for the browser tests (a test tool's own browser download does not work offline)
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	  else echo "no $(CHROMIUM) and no root apt-get: browser tests will be skipped"; fi; \
	fi

# Debian's PostgreSQL server binaries for the store and replica tests; the tests start a throwaway
# cluster from them (or use $$KDRAMA_TEST_DATABASE_URL), and skip with a reason when neither exists
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's postgresql for the PostgreSQL tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "no /usr/lib/postgresql and no root apt-get: PostgreSQL tests will be skipped"; fi; \
	fi

test: $(STAMP) browser postgres
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

lint: $(STAMP)
	$(BIN)/ruff check recommender service tests bench train.py

clean:
	rm -rf $(VENV) models .pytest_cache
