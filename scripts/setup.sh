#!/usr/bin/env bash
# Create or refresh the project's virtual environment and install every dependency from
# requirements.lock: exact versions with their hashes (pip checks every file it downloads),
# written by scripts/lock.sh from pyproject.toml. That includes torch==2.13.0 as PyPI builds it
# for Linux (2.13.0+cu130, with its nvidia-* wheels), so nothing resolves a different torch.
# Then the project itself, editable and without dependencies, built with the lock's setuptools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
PIP_VERSION=26.3 # pinned like everything else; the lock is read by this pip
EDITABLE_NOTICE_FILTER="ignore:Editable installation:UserWarning"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet "pip==$PIP_VERSION"
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
# setuptools reports every editable install with a long "Editable installation." notice (an
# InformationOnly UserWarning from the build backend, which pip re-emits as a
# BuildBackendWarning); Python's own warning filter, for this command only, drops that notice
# and nothing else.
PYTHONWARNINGS="$EDITABLE_NOTICE_FILTER" \
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .

# The browser tests (tests/integration/test_pages.py) drive Debian's headless Chromium through
# the Python playwright package; `playwright install` is never used (it downloads a browser build).
if [ ! -x /usr/bin/chromium ]; then
  bash scripts/install_chromium.sh
fi
echo "environment ready: $(.venv/bin/python --version), talent-search $(.venv/bin/talent-search --help >/dev/null && echo ok)"
