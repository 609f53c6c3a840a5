# Every figure of the article from one command: `make all`.
# The first run creates .venv and installs the project into it.
#   make all                     everything (cat/dog figures need RENDER_DATA=DIR or ./datasets)
#   make all JOBS=4              with 4 outputs rendered at once (default: one per core)
#   make contour-compressed      one output (a target per output, see `make list`)
#   make figures / videos / surfaces / gallery   one kind of output, or the gallery page
#   make test / make bench       the tests / the benchmarks
#   make doctor                  what works here (ffmpeg, Chrome, dataset) before a long render

PYTHON ?= python3
VENV ?= .venv
OUT ?= output
# Empty: the command line's own defaults (`render all --help` shows them), defined once there.
VIDEO_FORMATS ?=
JOBS ?=
RENDER_FLAGS ?=
RENDER_OPTIONS = --out $(OUT) $(if $(VIDEO_FORMATS),--formats $(VIDEO_FORMATS)) $(if $(JOBS),--jobs $(JOBS)) \
	$(RENDER_FLAGS)
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

FIGURES := catdog-samples catdog-learning-curves \
	blobs-compressed loss-compressed contour-compressed \
	blobs-normalized loss-normalized contour-normalized
VIDEOS := descent-compressed descent-normalized descent-comparison
SURFACES := surface-compressed surface-normalized

.PHONY: all figures videos surfaces gallery list test test-slow bench doctor chrome clean $(FIGURES) $(VIDEOS) $(SURFACES)

all: $(INSTALLED) chrome
	$(BIN)/render all $(RENDER_OPTIONS)

figures: $(INSTALLED)
	$(BIN)/render figures $(RENDER_OPTIONS)

videos: $(INSTALLED)
	$(BIN)/render videos $(RENDER_OPTIONS)

surfaces: $(INSTALLED) chrome
	$(BIN)/render surfaces $(RENDER_OPTIONS)

$(FIGURES) $(VIDEOS) $(SURFACES): $(INSTALLED)
	$(BIN)/render $@ $(RENDER_OPTIONS)

$(SURFACES): chrome

# manifest.json and index.html from what is rendered (every render command also refreshes them).
gallery: $(INSTALLED)
	$(BIN)/render gallery --out $(OUT)

list: $(INSTALLED)
	@$(BIN)/render list

test: $(INSTALLED) chrome
	$(BIN)/python -m pytest -q

test-slow: $(INSTALLED) chrome
	$(BIN)/python -m pytest -q -m slow

bench: $(INSTALLED) chrome
	$(BIN)/python -m benchmarks

doctor: $(INSTALLED)
	$(BIN)/render doctor

# A Chrome for the surface PNGs (kaleido draws them in one): the one found (BROWSER_PATH,
# or installed), else Debian's chromium-headless-shell when root with apt-get, else
# plotly_get_chrome.  This step never fails the make; without a Chrome the surface
# PNGs fail (one line each, and render exits 1) while everything else renders.
chrome: $(INSTALLED)
	@$(BIN)/python -m render.chrome && exit 0; \
	if [ -n "$$BROWSER_PATH" ]; then \
	  echo "warning: BROWSER_PATH names no usable Chrome; the surface PNGs will fail" >&2; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium-headless-shell for the surface PNGs"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null && \
	  $(BIN)/python -m render.chrome && exit 0; \
	fi; \
	echo "trying plotly_get_chrome -y (downloads Chrome for Testing)"; \
	$(BIN)/plotly_get_chrome -y >/dev/null 2>&1 && $(BIN)/python -m render.chrome && exit 0; \
	echo "warning: no Chrome: the surface PNGs will fail (the rest renders); install one or set BROWSER_PATH" >&2

# setuptools' deprecation banners during the editable install are about its own future, not this
# project: silenced, while a real failure still stops the make with pip's error.
$(INSTALLED): pyproject.toml
	@echo "installing the project and its dependencies into $(VENV) (a few minutes, once)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,distributed]'
	@touch $@
	@echo "installed: $(BIN)/render"

clean:
	if [ -d $(OUT) ]; then find $(OUT) -mindepth 1 ! -name .gitkeep -delete; fi
