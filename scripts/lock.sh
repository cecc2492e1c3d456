#!/usr/bin/env bash
# Regenerate requirements.lock, the exact versions (with hashes) that scripts/setup.sh installs,
# from pyproject.toml: the runtime dependencies plus the `dev` extra.
#
# Run it after changing a dependency in pyproject.toml, and commit both files together
# (tests/unit/test_setup_scripts.py fails while the lock misses a dependency or pins a version that
# pyproject no longer allows). Versions already in the lock are kept while pyproject allows them;
# move them on purpose with `scripts/lock.sh --upgrade-package NAME` or `scripts/lock.sh --upgrade`
# (any argument goes to `uv pip compile`).
#
# The lock is for the machines the project runs on (CI's and the developers'): CPython 3.11 on
# x86-64 Linux, whoever runs this script. There PyPI's torch==2.13.0 is the CUDA build
# (2.13.0+cu130) and pulls its nvidia-* wheels, so they are in the lock too.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-.venv/bin/uv}"
if [ ! -x "$UV" ] && ! command -v "$UV" >/dev/null; then
  echo "lock.sh: $UV not found; run scripts/setup.sh first (uv is a dev dependency)" >&2
  exit 1
fi
"$UV" pip compile pyproject.toml \
  --extra dev \
  --generate-hashes \
  --python-version 3.11 \
  --python-platform x86_64-unknown-linux-gnu \
  --custom-compile-command "scripts/lock.sh" \
  --output-file requirements.lock \
  "$@" >/dev/null  # the file itself, not its echo on stdout
