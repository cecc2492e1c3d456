#!/usr/bin/env bash
# Set everything up, then run the main job: embedded backend, demo corpus, search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/talent-search demo "$@"
