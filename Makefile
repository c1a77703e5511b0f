# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench system-deps report-deps clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

## run: the service on embedded defaults (SQLite file here, the LINE simulator); prints where to open it
run: $(BIN)/.installed report-deps
	$(BIN)/tambon serve --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite; PostgreSQL too when TAMBON_TEST_DATABASE_URL is set)
test: $(BIN)/.installed system-deps
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/webhook_ack.py

# Debian packages the tests use: a Thai font (rich-menu image, PDF reports), Chromium (the simulator page
# test), Pango (WeasyPrint's PDF reports) and a colour-emoji font (the simulator shows 🙏, not boxes).
# `make run` needs all but Chromium (report-deps).
system-deps:
	@$(MAKE) --no-print-directory _apt NEED_CHROMIUM=1

report-deps:
	@$(MAKE) --no-print-directory _apt NEED_CHROMIUM=

_apt:
	@missing=""; \
	ls /usr/share/fonts/truetype/tlwg/*.ttf >/dev/null 2>&1 || missing="$$missing fonts-thai-tlwg"; \
	ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ls /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf >/dev/null 2>&1 || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$(NEED_CHROMIUM)" ] && [ ! -x /usr/bin/chromium ]; then missing="$$missing chromium"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) *.egg-info
