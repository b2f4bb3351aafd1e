#!/usr/bin/env bash
# scripts/clock-matrix.sh: the whole suite at each instant that has broken calendars before, then at the real time.
# Usage: scripts/clock-matrix.sh [dotnet test args, e.g. --filter FullyQualifiedName~PazPaz.E2E]
# Each run is ./test.sh --at <instant>; the script ends with one line per instant and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

INSTANTS=(
  2026-03-27T01:30:00+02:00   # Asia/Jerusalem, the spring-forward night (02:00 → 03:00)
  2026-10-25T01:30:00+01:00   # Europe/London, the fall-back night (01:00–02:00 happens twice; this is the first)
  2026-12-31T23:55:00+02:00   # 23:55 on 31 December in Jerusalem: tomorrow is another year
  2026-12-08T08:15:00+02:00   # 08:15 in Jerusalem on a working day (a Tuesday): the next slot meets the 09:00 session
  2026-12-05T12:00:00+02:00   # a Saturday, outside the Israeli working week
  "$(date -Iseconds)"         # the real current time
)

declare -a SUMMARY=()
status=0
for instant in "${INSTANTS[@]}"; do
  echo "==================== $instant ===================="
  log="TestResults/clock-matrix-${instant//[:+]/_}.log"
  mkdir -p TestResults
  ./test.sh --at "$instant" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=1
  SUMMARY+=("$instant: $(tail -n 1 "$log")")
done

printf '%s\n' "${SUMMARY[@]}"
exit "$status"
