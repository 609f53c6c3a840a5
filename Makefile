# Every figure of the article from one command: `make all`.
# The first run creates .venv and installs the project into it.
#   make all                     everything (cat/dog figures need RENDER_DATA=DIR or ./datasets)
#   make contour-compressed      one output (a target per output, see `make list`)
#   make test / make bench       the tests / the benchmarks

PYTHON ?= python3
VENV ?= .venv
OUT ?= output
RENDER_FLAGS ?=
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

FIGURES := catdog-samples catdog-learning-curves \
	blobs-compressed loss-compressed contour-compressed \
	blobs-normalized loss-normalized contour-normalized
VIDEOS := descent-compressed descent-normalized descent-comparison

.PHONY: all figures videos list test test-slow bench clean $(FIGURES) $(VIDEOS)

all: $(INSTALLED)
	$(BIN)/render all --out $(OUT) $(RENDER_FLAGS)

figures: $(INSTALLED)
	$(BIN)/render figures --out $(OUT) $(RENDER_FLAGS)

videos: $(INSTALLED)
	$(BIN)/render videos --out $(OUT) $(RENDER_FLAGS)

$(FIGURES) $(VIDEOS): $(INSTALLED)
	$(BIN)/render $@ --out $(OUT) $(RENDER_FLAGS)

list: $(INSTALLED)
	@$(BIN)/render list

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

test-slow: $(INSTALLED)
	$(BIN)/python -m pytest -q -m slow

bench: $(INSTALLED)
	$(BIN)/python -m benchmarks

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	find $(OUT) -mindepth 1 ! -name .gitkeep -delete
