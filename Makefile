# make         set up (Python packages, pictures, fonts), publish everything into output/, and the catalogue
# make test    run the tests (installs Debian's chromium for the catalogue's browser tests)
# make bench   timings beside Typst and the code before (make bench ARGS=--quick for a short run)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT := output

.PHONY: all setup publish packs check test bench pot update-po init-po status clean
all: publish

# Debian packages PyPI has no wheel for: ICU (built into PyICU, for the Unicode
# Bidi Algorithm), qpdf and poppler, independent PDF readers for the tests,
# gettext, whose msgmerge and msgfmt update and check the translators' catalogues,
# and libgs-common, Ghostscript's ICC profiles: the CMYK printer profile of the
# print files' PDF/X output intent and the sRGB profile of their pictures.
DEBIAN := libicu-dev pkg-config qpdf poppler-utils gettext libgs-common
ICC := /usr/share/color/icc/ghostscript/default_cmyk.icc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

setup: $(VENV)/.installed node_modules/.installed

# Made again while the file of a package added to DEBIAN since is missing (a stamp does not see the list grow).
.PHONY: debian-missing
.cache/debian.installed: $(if $(wildcard $(ICC)),,debian-missing)
	@if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v qpdf >/dev/null || ! command -v pdfinfo >/dev/null \
	    || ! command -v msgmerge >/dev/null || ! test -f $(ICC); then \
	  echo "installing Debian packages: $(DEBIAN)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN) >/dev/null; \
	fi
	@mkdir -p .cache && touch $@

# The project itself too (editable), so that pybabel finds its `leaflets` extractor.
$(VENV)/.installed: requirements.txt pyproject.toml .cache/debian.installed
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set, every process would compile every module.
publish: setup
	$(PY) -m compileall -q leaflets publish.py
	$(PY) publish.py build
	$(PY) publish.py pack packs/*.yaml
	$(PY) publish.py site
	$(PY) publish.py check --quiet --cache .cache/check.json $$(ls $(OUT)/*/*.pdf | grep -v '\.booklet\.\(marks\.\)\?pdf$$')
	for ticket in $(OUT)/packs/*.ticket.json; do $(PY) publish.py preflight --ticket "$$ticket" || exit 1; done

# For translators: the template, every language's catalogue merged with it, a new language.
pot: setup
	$(PY) publish.py extract

update-po: pot
	$(PY) publish.py update-po

# LANG is also the locale variable of every shell, so only LANG=xx on make's command line counts.
init-po: pot
	@if [ "$(origin LANG)" != "command line" ]; then \
	  echo "make init-po: say which language, e.g. make init-po LANG=pl" >&2; exit 2; fi
	$(PY) publish.py init-po '$(LANG)'

# The translators' report: per language and leaflet, what is translated, and every finding.
status: setup
	$(PY) publish.py status

# The catalogue's browser tests drive Debian's Chromium (Playwright is told where it is: it never downloads a
# browser of its own); only the tests need it.
.cache/browser.installed:
	@if ! command -v chromium >/dev/null; then \
	  echo "installing Debian package: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi
	@mkdir -p .cache && touch $@

test: setup .cache/browser.installed
	$(PY) -m pytest -q

# Typst (PyPI) is the bench's yardstick only, so it is installed here, not in requirements.txt.
# `make bench ARGS=--quick` for a shorter run; `python bench.py --help` lists the options.
bench: setup
	$(VENV)/bin/pip install --quiet --disable-pip-version-check typst==0.15.2
	$(PY) bench.py $(ARGS)

# The output and the check results; the installed packages and derived fonts stay.
clean:
	rm -rf $(OUT) .cache/check.json
