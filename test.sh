#!/usr/bin/env bash
# test.sh: build and run every test project against the private PostgreSQL cluster.
# Usage: ./test.sh [--at INSTANT] [dotnet test args, e.g. --filter FullyQualifiedName~Booking]
#   --at 2026-03-27T01:30:00+02:00   run the suite as if it were that instant (ISO 8601 with an offset): the apps under
#                                    test start their clocks there (PAZPAZ_TEST_NOW); scripts/clock-matrix.sh runs them all.
# Ends with one line "N passed, N failed" (summed over the projects' .trx files); exits non-zero
# when anything failed, a project produced no results, or nothing passed.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
cd "$REPO"

if [ "${1:-}" = "--at" ]; then
  if [ -z "${2:-}" ] || ! date -d "$2" >/dev/null 2>&1 || [[ "$2" != *T* ]]; then
    echo "usage: ./test.sh --at <instant, ISO 8601 with an offset, e.g. 2026-03-27T01:30:00+02:00> [dotnet test args]" >&2
    exit 2
  fi
  export PAZPAZ_TEST_NOW="$2"
  shift 2
  echo "==> the suite runs at $PAZPAZ_TEST_NOW ($(date -u -d "$PAZPAZ_TEST_NOW" +%Y-%m-%dT%H:%M:%SZ))"
fi

PROJECTS=(PazPaz.Tests PazPaz.E2E)
RESULTS="$REPO/TestResults"

mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.trx

ensure_postgres fast
ensure_frontend
ensure_chromium
ensure_apt vdirsyncer python3-icalendar  # the feed's subscriber test and independent parser
ensure_smtp
trap 'stop_s3; stop_smtp' EXIT
ensure_s3

ensure_app_role   # the harness creates it too (Testcontainers); the tests run the app as it, the migrations as postgres
export PAZPAZ_TEST_PG="$PAZPAZ_PG"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if [ -f dotnet-tools.json ] || [ -f .config/dotnet-tools.json ]; then
  dotnet tool restore
fi

# Sum the <Counters .../> of one trx file: prints "PASSED FAILED" (errors, timeouts and aborts count as failed).
trx_counts() {
  local counters attr p=0 f=0 v
  counters="$(tr -d '\r\n' <"$1" | grep -o '<Counters [^>]*>' | head -n 1 || true)"
  [ -n "$counters" ] || { echo "0 1"; return 0; }
  for attr in passed failed error timeout aborted; do
    v="$(printf '%s' "$counters" | sed -n "s/.* $attr=\"\([0-9][0-9]*\)\".*/\1/p")"
    v="${v:-0}"
    if [ "$attr" = passed ]; then p=$((p + v)); else f=$((f + v)); fi
  done
  echo "$p $f"
}

declare -A EXIT_CODE=()
build_ok=1
echo "==> dotnet build PazPaz.sln -c Release"
dotnet build PazPaz.sln -c Release || build_ok=0

if [ "$build_ok" = 1 ]; then
  for proj in "${PROJECTS[@]}"; do
    echo "==> dotnet test $proj"
    rc=0
    dotnet test "$proj/$proj.csproj" -c Release --no-build \
      --logger "trx;LogFileName=$proj.trx" --results-directory "$RESULTS" "$@" || rc=$?
    EXIT_CODE[$proj]=$rc
  done
else
  echo "ERROR: build failed; no tests were run" >&2
fi

total_passed=0
total_failed=0
for proj in "${PROJECTS[@]}"; do
  trx="$RESULTS/$proj.trx"
  if [ -f "$trx" ]; then
    read -r p f < <(trx_counts "$trx")
    # A non-zero exit with no failed test in the trx (e.g. the test host crashed) is a failure too.
    if [ "$f" -eq 0 ] && [ "${EXIT_CODE[$proj]:-0}" -ne 0 ]; then f=1; fi
  else
    p=0
    f=1
  fi
  echo "$proj: $p passed, $f failed${EXIT_CODE[$proj]+ (dotnet test exit ${EXIT_CODE[$proj]})}"
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
done

echo "$total_passed passed, $total_failed failed"
if [ "$total_failed" -ne 0 ] || [ "$total_passed" -eq 0 ]; then
  exit 1
fi
