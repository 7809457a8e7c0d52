# The README's two commands: `make report` (set-up + main job on the bundled sample)
# and `make test` (set-up + lint + the whole test suite). A fresh machine needs only Python 3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup report test lab bench clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# compile the theme-scan kernels once (about 20 s); later processes load them from the disk cache
	$(BIN)/python -c "from analysis.themes.matcher import compile_matcher; compile_matcher().find('Tariffs.')"
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/python -m analysis ingest data/sample
	$(BIN)/python -m analysis report

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/append.py
	$(BIN)/python bench/themes.py
	$(BIN)/python bench/text.py
	$(BIN)/python bench/model.py
	$(BIN)/python bench/report.py

clean-venv:
	rm -rf $(VENV)
