# Two commands do all set-up on a fresh machine:
#   make build   - virtual environment, install, the fonts the PDF needs, build content/
#   make test    - the same set-up plus test tools and system tools, then the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SYSTEM_TOOLS := soffice pdftoppm pdftotext pdffonts
SYSTEM_PACKAGES := libreoffice-writer-nogui poppler-utils fonts-liberation2 fonts-wqy-microhei \
	libharfbuzz-subset0 python3-uno fonts-noto-cjk fonts-hosny-amiri libcairo2
# the pinned Chinese and Arabic fonts of the PDF (reportgen/writers/script_fonts.py)
PINNED_FONTS := /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
	/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf

.PHONY: build test check lint system-deps runtime-deps bench clean template

build: $(STAMP) runtime-deps
	$(BIN)/reportgen build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q reportgen  # bytecode even where the environment forbids writing it
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# LibreOffice (real-client tests), poppler-utils (PDF text and PNG pages), the
# Times-metric fonts LibreOffice substitutes for Times New Roman, a CJK font for
# Chinese text in LibreOffice, the pinned Chinese and Arabic fonts of the PDF,
# HarfBuzz's subsetter (WeasyPrint's font subsetting) and LibreOffice's Python bridge
# for the system interpreter (tests that act as a reviewer in LibreOffice).
# What building itself needs from the system: the pinned Chinese and Arabic fonts of the
# PDF, HarfBuzz's subsetter and cairo (CairoSVG draws an SVG figure's PNG for Word).
RUNTIME_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk fonts-hosny-amiri libcairo2
runtime-deps:
	@missing=""; for f in $(PINNED_FONTS); do [ -f $$f ] || missing="$$missing $$f"; done; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	ldconfig -p 2>/dev/null | grep -q "libcairo.so.2" || missing="$$missing libcairo2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing fonts and libraries:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(RUNTIME_PACKAGES) >/dev/null; \
	  else \
	    echo "warning: missing$$missing: Chinese and Arabic PDFs will fail (install $(RUNTIME_PACKAGES))"; \
	  fi; \
	fi

system-deps:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	fc-list 2>/dev/null | grep -qi "Liberation Serif" || missing="$$missing fonts-liberation2"; \
	fc-list 2>/dev/null | grep -qi "WenQuanYi" || missing="$$missing fonts-wqy-microhei"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	ldconfig -p 2>/dev/null | grep -q "libcairo.so.2" || missing="$$missing libcairo2"; \
	/usr/bin/python3 -c "import uno" 2>/dev/null || missing="$$missing python3-uno"; \
	for f in $(PINNED_FONTS); do [ -f $$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system tools:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "warning: missing system tools:$$missing (tests that need them will be skipped)"; \
	  fi; \
	fi

test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/reportgen check
	$(BIN)/python -m pytest -n auto --dist loadfile

# The peers of the benchmark: pandoc (installed here when missing, as system-deps does for
# the test tools) and LibreOffice; then every figure of the targets table in one run, and
# how the cost grows with the size of a report (bench/scale.py).
bench: $(STAMP)
	@missing=""; command -v pandoc >/dev/null || missing="$$missing pandoc"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing the benchmark's peers:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "warning: missing$$missing: the peers' rows are skipped"; \
	  fi; \
	fi
	$(BIN)/python bench/run.py --all
	$(BIN)/python bench/scale.py

template: $(STAMP)  # the generator needs lxml; it reads reportgen/prepare/layout.py of this checkout
	$(BIN)/python templates/make_template.py

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache
