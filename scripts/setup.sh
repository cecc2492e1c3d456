#!/usr/bin/env bash
# Create or refresh the project's virtual environment and install every dependency.
# torch is installed first, pinned, so that nothing pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev]"

# The browser tests (tests/test_pages.py) drive Debian's headless Chromium through the Python
# playwright package; `playwright install` is never used (it downloads a browser build).
if [ ! -x /usr/bin/chromium ]; then
  bash scripts/install_chromium.sh
fi
echo "environment ready: $(.venv/bin/python --version), talent-search $(.venv/bin/talent-search --help >/dev/null && echo ok)"
