# Two commands set everything up: `make run` (the app) and `make test` (all tests).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export ANONYMIZED_TELEMETRY := False

.PHONY: run test index eval bench soak lint browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch==2.13.0 is pinned in pyproject.toml: pip takes the CPU build from this machine's disk.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m index model
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/python -m index build

# An up-to-date index makes `index build` a no-op (~1 s, nothing written): always run it.
run: $(STAMP)
	$(BIN)/python -m index build
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)) \
		|| echo "warning: could not install chromium; browser tests will be skipped"; \
	else echo "note: install Debian's chromium (sudo apt-get install chromium) to run the browser tests"; fi

test: $(STAMP) browser-deps
	$(BIN)/python -m index build
	$(BIN)/python -m pytest -q

eval: index
	$(BIN)/python -m evals run --out eval-out

# Not part of `make test`: ~20 min (the 1000x corpus embeds ~80,000 sentences). Writes bench.json.
bench: $(STAMP)
	$(BIN)/python -m evals bench --out bench.json $(BENCH_ARGS)

soak: $(STAMP) browser-deps
	$(BIN)/python -m index build
	STRIKEQA_SOAK=1 $(BIN)/python -m pytest -q -s tests/reliability
	$(BIN)/python -m tests.reliability.load --seconds 60

lint: $(STAMP)
	$(BIN)/ruff check rag index evals app.py tests
	$(BIN)/mypy

clean:
	rm -rf .strikeqa eval-out artifacts
