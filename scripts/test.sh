#!/usr/bin/env bash
# With no options (what CI runs): set everything up, then run lint, type checks and the whole
# test suite. The options run one part alone, on the .venv as it is (no setup, no reinstall):
usage() {
  cat <<'EOF'
usage: scripts/test.sh [--no-setup] [--lint] [--unit] [--integration] [--faults] [PYTEST_ARGS...]

  (no part named)  scripts/setup.sh, then lint, mypy and every test: what CI runs
  --no-setup       the same without scripts/setup.sh (the .venv as it is)
  --lint           ruff check, ruff format --check and mypy only
  --unit           tests/unit: no engine, no server, no model (seconds)
  --integration    tests/integration: engines (both), the model, the browser, the CLI end to
                   end, but not the fault tests
  --faults         the fault tests (engine and node failures the service must survive)

Naming parts runs just those, in that order, without setup. Any other argument goes to pytest
(after `--`, every argument does), e.g. scripts/test.sh --unit -q -x -k badge
EOF
}
set -euo pipefail
cd "$(dirname "$0")/.."

# Which tests each part runs, by directory (the fault tests are the `fault`-marked part of
# tests/integration). Together, unit + integration + faults are the whole suite.
UNIT_TESTS=(tests/unit)
INTEGRATION_TESTS=(tests/integration -m "not fault")
FAULT_TESTS=(tests/integration -m fault)

setup=1
parts=()
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-setup) setup=0 ;;
    --lint | --unit | --integration | --faults) parts+=("${1#--}") ;;
    -h | --help) usage; exit 0 ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
lint() {
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  .venv/bin/mypy
  .venv/bin/lint-imports  # the layers contract: pyproject.toml, [tool.importlinter]
}
if [ ${#parts[@]} -eq 0 ]; then
  if [ "$setup" = 1 ]; then
    bash scripts/setup.sh
  fi
  lint
  exec .venv/bin/pytest ${pytest_args[@]+"${pytest_args[@]}"}
fi
for part in "${parts[@]}"; do
  case "$part" in
    lint) lint ;;
    unit) selection=("${UNIT_TESTS[@]}") ;;
    integration) selection=("${INTEGRATION_TESTS[@]}") ;;
    faults) selection=("${FAULT_TESTS[@]}") ;;
  esac
  if [ "$part" != lint ]; then
    { printf '== %s tests: pytest' "$part"; printf ' %q' "${selection[@]}" ${pytest_args[@]+"${pytest_args[@]}"}; echo; } >&2
    .venv/bin/pytest "${selection[@]}" ${pytest_args[@]+"${pytest_args[@]}"}
  fi
done
