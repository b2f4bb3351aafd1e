#!/usr/bin/env bash
# bench/notes.sh: latency of session notes. Builds PazPaz (Release), fills pazpaz_bench_notes with BENCH_NOTES_N practices
# (bench/generate.sql), writes BENCH_NOTES_COUNT notes for one client of practice #1 through the API (encrypted by the app;
# a third finalized, some amended), then measures with wrk on 127.0.0.1:
#   autosave   PUT /api/v1/session-notes/{id} of a draft, all four SOAP fields (~2,000 characters), If-Match chained from
#              the previous answer as the note page does                                        target p95 <= 15 ms (1 connection)
#   timeline   GET /api/v1/session-notes?client_id=…&page_size=100 (the newest 100 of the client's notes, full text)
#              and with q=… (every one of the client's notes decrypted and searched in memory)   target p95 <= 40 ms (1 connection)
#   page       GET /clients/{id} when the client page shows the note timeline (branch notes-pages and later): all the
#              client's notes on the page, and the same with ?q=
# at 1 connection and at BENCH_CONNECTIONS (autosave then spreads over that many drafts, without If-Match). Writes its
# section into bench/RESULTS.md between <!-- session-notes:begin and <!-- session-notes:end -->. Everything it starts, it stops.
#
# Settings: BENCH_NOTES_N=20 BENCH_NOTES_COUNT=500 BENCH_DURATION=20 BENCH_WARMUP=10 BENCH_CONNECTIONS=8 BENCH_THREADS=2
#           BENCH_PORT=5097 BENCH_NOTES_DB=pazpaz_bench_notes
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

N="${BENCH_NOTES_N:-20}"
COUNT="${BENCH_NOTES_COUNT:-500}"
DB="${BENCH_NOTES_DB:-pazpaz_bench_notes}"
PORT="${BENCH_PORT:-5097}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
TARGET_AUTOSAVE=15
TARGET_TIMELINE=40

WORK="$BENCH/.work/notes"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
OWNER_EMAIL="owner-1@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
for v in N COUNT PORT DURATION WARMUP CONNECTIONS THREADS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number (got '${!v}')"
done
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"
[ "$COUNT" -ge 1 ] && [ "$CONNECTIONS" -ge 1 ] || die "BENCH_NOTES_COUNT and BENCH_CONNECTIONS must be at least 1"

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

command -v wrk >/dev/null 2>&1 || ensure_apt wrk || die "could not install wrk"
ensure_postgres || die "PostgreSQL did not start"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)
curl -s -o /dev/null --max-time 2 "$BASE_URL/" 2>/dev/null && die "something already answers on $BASE_URL; set BENCH_PORT"

rm -rf "$OUT" "$WORK/src" "$APPDIR"
mkdir -p "$OUT" "$WORK/src" "$WORK/mail"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
tar -C "$BENCH/.." --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
APP_REV="$(git -C "$BENCH/.." rev-parse --short HEAD) + working tree ($(git -C "$BENCH/.." status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
log "building PazPaz (Release) from $APP_REV"
dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1 \
  || { grep -E 'error' "$OUT/build.log" | sort -u | head -n 20 >&2; die "the build failed (log: $OUT/build.log)"; }

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production "ASPNETCORE_URLS=$BASE_URL" "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB"
  "PazPaz__PublicBaseUrl=$BASE_URL" PazPaz__ApiRequestsPerTokenPerMinute=100000000 "Email__PickupDirectory=$WORK/mail" Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning Jobs__RunInWebApp=false
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }
psql_db() { "${PSQL[@]}" -d "$DB" "$@"; }

log "creating $DB: $N practices x 200 appointments"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
psql_db -v n="$N" -v m=200 -f "$BENCH/generate.sql" >"$OUT/generate.log"
read -r CLIENT DRAFT_CLIENT < <(psql_db -F ' ' -Atc "
  SELECT string_agg(c.id::text, ' ' ORDER BY c.id) FROM (
    SELECT c.id FROM clients c JOIN users u ON u.workspace_id = c.workspace_id
    WHERE u.email = '$OWNER_EMAIL' ORDER BY c.id LIMIT 2) c")
[ -n "${DRAFT_CLIENT:-}" ] || die "practice #1 has no clients"
TOKEN="$(admin create-api-token --email "$OWNER_EMAIL" --name bench-notes 2>/dev/null)"
[[ "$TOKEN" == pzp_* ]] || die "admin create-api-token printed '$TOKEN'"

start_app() {
  local logfile="$1"; shift
  log "starting the app on $BASE_URL"
  (cd "$APPDIR" && exec env "${APP_ENV[@]}" "$@" dotnet PazPaz.dll) >"$logfile" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "the app exited during start-up"; }
    curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the app did not become ready"
}
start_app "$OUT/app.log"

log "writing $COUNT notes for client $CLIENT through the API, and $CONNECTIONS drafts to autosave"
t=$SECONDS
python3 "$BENCH/notes_seed.py" "$BASE_URL" "$TOKEN" "$CLIENT" "$COUNT" "$DRAFT_CLIENT" "$CONNECTIONS" >"$OUT/drafts.txt"
SEED_SECONDS=$((SECONDS - t))
psql_db -c "VACUUM ANALYZE session_notes" -c "VACUUM ANALYZE session_note_versions" >/dev/null
STORED="$(psql_db -Atc "SELECT count(*) FROM session_notes WHERE client_id = '$CLIENT'")"
VERSIONS="$(psql_db -Atc "SELECT count(*) FROM session_note_versions v JOIN session_notes n ON n.id = v.session_note_id WHERE n.client_id = '$CLIENT'")"
[ "$STORED" = "$COUNT" ] || die "expected $COUNT notes, found $STORED"
psql_db -Atc "SELECT left(subjective, 3) FROM session_notes LIMIT 1" | grep -q '^v1:' || die "the notes are not encrypted at rest"
sed "s|^|/api/v1/session-notes/|" "$OUT/drafts.txt" >"$OUT/paths-autosave-all.txt"
head -n 1 "$OUT/paths-autosave-all.txt" >"$OUT/paths-autosave-1.txt"
echo "/api/v1/session-notes?client_id=$CLIENT&page_size=100" >"$OUT/paths-list.txt"
echo "/api/v1/session-notes?client_id=$CLIENT&page_size=100&q=note%20123." >"$OUT/paths-search.txt"
AUTH_API="Authorization: Bearer $TOKEN"
for s in list search; do
  code="$(curl -sS -o "$OUT/sample-$s.json" -w '%{http_code}' -H "$AUTH_API" "$BASE_URL$(cat "$OUT/paths-$s.txt")")"
  [ "$code" = 200 ] || die "$s: HTTP $code ($OUT/sample-$s.json)"
done
SEARCH_TOTAL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$OUT/sample-search.json")"
LIST_BYTES="$(wc -c <"$OUT/sample-list.json")"

# The client page, when it carries the note timeline (the pages branch): sign in as run.sh does.
PAGE_ON=0
LINK="$(admin sign-in-link --email "$OWNER_EMAIL" 2>/dev/null || true)"
if [[ "$LINK" == "$BASE_URL"/* ]]; then
  JAR="$OUT/cookies.txt"
  HTML="$(curl -fsS -c "$JAR" -b "$JAR" "$LINK")"
  LINK_TOKEN="$(grep -o '<input[^>]*name="token"[^>]*>' <<<"$HTML" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
  FORM_AF="$(grep -o '<input[^>]*__RequestVerificationToken[^>]*>' <<<"$HTML" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
  curl -sS -o /dev/null -D "$OUT/signin-headers.txt" -c "$JAR" -b "$JAR" \
    --data-urlencode "token=$LINK_TOKEN" --data-urlencode "__RequestVerificationToken=$FORM_AF" "$BASE_URL/sign-in/link"
  set_cookies() { grep -i "^set-cookie: $1" "$2" | sed -E 's/^[^:]*: *([^;]*).*/\1/' | tr -d '\r' | paste -sd ';' | sed 's/;/; /g'; }
  SESSION="$(set_cookies 'pazpaz\.session' "$OUT/signin-headers.txt")"
  curl -sS -o "$OUT/sample-page.html" -D "$OUT/page-headers.txt" -H "Cookie: $SESSION" "$BASE_URL/clients/$CLIENT"
  AF_COOKIE="$(set_cookies '\.AspNetCore\.Antiforgery' "$OUT/page-headers.txt")"
  AUTH_PAGE="Cookie: $SESSION${AF_COOKIE:+; $AF_COOKIE}"
  if grep -q 'id="note-timeline"' "$OUT/sample-page.html"; then
    PAGE_ON=1
    echo "/clients/$CLIENT" >"$OUT/paths-page.txt"
    echo "/clients/$CLIENT?q=note%20123." >"$OUT/paths-pagesearch.txt"
  fi
fi

app_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; }
TICKS_PER_SECOND="$(getconf CLK_TCK)"
# run NAME SCRIPT PATHS CONNECTIONS SECONDS HEADER [IF_MATCH]
run() {
  local name="$1" script="$2" paths="$3" c="$4" d="$5" header="$6" ifmatch="${7:-0}" t="$THREADS" before after
  [ "$t" -le "$c" ] || t="$c"
  before="$(app_ticks)"
  BENCH_PATHS="$paths" BENCH_HEADER="$header" BENCH_IF_MATCH="$ifmatch" \
    wrk -t"$t" -c"$c" -d"${d}s" --latency -s "$script" "$BASE_URL" >"$OUT/wrk-$name.txt" 2>&1
  after="$(app_ticks)"
  grep '^BENCH_RESULT ' "$OUT/wrk-$name.txt" | cut -d' ' -f2- | sed "s/}\$/,\"app_ticks\":$((after - before)),\"ticks_per_second\":$TICKS_PER_SECOND}/"
}
log "warming up (${WARMUP} s each)"
run warm-autosave "$BENCH/notes.lua" "$OUT/paths-autosave-all.txt" "$CONNECTIONS" "$WARMUP" "$AUTH_API" >/dev/null
run warm-list "$BENCH/report.lua" "$OUT/paths-list.txt" "$CONNECTIONS" "$WARMUP" "$AUTH_API" >/dev/null
run warm-search "$BENCH/report.lua" "$OUT/paths-search.txt" "$CONNECTIONS" "$WARMUP" "$AUTH_API" >/dev/null
[ "$PAGE_ON" = 1 ] && run warm-page "$BENCH/report.lua" "$OUT/paths-page.txt" "$CONNECTIONS" "$WARMUP" "$AUTH_PAGE" >/dev/null
declare -A R=()
log "autosave, 1 connection, If-Match chained, ${DURATION} s"
R[autosave-1]="$(run autosave-1 "$BENCH/notes.lua" "$OUT/paths-autosave-1.txt" 1 "$DURATION" "$AUTH_API" 1)"
log "autosave, $CONNECTIONS connections over $CONNECTIONS drafts, ${DURATION} s"
R[autosave-c]="$(run autosave-c "$BENCH/notes.lua" "$OUT/paths-autosave-all.txt" "$CONNECTIONS" "$DURATION" "$AUTH_API" 0)"
for s in list search; do
  for c in 1 "$CONNECTIONS"; do
    log "$s, $c connection(s), ${DURATION} s"; R[$s-$c]="$(run "$s-$c" "$BENCH/report.lua" "$OUT/paths-$s.txt" "$c" "$DURATION" "$AUTH_API")"
  done
done
if [ "$PAGE_ON" = 1 ]; then
  for s in page pagesearch; do
    for c in 1 "$CONNECTIONS"; do
      log "$s, $c connection(s), ${DURATION} s"; R[$s-$c]="$(run "$s-$c" "$BENCH/report.lua" "$OUT/paths-$s.txt" "$c" "$DURATION" "$AUTH_PAGE")"
    done
  done
fi
stop_app
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

row() {  # row LABEL JSON TARGET
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
label, data, target = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
bad = data["non_2xx_3xx"] + data["socket_errors"] + data["timeouts"]
if target == "-":
    verdict, shown = "—", "—"
else:
    verdict, shown = ("pass" if data["p95_ms"] <= float(target) else "fail"), f"{float(target):g} ms"
verdict += f" ({bad} errors)" if bad else ""
cpu = data["app_ticks"] * 1000 / data["ticks_per_second"] / max(1, data["requests"])
print(f"| {label} | {data['rps']:.0f} | {data['p50_ms']:.2f} | {data['p95_ms']:.2f} | {data['p99_ms']:.2f} | {cpu:.2f} | {shown} | {verdict} |")
PY
}
{
  echo "<!-- session-notes:begin (bench/notes.sh rewrites this section; run.sh keeps it) -->"
  echo "## Session notes (bench/notes.sh, $(date -u +%Y-%m-%d))"
  echo
  echo "Practice #1 of $N (generate.sql, 200 appointments each); one client with $STORED notes written through the API in"
  echo "$SEED_SECONDS s (SOAP text ~1,300 characters a note, encrypted by the app; every third finalized, every thirtieth amended"
  echo "twice: $VERSIONS versions). App in Production (Release) on 127.0.0.1, wrk ${DURATION} s per run after ${WARMUP} s warm-ups."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with other engineers'"
  echo "builds and tests: load average $LOAD_BEFORE before, $LOAD_AFTER after. App revision $APP_REV."
  echo
  echo "- *Autosave*: \`PUT /api/v1/session-notes/{id}\` of a draft with all four fields (~2,000 characters), each save a"
  echo "  real change. At 1 connection with \`If-Match\` from the previous answer, as the note page chains its saves (a 412"
  echo "  would count as an error); at $CONNECTIONS connections over $CONNECTIONS drafts, without If-Match."
  echo "- *Timeline (API)*: \`GET /api/v1/session-notes?client_id=…&page_size=100\`: the newest 100 notes with their full"
  echo "  text ($LIST_BYTES bytes of JSON), one audit event naming them."
  echo "- *Timeline search (API)*: the same with \`q=note 123.\`: all $STORED notes decrypted and matched in memory"
  echo "  ($SEARCH_TOTAL match)."
  if [ "$PAGE_ON" = 1 ]; then
    echo "- *Client page*: \`GET /clients/{id}\` (full HTML, the timeline of all $STORED notes), and with \`?q=note 123.\`."
  else
    echo "- *Client page*: not measured — this build's client page has no note timeline yet (it comes with the note pages)."
  fi
  echo
  echo "| Scenario | req/s | p50 ms | p95 ms | p99 ms | app CPU ms/req | target p95 | verdict |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  row "Autosave (PUT of a draft), 1 connection" "${R[autosave-1]}" "$TARGET_AUTOSAVE"
  row "Autosave (PUT of a draft), $CONNECTIONS connections" "${R[autosave-c]}" "-"
  row "Timeline, API list of 100, 1 connection" "${R[list-1]}" "$TARGET_TIMELINE"
  row "Timeline, API list of 100, $CONNECTIONS connections" "${R[list-$CONNECTIONS]}" "-"
  row "Timeline search over $STORED notes, 1 connection" "${R[search-1]}" "$TARGET_TIMELINE"
  row "Timeline search over $STORED notes, $CONNECTIONS connections" "${R[search-$CONNECTIONS]}" "-"
  if [ "$PAGE_ON" = 1 ]; then
    row "Client page with $STORED notes, 1 connection" "${R[page-1]}" "$TARGET_TIMELINE"
    row "Client page with $STORED notes, $CONNECTIONS connections" "${R[page-$CONNECTIONS]}" "-"
    row "Client page search, 1 connection" "${R[pagesearch-1]}" "$TARGET_TIMELINE"
    row "Client page search, $CONNECTIONS connections" "${R[pagesearch-$CONNECTIONS]}" "-"
  fi
  echo
  echo "Reading: at 1 connection the wall-clock percentiles are the latency a therapist feels, but only on a quiet machine;"
  echo "with a load average above the $(nproc) cores (see above) they include waiting for a core behind other people's work."
  echo "*App CPU per request* (the app process's user+system time ÷ requests) does not depend on that waiting and is the"
  echo "figure to compare between runs; PostgreSQL's share is not in it."
  echo "<!-- session-notes:end -->"
} | tee "$OUT/section.md"

python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- session-notes:begin" in text:
    text = re.sub(r'<!-- session-notes:begin.*?<!-- session-notes:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
log "wrote the session-notes section of $BENCH/RESULTS.md (raw output in $OUT)"
