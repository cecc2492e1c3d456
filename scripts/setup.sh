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
echo "environment ready: $(.venv/bin/python --version), talent-search $(.venv/bin/talent-search --help >/dev/null && echo ok)"
