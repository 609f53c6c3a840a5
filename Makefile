# Every figure of a post from one command: `make all` (the article's, unless POST says another post).
# The first run creates .venv and installs the project into it.
#   make all                     everything (cat/dog figures need RENDER_DATA=DIR or ./datasets)
#   make all POST=examples/learning-rate   another post (a module, or a .py file or folder), into output/NAME/
#   make all JOBS=4              with 4 outputs rendered at once (default: one per core)
#   make contour-compressed      one output (a target per output, see `make list`)
#   make figures / videos / surfaces / gallery   one kind of output, or the gallery page
#   make test / make bench       the tests / the benchmarks
#   make doctor                  what works here (ffmpeg, Chrome, dataset) before a long render
#   make publish TARGET=mkdocs   a bundle per output for a kind of site, in OUT/publish/TARGET/
#   make publish TARGET=pelican SCHEME=light   for a site whose theme is always light
#                                (render publish --help lists the targets and what to do with them)
#   make figures OUT=DIR VIDEO_FORMATS=mp4,gif RENDER_FLAGS="--theme light --seed 3"
#                                into DIR (gallery too), in those formats, with more options;
#                                values reach render as typed (RENDER_FLAGS split at blanks, no quoting)
#   make clean                   empties OUT (default output/, every post's renders) but for its .gitkeep

PYTHON ?= python3
VENV ?= .venv
# Empty: each post's own folder (output/ for the article, output/NAME/ for another post).
OUT ?=
POST ?=
# Empty: the command line's own defaults (`render all --help` shows them), defined once there.
VIDEO_FORMATS ?=
JOBS ?=
RENDER_FLAGS ?=
TARGET ?=
SCHEME ?=
# These six are data, never code.  Make pastes a $(VAR) into the shell command as text, where a
# blank splits it and a quote, `;` or `$(...)` in it runs, whatever quoting surrounds it; so the
# recipes read them from their environment instead, as "$$OUT".  `:= $(value VAR)` keeps a value
# as typed: make would otherwise expand a `$(...)` in it itself, `$(shell ...)` included.
override OUT := $(value OUT)
override VIDEO_FORMATS := $(value VIDEO_FORMATS)
override JOBS := $(value JOBS)
override RENDER_FLAGS := $(value RENDER_FLAGS)
override TARGET := $(value TARGET)
override SCHEME := $(value SCHEME)
override POST := $(value POST)
export OUT VIDEO_FORMATS JOBS RENDER_FLAGS TARGET SCHEME POST
# Shell text holding no value, only names: RENDER_FLAGS is left unquoted to split it into words,
# under `set -f` so that a `*` stays a `*`; splitting never runs a `;`, `$(...)` or backquote.
RENDER = set -f; $(BIN)/render
CHOSEN = $${POST:+--post "$$POST"} $${OUT:+--out "$$OUT"}
RENDER_OPTIONS = $(CHOSEN) $${VIDEO_FORMATS:+--formats "$$VIDEO_FORMATS"} $${JOBS:+--jobs "$$JOBS"} $$RENDER_FLAGS
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

# The article's outputs by kind, in its order: a Make target each (tests check them against `render list`).
FIGURES := catdog-samples catdog-learning-curves catdog-weights catdog-landscape catdog-landscape-random \
	blobs-compressed loss-compressed contour-compressed \
	blobs-normalized loss-normalized contour-normalized loss-comparison \
	optimizers-contour-compressed optimizers-contour-normalized
VIDEOS := catdog-landscape-descent descent-compressed descent-normalized descent-comparison boundary-compressed boundary-normalized \
	optimizers-compressed optimizers-normalized
SURFACES := catdog-landscape-surface surface-compressed surface-normalized optimizers-surface-compressed optimizers-surface-normalized

.PHONY: all figures videos surfaces gallery publish list test test-slow bench doctor chrome cmark-gfm generators clean \
	$(FIGURES) $(VIDEOS) $(SURFACES)

# With the light twins of every figure and surface (NAME-light.*): the gallery shows
# each reader the one that matches their colour scheme.
all: $(INSTALLED) chrome
	$(RENDER) all --twins $(RENDER_OPTIONS)

figures: $(INSTALLED)
	$(RENDER) figures $(RENDER_OPTIONS)

videos: $(INSTALLED)
	$(RENDER) videos $(RENDER_OPTIONS)

surfaces: $(INSTALLED) chrome
	$(RENDER) surfaces $(RENDER_OPTIONS)

$(FIGURES) $(VIDEOS) $(SURFACES): $(INSTALLED)
	$(RENDER) $@ $(RENDER_OPTIONS)

$(SURFACES): chrome

# manifest.json and the gallery (index.html, snippets/NAME.html) from what is rendered (every render
# command also refreshes them).
gallery: $(INSTALLED)
	$(BIN)/render gallery $(CHOSEN)

# Without TARGET, render says which targets there are.
publish: $(INSTALLED)
	$(BIN)/render publish $${TARGET:+--target "$$TARGET"} $${SCHEME:+--scheme "$$SCHEME"} $(CHOSEN)

list: $(INSTALLED)
	@$(BIN)/render list $${POST:+--post "$$POST"}

test: $(INSTALLED) chrome cmark-gfm generators $(NODE_INSTALLED)
	$(BIN)/python -m pytest -q

test-slow: $(INSTALLED) chrome $(NODE_INSTALLED)
	$(BIN)/python -m pytest -q -m slow

bench: $(INSTALLED) chrome
	$(BIN)/python -m benchmarks

doctor: $(INSTALLED)
	$(BIN)/render doctor $${POST:+--post "$$POST"}

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

# GitHub's Markdown (cmark-gfm), which the tests read the README snippets through: Debian's package when
# root with apt-get.  This step never fails the make; without it those checks skip, saying why.
cmark-gfm:
	@command -v cmark-gfm >/dev/null 2>&1 && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's cmark-gfm (GitHub's Markdown) for the README snippet's tests"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmark-gfm >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmark-gfm >/dev/null; }; } && exit 0; \
	fi; \
	echo "warning: no cmark-gfm: the README snippet's checks against GitHub's Markdown will skip" >&2

# Hugo and Jekyll, which the tests build sites with from the hugo and jekyll bundles: Debian's
# packages when root with apt-get (each installs in about 15 s).  This step never fails the make;
# without them those checks skip, saying why.
generators:
	@missing=""; for tool in hugo jekyll; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's$$missing for the site generators' tests"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; } && exit 0; \
	fi; \
	echo "warning: no$$missing: the tests that build a site with it will skip" >&2

# setuptools' deprecation banners during the editable install are about its own future, not this
# project: silenced, while a real failure still stops the make with pip's error.
$(INSTALLED): pyproject.toml
	@echo "installing the project and its dependencies into $(VENV) (a few minutes, once)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's python3-venv (this Python cannot make a virtual environment without it)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  fi; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,distributed]'
	@touch $@
	@echo "installed: $(BIN)/render"

# The Node packages the tests run (axe-core checks the pages' accessibility, webvtt-parser the
# captions; Eleventy, Astro and Docusaurus build sites from the snippets; Lighthouse scores the
# gallery's and a post's speed on a phone), at the versions
# package-lock.json pins (Astro 5.9 and Docusaurus 3.10: the last to run on Node 20): `npm ci`
# installs exactly those, and again only when package.json or the lock changes (the stamp is
# newer than both otherwise).
$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Everything in OUT but .gitkeep.  A relative OUT is found as ./OUT, so that a name starting with
# `-`, `!` or `(` is a directory and not find's expression (which would then run on `.`); an empty
# OUT is output/, where every post renders by default (never `.`).
clean:
	out="$${OUT:-output}"; \
	case "$$out" in \
	  /*) dir="$$out" ;; \
	  *) dir="./$$out" ;; \
	esac; \
	if [ -d "$$dir" ]; then find "$$dir" -mindepth 1 ! -name .gitkeep -delete; fi
