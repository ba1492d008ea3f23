# One command per job; the first run creates .venv and installs the pinned requirements.
# Debian packages (chromium, poppler-utils, fonts-nanum, fonts-wqy-microhei) are needed only by
# `make test` and `make pdf`: `.ci/run` installs them; on your machine:
#   sudo apt-get install chromium poppler-utils fonts-nanum fonts-wqy-microhei

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
UV     := uv==0.13.8
# ProperDocs (the maintained fork of MkDocs 1.x) reads mkdocs.yml; naming it keeps it from
# suggesting a rename.
DOCS   := $(BIN)/properdocs
export PYTHONPATH := $(CURDIR)/scripts
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build check test new-source pdf offline bench golden lock clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

serve: $(STAMP)  ## preview with live reload on http://127.0.0.1:8000
	$(DOCS) serve -f mkdocs.yml --dev-addr 127.0.0.1:8000

build: $(STAMP)  ## strict build into site/ (replaced only when the build succeeds)
	$(BIN)/python scripts/build_site.py -f mkdocs.yml

check: $(STAMP)  ## validate content only (fast)
	$(BIN)/python -m kb check

test: $(STAMP)  ## everything CI checks
	$(BIN)/python -m pytest

new-source: $(STAMP)  ## start a source page and its BibTeX entry (URL='...' TITLE='...' ..., or asks)
	$(BIN)/python -m kb new-source

# `make new-source URL='...' TITLE='...'` (or ARGS='...'): each value reaches `python -m kb` as
# typed, through the environment (KB_NEW_SOURCE_URL...): `$(value)` keeps make from expanding it
# and no shell reads it, so the `&`, `#`, `$`, backticks and quotes of a pasted URL or title stay.
# Unexported under its own name, or make would expand it (running a `$(shell ...)` in a title).
NEW_SOURCE_VALUES := ARGS URL OUTLET TITLE DATE AUTHORS TRANSLATORS LANGUAGE ACCESSED SLUG BIBTEX TITLE_IS_OURS NO_INPUT
$(foreach name,$(NEW_SOURCE_VALUES),$(if $(filter command line,$(origin $(name))),\
  $(eval unexport $(name))$(eval new-source: export KB_NEW_SOURCE_$(name) = $$(value $(name)))))

golden: $(STAMP)  ## rewrite the golden files after an intended change to the templates
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

lock: $(STAMP)  ## after editing requirements.in: pin every package again, with hashes
	$(BIN)/uv pip compile --quiet --generate-hashes --no-header --python $(BIN)/python requirements.in -o requirements.txt

clean:
	rm -rf site build .pytest_cache .cache .site.new-* .site.old-* build/.offline.new-* build/.offline.old-*

pdf: $(STAMP)  ## the whole knowledge base as one PDF in site/pdf/
	$(BIN)/python scripts/pdf.py

offline: $(STAMP)  ## a zip of the site that works from disk (file://)
	$(BIN)/python scripts/offline.py

bench: $(STAMP)  ## synthetic knowledge bases of 100 and 1,000 sources (ARGS=--sizes 100,1000,10000)
	$(BIN)/python scripts/bench.py $(ARGS)
