# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make demo   set up, then chat with a seeded demo network in this terminal
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The Telegram Bot API emulator for end-to-end tests (npm package telegram-test-api).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the Telegram end-to-end tests will be skipped"; fi

setup: $(STAMP) $(NODE_STAMP)

demo: $(STAMP)
	$(BIN)/maillage demo

# Chromium for the live wall's browser test (Debian's chromium and chromium-driver), installed when missing.
.PHONY: browser
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -q chromium chromium-driver || (apt-get update -q && apt-get install -y -q chromium chromium-driver)) >/dev/null \
		|| echo "could not install chromium and chromium-driver: the wall's browser test cannot run"; \
	else echo "chromium/chromedriver not found (Debian: apt-get install chromium chromium-driver): the wall's browser test will be skipped"; fi

test: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .maillage .pytest_cache
