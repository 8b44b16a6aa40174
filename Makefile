# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test services

$(BIN)/scrapy: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# The offline main job: the sample pages through the whole chain. The dedup
# index and the learned templates are kept in memory here so the demo gives the same
# output every time.
demo: $(BIN)/scrapy
	$(BIN)/scrapy crawl files -a path=samples -O articles.jsonl -s DEDUP_BACKEND=memory -s CLEAN_TEMPLATES_BACKEND=memory
	@echo "articles: articles.jsonl; rejects: exports/rejects/"

# Servers the tests start for real (Redis); installed from Debian's packages when missing.
services:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

test: $(BIN)/scrapy services
	$(BIN)/python -m pytest -q
