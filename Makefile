# Two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DIST_STAMP := $(VENV)/.dist-installed

.PHONY: run test lint bench screenshots demo clean dist dist-test icons

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

demo: $(STAMP)
	$(PY) main.py demo

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP) lint
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

$(DIST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,dist]'
	touch $(DIST_STAMP)

# The PyInstaller one-folder bundle for this platform: dist/stockroom/ (see README, Install).
dist: $(DIST_STAMP)
	rm -rf dist/stockroom build/pyinstaller
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller tools/pyinstaller/stockroom.spec
	@echo "bundle: dist/stockroom, $$(du -sh dist/stockroom | cut -f1)" \
		"($$(find dist/stockroom -type f | wc -l) files)"

# The wheel installed with pip and uv outside the checkout, and the bundle's smoke test.
dist-test: dist
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m dist tests/test_packaging.py tests/test_bundle.py

# After editing resources/app/stockroom.svg: the PNG sizes, .ico and .icns beside it.
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/make_icons.py

bench: $(STAMP)
	$(PY) bench/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache build dist
