# make         set up (Python packages, pictures, fonts) and publish everything into output/
# make test    run the tests
# make bench   print how long each format takes
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT := output
PO := $(wildcard translations/*/LC_MESSAGES/leaflets.po)
MO := $(PO:.po=.mo)

.PHONY: all setup publish packs check test bench pot clean
all: publish

# Debian packages PyPI has no wheel for: ICU (built into PyICU, for the Unicode
# Bidi Algorithm), and qpdf and poppler, independent PDF readers for the tests.
DEBIAN := libicu-dev pkg-config qpdf poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

setup: $(VENV)/.installed node_modules/.installed $(MO)

.cache/debian.installed:
	@if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v qpdf >/dev/null || ! command -v pdfinfo >/dev/null; then \
	  echo "installing Debian packages: $(DEBIAN)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN) >/dev/null; \
	fi
	@mkdir -p .cache && touch $@

$(VENV)/.installed: requirements.txt .cache/debian.installed
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations/%/LC_MESSAGES/leaflets.mo: translations/%/LC_MESSAGES/leaflets.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d translations -D leaflets -l $* 

publish: setup
	$(PY) publish.py build
	$(PY) publish.py pack packs/*.yaml
	$(PY) publish.py check --quiet --cache .cache/check.json $(OUT)/*/*.pdf

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench.py

clean:
	rm -rf $(OUT) .cache
