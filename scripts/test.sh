#!/usr/bin/env bash
# With no options (what CI runs): set everything up, then run lint, type checks and the whole
# test suite. The options run one part alone, on the .venv as it is (no setup, no reinstall):
usage() {
  cat <<'EOF'
usage: scripts/test.sh [--no-setup] [--lint] [--unit] [--integration] [--faults] [--compat]
                      [PYTEST_ARGS...]

  (no part named)  scripts/setup.sh, then lint, mypy, every test on OpenSearch 3.5.0 and the
                   2.19.1 compatibility run: what CI runs
  --no-setup       the same without scripts/setup.sh (the .venv as it is)
  --lint           ruff check, ruff format --check and mypy only
  --unit           tests/unit: no engine, no server, no model (seconds)
  --integration    tests/integration: engines (both), the model, the browser, the CLI end to
                   end, but not the fault tests
  --faults         the fault tests (engine and node failures the service must survive)
  --compat         the compatibility run on OpenSearch 2.19.1: the backend contract suite, the
                   congruence test and one end-to-end API test, on the real engine only

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
# The older supported version keeps a smaller run of its own, so a regression on either fails CI.
COMPAT_VERSION=2.19.1
COMPAT_TESTS=(
  tests/integration/test_backend_contract.py
  tests/integration/test_engine_congruence.py
  tests/integration/test_query_api.py::test_a_standard_search_returns_ranked_tiles_without_diversity_fields
  -k "opensearch or congruence"
)

setup=1
parts=()
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-setup) setup=0 ;;
    --lint | --unit | --integration | --faults | --compat) parts+=("${1#--}") ;;
    -h | --help) usage; exit 0 ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
compat() {
  { printf '== compat tests on OpenSearch %s: pytest' "$COMPAT_VERSION"; printf ' %q' "${COMPAT_TESTS[@]}" "$@"; echo; } >&2
  TALENT_SEARCH_ENGINE_VERSION="$COMPAT_VERSION" .venv/bin/pytest "${COMPAT_TESTS[@]}" "$@"
}
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
  echo "== every test, on OpenSearch 3.5.0" >&2
  .venv/bin/pytest ${pytest_args[@]+"${pytest_args[@]}"}
  exec bash "$0" --compat ${pytest_args[@]+"${pytest_args[@]}"}
fi
for part in "${parts[@]}"; do
  case "$part" in
    lint) lint ;;
    unit) selection=("${UNIT_TESTS[@]}") ;;
    integration) selection=("${INTEGRATION_TESTS[@]}") ;;
    faults) selection=("${FAULT_TESTS[@]}") ;;
    compat) compat ${pytest_args[@]+"${pytest_args[@]}"}; continue ;;
  esac
  if [ "$part" != lint ]; then
    { printf '== %s tests: pytest' "$part"; printf ' %q' "${selection[@]}" ${pytest_args[@]+"${pytest_args[@]}"}; echo; } >&2
    .venv/bin/pytest "${selection[@]}" ${pytest_args[@]+"${pytest_args[@]}"}
  fi
done
