#!/usr/bin/env bash
# bench/drill-postgres.sh: the PostgreSQL restart drill. 50 clients book, move and read through /api/v1 while the
# database is shut down (fast) for BENCH_DRILL_OUTAGE seconds and started again; the app is not restarted. Then every
# answer is checked against the database (bench/drill_postgres.py): 0 bookings answered 2xx lost, 0 half-written, only
# 503 + Retry-After while the database is away, no request hanging, /readyz reporting the outage and the recovery.
# Builds PazPaz (Release), runs it in Production on 127.0.0.1 against a fresh database pazpaz_bench_drill in the repo's
# PostgreSQL — which it restarts: run it when nothing else uses that cluster. Writes its section into RESULTS.md.
#
# Settings: BENCH_DRILL_SECONDS=45 BENCH_DRILL_OUTAGE=8 BENCH_PORT=5095 BENCH_DRILL_REBUILD=1 (0 reuses the last build)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The outage itself, called by drill_postgres.py: fast shutdown, a pause, and the same start as ever.
if [ "${1:-}" = --outage ]; then
  ensure_postgres >/dev/null 2>&1 || die "PostgreSQL is not running"
  log "stopping PostgreSQL (fast shutdown) for $2 s"
  (cd / && runuser -u postgres -- "$PAZPAZ_PGBIN/pg_ctl" -D "$PAZPAZ_PG_DATA" -m fast -w stop) >/dev/null
  sleep "$2"
  log "starting PostgreSQL again"
  ensure_postgres >/dev/null 2>&1 || die "PostgreSQL did not start again"
  exit 0
fi

SECS="${BENCH_DRILL_SECONDS:-45}"
OUTAGE="${BENCH_DRILL_OUTAGE:-8}"
PORT="${BENCH_PORT:-5095}"
DB=pazpaz_bench_drill
WORK="$BENCH/.work/drill"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="drill@bench.pazpaz.test"
[[ "$SECS" =~ ^[0-9]+$ && "$OUTAGE" =~ ^[0-9]+$ && "$PORT" =~ ^[0-9]+$ ]] || die "BENCH_DRILL_SECONDS, BENCH_DRILL_OUTAGE and BENCH_PORT must be whole numbers"

APP_PID=""
stop_app() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$APP_PID" 2>/dev/null && kill -9 "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT
trap 'exit 130' INT TERM

ensure_postgres || die "PostgreSQL did not start"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)
curl -s -o /dev/null --max-time 2 "$BASE_URL/" 2>/dev/null && die "something already answers on $BASE_URL; set BENCH_PORT"

if [ "${BENCH_DRILL_REBUILD:-1}" = 0 ] && [ -f "$APPDIR/PazPaz.dll" ]; then
  rm -rf "$OUT"; mkdir -p "$OUT" "$WORK/mail" "$WORK/files"
  APP_REV="the previous build (BENCH_DRILL_REBUILD=0)"
else
  rm -rf "$OUT" "$WORK/src" "$APPDIR"
  mkdir -p "$OUT" "$WORK/src" "$WORK/mail" "$WORK/files"
  tar -C "$BENCH/.." --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$BENCH/.." rev-parse --short HEAD) + working tree ($(git -C "$BENCH/.." status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
  log "building PazPaz (Release) from $APP_REV"
  dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1 \
    || { grep -E 'error' "$OUT/build.log" | sort -u | head -n 20 >&2; die "the build failed (log: $OUT/build.log)"; }
fi

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production "ASPNETCORE_URLS=$BASE_URL" "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB"
  "PazPaz__PublicBaseUrl=$BASE_URL" PazPaz__ApiRequestsPerTokenPerMinute=100000000 "Email__PickupDirectory=$WORK/mail" "Storage__Disk__Root=$WORK/files"
  Encryption__CurrentKeyVersion=1 "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning
  Jobs__RunInWebApp=false DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "creating $DB with one practice"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
admin create-workspace --name "Drill" --owner-email "$EMAIL" --owner-name "Drill Owner" --timezone Europe/London >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }
TOKEN="$(admin create-api-token --email "$EMAIL" --name drill 2>"$OUT/token.log" | tail -n 1)"
[[ "$TOKEN" == pzp_* ]] || { cat "$OUT/token.log" >&2; die "create-api-token printed '$TOKEN'"; }

log "starting the app on $BASE_URL"
(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll) >"$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$OUT/app.log" >&2; die "the app exited during start-up"; }
  curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && break
  sleep 0.25
done
CLIENTS=""
for name in Noa Yael Maya Tamar Dana Omer Itai Lior Eitan Roni; do
  id="$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"first_name\":\"$name\",\"last_name\":\"Drill\"}" "$BASE_URL/api/v1/clients" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  CLIENTS="${CLIENTS:+$CLIENTS,}$id"
done

log "50 clients for $SECS s; PostgreSQL down for $OUTAGE s a third of the way in"
set +e
python3 "$BENCH/drill_postgres.py" "$BASE_URL" "$TOKEN" "$CLIENTS" "postgresql://postgres@127.0.0.1:$PAZPAZ_PG_PORT/$DB" \
  "$BENCH/drill-postgres.sh --outage {outage}" "$SECS" "$OUTAGE" | tee "$OUT/drill.txt"
STATUS=${PIPESTATUS[0]}
set -e
kill -0 "$APP_PID" 2>/dev/null || die "the app died during the drill (log: $OUT/app.log)"
# Failed database commands are logged as errors while the database is away; what must not be there is an unhandled
# exception (a request that reached the generic 500 handler).
UNHANDLED="$(grep -c 'An unhandled exception has occurred' "$OUT/app.log" || true)"
stop_app
RESULT="$(grep '^DRILL_RESULT ' "$OUT/drill.txt" | cut -d' ' -f2-)"
[ -n "$RESULT" ] || die "bench/drill_postgres.py printed no result (exit $STATUS)"

python3 - "$RESULT" "$APP_REV" "$UNHANDLED" >"$OUT/section.md" <<'PY'
import json, sys, datetime
r, rev, errors = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
print("<!-- drill-postgres:begin (bench/drill-postgres.sh rewrites this section; run.sh keeps it) -->")
print(f"## PostgreSQL restarted under load (bench/drill-postgres.sh, {datetime.date.today()})")
print()
print(f"{r['workers']} API clients booked, moved and read for {r['seconds']:.0f} s; a third of the way in PostgreSQL was shut down")
print(f"(fast) for {r['outage_seconds']:.0f} s and started again. The app was not restarted. App in Production (Release), revision {rev}.")
print()
print("| | |")
print("|---|---:|")
print(f"| Bookings answered 2xx | {r['bookings_acknowledged']:,} |")
print(f"| … of them missing afterwards (lost) | **{r['lost']}** |")
print(f"| … at another time than the last one acknowledged | **{r['at_wrong_time']}** |")
print(f"| Bookings answered 5xx or not answered | {r['bookings_failed']:,} |")
print(f"| … written in full all the same (the commit landed, the answer did not) | {r['failed_but_written_in_full']} |")
print(f"| … half-written (an appointment without its audit event) | **{r['half_written']}** |")
print(f"| 5xx answers other than 503 with Retry-After | **{r['bad_5xx']}** |")
print(f"| Requests with no answer within 35 s | **{r['no_answer']}** |")
print(f"| Slowest answer | {r['slowest_seconds']} s |")
print(f"| /readyz during the outage | {', '.join(f'{k}: {v}' for k, v in r['readyz'].items())} |")
print(f"| /readyz 200 again, after the shutdown began (outage {r['outage_seconds']:.0f} s) | {r['recovered_after_seconds']} s |")
print(f"| Unhandled exceptions in the app's log | **{errors}** |")
print()
print("Answers by status: " + ", ".join(f"{k}: {v:,}" for k, v in r["statuses"].items()) + ".")
print("<!-- drill-postgres:end -->")
PY
cat "$OUT/section.md"
python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- drill-postgres:begin" in text:
    text = re.sub(r'<!-- drill-postgres:begin.*?<!-- drill-postgres:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
log "wrote the drill section of $BENCH/RESULTS.md"
[ "$UNHANDLED" -eq 0 ] || STATUS=1
exit "$STATUS"
