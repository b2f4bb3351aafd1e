#!/usr/bin/env bash
# bench/run.sh: build PazPaz (Release), fill the database pazpaz_bench with N workspaces x M appointments,
# load-test the conflict check, the week list (API) and the calendar page with wrk on 127.0.0.1, run the same
# SQL with pgbench as the floor, and write bench/RESULTS.md. Everything it starts, it stops. See bench/README.md.
#
# Settings (environment):
#   BENCH_N=1000 BENCH_M=1000          workspaces, appointments per workspace
#   BENCH_DURATION=20 BENCH_WARMUP=5   seconds per measured run / per warm-up run (wrk and pgbench)
#   BENCH_APP_WARMUP=15                seconds of load per scenario on the fresh app before any measurement (JIT)
#   BENCH_CONNECTIONS=8 BENCH_THREADS=2   the loaded runs (wrk -c/-t, pgbench -c/-j)
#   BENCH_SINGLE_DURATION=10           seconds of the one-connection runs (0 skips them)
#   BENCH_SPREAD=1                     also run the two API scenarios with one token per workspace (0 skips)
#   BENCH_AUTOPREPARE=1                also run the three scenarios with "Max Auto Prepare=20" (0 skips)
#   BENCH_FLOOR=1                      run pgbench and EXPLAIN and rewrite RESULTS.md (0: HTTP runs only, figures
#                                      printed and left in bench/.work/out/results.jsonl; for quick before/after runs)
#   BENCH_TRACE=0                      1: after each measured 8-connection run, profile the app under the same load
#                                      (dotnet-trace, CPU sampling, 10 s) and print where its time goes (bench/hot.py)
#   BENCH_APP_ENV=""                   extra NAME=value settings for the app (space-separated), e.g. a runtime knob to try
#   BENCH_SOURCE=worktree              build the working tree as it is, or a git revision (e.g. HEAD)
#   BENCH_GENERATE=<file>              the fill script (default: the revision's own bench/generate.sql)
#   BENCH_PORT=5099 BENCH_DB=pazpaz_bench BENCH_RESULTS=bench/RESULTS.md
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

N="${BENCH_N:-1000}"
M="${BENCH_M:-1000}"
DB="${BENCH_DB:-pazpaz_bench}"
PORT="${BENCH_PORT:-5099}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-5}"
SINGLE_DURATION="${BENCH_SINGLE_DURATION:-10}"
APP_WARMUP="${BENCH_APP_WARMUP:-15}"
AUTOPREPARE="${BENCH_AUTOPREPARE:-1}"
FLOOR="${BENCH_FLOOR:-1}"
TRACE="${BENCH_TRACE:-0}"
PGBENCH_WARMUP=2
AUTOPREPARE_SETTINGS="Max Auto Prepare=20"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
SPREAD="${BENCH_SPREAD:-1}"
SOURCE="${BENCH_SOURCE:-worktree}"
RESULTS="${BENCH_RESULTS:-$BENCH/RESULTS.md}"
TARGET_CONFLICT=10
TARGET_WEEK=15
TARGET_CALENDAR=25
TARGET_CLIENTS=25

WORK="$BENCH/.work"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
OWNER_EMAIL="owner-1@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

for v in N M PORT DURATION WARMUP SINGLE_DURATION APP_WARMUP CONNECTIONS THREADS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number (got '${!v}')"
done
[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 600 ] || die "BENCH_DURATION must be 1..600 seconds"
[ "$WARMUP" -le 120 ] && [ "$APP_WARMUP" -le 120 ] && [ "$SINGLE_DURATION" -le 600 ] \
  || die "warm-ups at most 120 s, one-connection runs at most 600 s"
[ "$N" -ge 1 ] && [ "$M" -ge 1 ] || die "BENCH_N and BENCH_M must be at least 1"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"
[ "$THREADS" -le "$CONNECTIONS" ] || THREADS="$CONNECTIONS"

START_SECONDS=$SECONDS
declare -A PHASE=()

# ------------------------------------------------------------------------------------------------------
# The app process: started by us, stopped by us (by PID), also on Ctrl-C or an error.
# ------------------------------------------------------------------------------------------------------
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

# start_app LOGFILE [EXTRA_ENV...]
start_app() {
  local logfile="$1"; shift
  port_free || die "something already answers on $BASE_URL; stop it or set BENCH_PORT"
  (cd "$APPDIR" && exec env "${APP_ENV[@]}" "$@" dotnet PazPaz.dll) >"$logfile" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "the app exited during start-up (log: $logfile)"; }
    if curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null; then
      sleep 0.5  # a process that lost the port to someone else exits right after binding fails
      kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "the app exited during start-up (log: $logfile)"; }
      return 0
    fi
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2
  die "the app did not become ready on $BASE_URL within 60 s"
}

port_free() { ! curl -s -o /dev/null --max-time 2 "$BASE_URL/" 2>/dev/null; }
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }
psql_bench() { "${PSQL[@]}" -d "$DB" "$@"; }

# ------------------------------------------------------------------------------------------------------
# Tools, PostgreSQL, build
# ------------------------------------------------------------------------------------------------------
command -v wrk >/dev/null 2>&1 || ensure_apt wrk || die "could not install wrk"
command -v curl >/dev/null 2>&1 || ensure_apt curl || die "could not install curl"
command -v python3 >/dev/null 2>&1 || die "python3 is needed (bench/report.py)"
ensure_postgres || die "PostgreSQL did not start"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)
PGBENCH="$PAZPAZ_PGBIN/pgbench"
[ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench)" || die "pgbench not found"

port_free || die "something already answers on $BASE_URL; stop it or set BENCH_PORT"

rm -rf "$OUT" "$WORK/src" "$APPDIR"
mkdir -p "$OUT" "$WORK/src" "$WORK/mail"
RESULTS_JSONL="$OUT/results.jsonl"
: >"$RESULTS_JSONL"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

t=$SECONDS
if [ "$SOURCE" = worktree ]; then
  # A copy of the working tree as it is now (others may be editing it): build output stays under bench/.work.
  tar -C "$REPO" --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$REPO" rev-parse --short HEAD) + working tree ($(git -C "$REPO" status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
else
  git -C "$REPO" archive --format=tar "$SOURCE" PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$REPO" rev-parse --short "$SOURCE") ($SOURCE)"
fi
log "building PazPaz (Release) from $APP_REV"
if ! dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1; then
  grep -E 'error|Error' "$OUT/build.log" | sort -u | head -n 20 >&2 || true
  die "the build failed (log: $OUT/build.log). The working tree may be mid-edit: try again, or BENCH_SOURCE=HEAD"
fi
PHASE[build]=$((SECONDS - t))

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production
  "ASPNETCORE_URLS=$BASE_URL"
  "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB"
  "PazPaz__PublicBaseUrl=$BASE_URL" PazPaz__ApiRequestsPerTokenPerMinute=100000000
  "Email__PickupDirectory=$WORK/mail"
  Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")"
  Logging__LogLevel__Default=Warning
  DOTNET_NOLOGO=1
  DOTNET_CLI_TELEMETRY_OPTOUT=1
)
# Extra settings for the app, e.g. BENCH_APP_ENV="DOTNET_GCDynamicAdaptationMode=0" to try a runtime knob.
read -r -a EXTRA_APP_ENV <<<"${BENCH_APP_ENV:-}"
APP_ENV+=("${EXTRA_APP_ENV[@]}")

# ------------------------------------------------------------------------------------------------------
# Database: reuse it when it already holds N x M, else create, migrate and fill it
# ------------------------------------------------------------------------------------------------------
t=$SECONDS
WANT="pazpaz-bench n=$N m=$M;"
HAVE="$("${PSQL[@]}" -d postgres -Atc "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '$DB'")"
if [ "${HAVE#"$WANT"}" != "$HAVE" ]; then
  log "reusing $DB (${HAVE})"
  admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
  DATA_ORIGIN="reused from an earlier run (${HAVE#"$WANT"})"
else
  log "creating $DB and filling it with $N workspaces x $M appointments"
  "${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
  admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
  g=$SECONDS
  # The data fits the schema of the build: a revision's own generate.sql (for a before/after run), else the tree's.
  GENERATE="${BENCH_GENERATE:-$BENCH/generate.sql}"
  if [ "$SOURCE" != worktree ] && [ -z "${BENCH_GENERATE:-}" ]; then
    GENERATE="$WORK/generate.sql"
    git -C "$REPO" show "$SOURCE:bench/generate.sql" >"$GENERATE" || die "no bench/generate.sql in $SOURCE"
  fi
  psql_bench -v n="$N" -v m="$M" -f "$GENERATE" >"$OUT/generate.log"
  GEN=$((SECONDS - g))
  tail -n 4 "$OUT/generate.log" >&2
  "${PSQL[@]}" -d postgres -c "COMMENT ON DATABASE \"$DB\" IS '$WANT generated $(date -u +%Y-%m-%dT%H:%MZ) in $GEN s'"
  DATA_ORIGIN="generated by this run in $GEN s"
fi
# The fill writes clients in plaintext, as rows from before encryption were: encrypt them now, as the app would at
# start-up, so that the load measures ciphertext (a no-op on a database encrypted by an earlier run).
# A build from before client encryption (BENCH_SOURCE=<older revision>, for a before/after run) has no such command.
if [ "$(strings -el "$APPDIR/PazPaz.dll" | grep -cx 'encrypt-fields')" -gt 0 ]; then
  admin encrypt-fields >"$OUT/encrypt.log" 2>&1 || { cat "$OUT/encrypt.log" >&2; die "admin encrypt-fields failed"; }
else
  log "this build has no admin encrypt-fields: clients stay in plaintext"
fi
PHASE[data]=$((SECONDS - t))

read -r WS OWNER STAMP < <(psql_bench -F ' ' -Atc \
  "SELECT u.workspace_id, u.id, u.security_stamp FROM users u WHERE u.email = '$OWNER_EMAIL'")
[ -n "${WS:-}" ] || die "$OWNER_EMAIL is not in $DB"
# Monday 00:00 UTC 25 weeks before this week: windows are drawn from the 50 weeks after it (all populated).
BASE="$(psql_bench -Atc "SELECT extract(epoch FROM date_trunc('week', now() AT TIME ZONE 'UTC') - interval '25 weeks')::bigint")"

# Request lists, shuffled: the same windows pgbench draws from (see VARIABLES in report.py).
psql_bench -Atc "
  SELECT format('/api/v1/appointments/conflicts?scheduled_start=%s&scheduled_end=%s',
                to_char(s, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(s + interval '1 hour', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
  FROM (SELECT to_timestamp($BASE + ((d / 5) * 7 + d % 5) * 86400 + h * 3600) AT TIME ZONE 'UTC' AS s
        FROM generate_series(0, 249) d, generate_series(9, 16) h) x ORDER BY random()" >"$OUT/paths-conflict.txt"
psql_bench -Atc "
  SELECT format('/api/v1/appointments?start_date=%s&end_date=%s&page_size=100', to_char(m, 'YYYY-MM-DD'), to_char(m + 7, 'YYYY-MM-DD'))
  FROM (SELECT (to_timestamp($BASE) AT TIME ZONE 'UTC')::date + 7 * w AS m FROM generate_series(0, 49) w) x
  ORDER BY random()" >"$OUT/paths-week.txt"
psql_bench -Atc "
  SELECT format('/calendar?view=week&date=%s', to_char((to_timestamp($BASE) AT TIME ZONE 'UTC')::date + (d / 5) * 7 + d % 5, 'YYYY-MM-DD'))
  FROM generate_series(0, 249) d ORDER BY random()" >"$OUT/paths-calendar.txt"
# The client pickers, with what a therapist types: the first two or three letters of a name (the appointment dialog's
# type-ahead), and a name, part of one, an e-mail or a phone fragment on the client list.
printf '/appointments/clients?client_query=%s\n' no ya ma ta da om it li ei ro sa ja ol em av lu mi et coh lev miz per bit dah kat smi jon tay bro wil eva tho rob wal >"$OUT/paths-typeahead.txt"
printf '/clients?q=%s\n' Cohen Levi maya tamar 'noa+katz' smith jones taylor brown wil eva client-1 client-22 bench.pazpaz 7700 9001 >"$OUT/paths-search.txt"

# API tokens: one for workspace #1 through the operator command (as an operator would), and for the
# "spread" runs one per workspace owner, inserted directly (hash = lower-case hex SHA-256, as Tokens.Hash).
psql_bench -c "DELETE FROM api_tokens WHERE name LIKE 'bench%'" >/dev/null
TOKEN="$(admin create-api-token --email "$OWNER_EMAIL" --name bench 2>/dev/null)"
[[ "$TOKEN" == pzp_* ]] || die "admin create-api-token did not print a token"
HASH="$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)"
if [ "$SPREAD" = 1 ]; then
  psql_bench -Atc "
    WITH t AS MATERIALIZED (
      SELECT u.id AS user_id, u.workspace_id, 'pzp_bench' || md5(random()::text || u.id::text) AS token
      FROM users u WHERE u.email LIKE 'owner-%@bench.pazpaz.test'),
    ins AS (
      INSERT INTO api_tokens (id, workspace_id, user_id, name, token_hash, prefix, created_at, updated_at)
      SELECT gen_random_uuid(), workspace_id, user_id, 'bench-spread', encode(sha256(convert_to(token, 'UTF8')), 'hex'),
             left(token, 10), now(), now() FROM t RETURNING 1)
    SELECT token FROM t ORDER BY random()" >"$OUT/spread-tokens.txt"
  for s in conflict week; do
    awk -v tokens="$OUT/spread-tokens.txt" 'BEGIN { while ((getline t < tokens) > 0) tok[n++] = t }
      { printf "%s\tAuthorization: Bearer %s\n", $0, tok[NR % n] }' "$OUT/paths-$s.txt" >"$OUT/paths-$s-spread.txt"
  done
fi

# ------------------------------------------------------------------------------------------------------
# Capture: one app instance with EF Core's command log on; sign in; two requests per scenario.
# ------------------------------------------------------------------------------------------------------
t=$SECONDS
log "capturing the SQL of each scenario (EF Core command log)"
start_app "$OUT/capture.log" 'Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information' \
  Logging__Console__FormatterOptions__IncludeScopes=true

# Session cookie for the calendar page: sign-in link -> link page (hidden token + antiforgery) -> POST.
LINK="$(admin sign-in-link --email "$OWNER_EMAIL" 2>/dev/null)"
[[ "$LINK" == "$BASE_URL"/* ]] || die "admin sign-in-link printed '$LINK'"
JAR="$OUT/cookies.txt"
PAGE="$(curl -fsS -c "$JAR" -b "$JAR" "$LINK")"
LINK_TOKEN="$(grep -o '<input[^>]*name="token"[^>]*>' <<<"$PAGE" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
FORM_AF="$(grep -o '<input[^>]*__RequestVerificationToken[^>]*>' <<<"$PAGE" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
[ -n "$LINK_TOKEN" ] && [ -n "$FORM_AF" ] || die "the sign-in link page has no token/antiforgery fields"
curl -sS -o /dev/null -D "$OUT/signin-headers.txt" -c "$JAR" -b "$JAR" \
  --data-urlencode "token=$LINK_TOKEN" --data-urlencode "__RequestVerificationToken=$FORM_AF" "$BASE_URL/sign-in/link"
# Read Set-Cookie directly: the session cookie is Secure (Production), which curl's jar would not keep for http.
set_cookies() { grep -i "^set-cookie: $1" "$2" | sed -E 's/^[^:]*: *([^;]*).*/\1/' | tr -d '\r' | paste -sd ';' | sed 's/;/; /g'; }
SESSION="$(set_cookies 'pazpaz\.session' "$OUT/signin-headers.txt")"
[ -n "$SESSION" ] || die "signing in gave no pazpaz.session cookie (headers: $OUT/signin-headers.txt)"
# A browser keeps the antiforgery cookie the first page hands out; send it too, so that each page view
# does not mint a new one.
curl -sS -o /dev/null -D "$OUT/calendar-headers.txt" -H "Cookie: $SESSION" "$BASE_URL/calendar"
AF_COOKIE="$(set_cookies '\.AspNetCore\.Antiforgery' "$OUT/calendar-headers.txt")"
COOKIE="$SESSION${AF_COOKIE:+; $AF_COOKIE}"
# The server-side session row the cookie names (pgbench runs the page's session check with it).
SESSION_ID="$(psql_bench -Atc "SELECT id FROM user_sessions WHERE user_id = '$OWNER' ORDER BY signed_in_at DESC LIMIT 1")"
[ -n "$SESSION_ID" ] || die "signing in left no user_sessions row"

AUTH_API="Authorization: Bearer $TOKEN"
AUTH_PAGE="Cookie: $COOKIE"
for s in conflict week calendar; do
  header="$AUTH_API"; [ "$s" = calendar ] && header="$AUTH_PAGE"
  path="$(head -n 1 "$OUT/paths-$s.txt")"
  for _ in 1 2; do
    code="$(curl -sS -o "$OUT/sample-$s.body" -w '%{http_code}' -H "$header" "$BASE_URL$path")"
    [ "$code" = 200 ] || die "$s: HTTP $code for $path (body: $OUT/sample-$s.body)"
  done
done
grep -q '"has_conflict"' "$OUT/sample-conflict.body" || die "conflict check: unexpected body ($OUT/sample-conflict.body)"
WEEK_ITEMS="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["items"]))' "$OUT/sample-week.body")"
[ "$WEEK_ITEMS" -gt 0 ] || die "week list: no appointments in $(head -n 1 "$OUT/paths-week.txt")"
grep -q '<html' "$OUT/sample-calendar.body" && ! grep -q 'action="/sign-in' "$OUT/sample-calendar.body" \
  || die "calendar: not the signed-in page ($OUT/sample-calendar.body)"
for s in typeahead search; do
  path="$(head -n 1 "$OUT/paths-$s.txt")"
  code="$(curl -sS -o "$OUT/sample-$s.body" -w '%{http_code}' -H "$AUTH_PAGE" "$BASE_URL$path")"
  [ "$code" = 200 ] || die "$s: HTTP $code for $path (body: $OUT/sample-$s.body)"
done
grep -q 'data-client-id=' "$OUT/sample-typeahead.body" || die "type-ahead: no client offered ($OUT/sample-typeahead.body)"
grep -q 'data-testid="client-name"' "$OUT/sample-search.body" || die "client search: no client listed ($OUT/sample-search.body)"
stop_app
python3 "$BENCH/report.py" sql "$OUT/capture.log" "$OUT" >"$OUT/captured.json"
PHASE[capture]=$((SECONDS - t))

# ------------------------------------------------------------------------------------------------------
# Load: wrk against the app (EF command log off)
# ------------------------------------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
NPROC="$(nproc)"
cpu_snapshot() {  # app ticks, all postgres processes' ticks, machine total and idle jiffies
  local app pg
  app="$(awk '{ print $14 + $15 }' "/proc/$APP_PID/stat")"
  pg="$(cat /proc/[0-9]*/stat 2>/dev/null | awk '$2 == "(postgres)" { s += $14 + $15 } END { print s + 0 }')"
  awk -v app="$app" -v pg="$pg" '/^cpu / { print app, pg, $2+$3+$4+$5+$6+$7+$8+$9, $5+$6; exit }' /proc/stat
}

# trace_app NAME PATHS HEADER: the same load again, with a CPU-sampling trace of the app for 10 s of it.
trace_app() {
  local name="$1" paths="$2" header="$3" tracer="$HOME/.dotnet/tools/dotnet-trace"
  rm -f "$OUT/trace-$name".*
  BENCH_PATHS="$paths" BENCH_HEADER="$header" wrk -t"$THREADS" -c"$CONNECTIONS" -d14s --timeout 10s \
    -s "$BENCH/report.lua" "$BASE_URL" >/dev/null &
  local load=$!
  sleep 2
  "$tracer" collect -p "$APP_PID" --profile dotnet-sampled-thread-time --duration 00:00:00:10 --format Speedscope \
    -o "$OUT/trace-$name.nettrace" >"$OUT/trace-$name.log" 2>&1 || log "dotnet-trace failed (see $OUT/trace-$name.log)"
  wait "$load" || true
  [ -f "$OUT/trace-$name.speedscope.json" ] && python3 "$BENCH/hot.py" "$OUT/trace-$name.speedscope.json" | tee "$OUT/hot-$name.txt"
}

# run_wrk SCENARIO LABEL TARGET PATHS HEADER CONNECTIONS THREADS SECONDS WARMUP TAG   (TAG: "", spread, autoprepare)
run_wrk() {
  local scenario="$1" label="$2" target="$3" paths="$4" header="$5" conns="$6" threads="$7" secs="$8" warm="$9" tag="${10}"
  local name="$scenario${tag:+-$tag}-c$conns" before after line
  log "wrk $label: -t$threads -c$conns, ${warm} s warm-up + ${secs} s"
  if [ "$warm" -gt 0 ]; then
    BENCH_PATHS="$paths" BENCH_HEADER="$header" wrk -t"$threads" -c"$conns" -d"${warm}s" --timeout 10s \
      -s "$BENCH/report.lua" "$BASE_URL" >"$OUT/wrk-$name-warmup.txt"
  fi
  before="$(cpu_snapshot)"
  BENCH_PATHS="$paths" BENCH_HEADER="$header" wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$BENCH/report.lua" "$BASE_URL" >"$OUT/wrk-$name.txt"
  after="$(cpu_snapshot)"
  if [ "$TRACE" = 1 ] && [ -z "$tag" ] && [ "$conns" = "$CONNECTIONS" ]; then trace_app "$name" "$paths" "$header"; fi
  line="$(grep '^BENCH_RESULT ' "$OUT/wrk-$name.txt" | cut -d' ' -f2-)"
  [ -n "$line" ] || die "wrk printed no result ($OUT/wrk-$name.txt)"
  python3 - "$line" "$before" "$after" "$CLK_TCK" "$NPROC" >>"$RESULTS_JSONL" <<PY
import json, sys
r = json.loads(sys.argv[1])
b = [int(x) for x in sys.argv[2].split()]; a = [int(x) for x in sys.argv[3].split()]
tick_ms = 1000.0 / int(sys.argv[4]); n = max(1, r["requests"])
total = a[2] - b[2]; idle = a[3] - b[3]
r.update(kind="http", scenario="$scenario", label="$label", connections=$conns, threads=$threads,
         target_ms=${target:-None}, spread="$tag" == "spread", variant="$tag",
         app_cpu_ms=(a[0] - b[0]) * tick_ms / n, pg_cpu_ms=(a[1] - b[1]) * tick_ms / n,
         machine_busy=100.0 * int(sys.argv[5]) * (total - idle) / total if total > 0 else None)
print(json.dumps(r))
PY
}

t=$SECONDS
start_app "$OUT/app.log"
C="$CONNECTIONS"; T="$THREADS"
# JIT warm-up: tiered compilation needs a few thousand calls (and, on a busy 2-core box, tens of seconds) before
# the hot paths run as optimized code; the first seconds of a fresh process are not what users see.
warm_app() {
  [ "$APP_WARMUP" -gt 0 ] || return 0
  log "warming the app up: ${APP_WARMUP} s per scenario"
  local s header
  for s in conflict week calendar typeahead search; do
    header="$AUTH_API"; case "$s" in calendar|typeahead|search) header="$AUTH_PAGE" ;; esac
    BENCH_PATHS="$OUT/paths-$s.txt" BENCH_HEADER="$header" wrk -t"$T" -c"$C" -d"${APP_WARMUP}s" --timeout 10s \
      -s "$BENCH/report.lua" "$BASE_URL" >"$OUT/wrk-$s-jit-warmup$1.txt"
  done
}
warm_app ""
run_wrk conflict "Conflict check (API)" "$TARGET_CONFLICT" "$OUT/paths-conflict.txt" "$AUTH_API" "$C" "$T" "$DURATION" "$WARMUP" ""
run_wrk week "Week list (API)" "$TARGET_WEEK" "$OUT/paths-week.txt" "$AUTH_API" "$C" "$T" "$DURATION" "$WARMUP" ""
run_wrk calendar "Calendar page (week view)" "$TARGET_CALENDAR" "$OUT/paths-calendar.txt" "$AUTH_PAGE" "$C" "$T" "$DURATION" "$WARMUP" ""
run_wrk typeahead "Client type-ahead (appointment dialog)" "$TARGET_CLIENTS" "$OUT/paths-typeahead.txt" "$AUTH_PAGE" "$C" "$T" "$DURATION" "$WARMUP" clients
run_wrk search "Client list search (page)" "$TARGET_CLIENTS" "$OUT/paths-search.txt" "$AUTH_PAGE" "$C" "$T" "$DURATION" "$WARMUP" clients
if [ "$SPREAD" = 1 ]; then
  run_wrk conflict "Conflict check, all $N workspaces" "$TARGET_CONFLICT" "$OUT/paths-conflict-spread.txt" "" "$C" "$T" "$DURATION" "$WARMUP" spread
  run_wrk week "Week list, all $N workspaces" "$TARGET_WEEK" "$OUT/paths-week-spread.txt" "" "$C" "$T" "$DURATION" "$WARMUP" spread
fi
if [ "$SINGLE_DURATION" -gt 0 ]; then
  run_wrk conflict "Conflict check (API)" "$TARGET_CONFLICT" "$OUT/paths-conflict.txt" "$AUTH_API" 1 1 "$SINGLE_DURATION" 2 ""
  run_wrk week "Week list (API)" "$TARGET_WEEK" "$OUT/paths-week.txt" "$AUTH_API" 1 1 "$SINGLE_DURATION" 2 ""
  run_wrk calendar "Calendar page (week view)" "$TARGET_CALENDAR" "$OUT/paths-calendar.txt" "$AUTH_PAGE" 1 1 "$SINGLE_DURATION" 2 ""
  run_wrk typeahead "Client type-ahead (appointment dialog)" "$TARGET_CLIENTS" "$OUT/paths-typeahead.txt" "$AUTH_PAGE" 1 1 "$SINGLE_DURATION" 2 clients
  run_wrk search "Client list search (page)" "$TARGET_CLIENTS" "$OUT/paths-search.txt" "$AUTH_PAGE" 1 1 "$SINGLE_DURATION" 2 clients
fi
# The session must still have been valid at the end (a redirect to the sign-in page would be fast and wrong).
code="$(curl -sS -o /dev/null -w '%{http_code}' -H "$AUTH_PAGE" "$BASE_URL$(head -n 1 "$OUT/paths-calendar.txt")")"
[ "$code" = 200 ] || die "the calendar answered HTTP $code after the load: the session did not last the run"
APP_ERRORS="$(grep -c '"LogLevel":"\(Error\|Critical\)"' "$OUT/app.log" || true)"
stop_app

# The same app with Npgsql's automatic statement preparation: a connection-string setting, no code change.
# PostgreSQL then parses and plans each statement once per connection instead of on every execution.
if [ "$AUTOPREPARE" = 1 ]; then
  start_app "$OUT/app-autoprepare.log" "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB;$AUTOPREPARE_SETTINGS"
  warm_app "-autoprepare"
  run_wrk conflict "Conflict check (API), $AUTOPREPARE_SETTINGS" "$TARGET_CONFLICT" "$OUT/paths-conflict.txt" "$AUTH_API" "$C" "$T" "$DURATION" "$WARMUP" autoprepare
  run_wrk week "Week list (API), $AUTOPREPARE_SETTINGS" "$TARGET_WEEK" "$OUT/paths-week.txt" "$AUTH_API" "$C" "$T" "$DURATION" "$WARMUP" autoprepare
  run_wrk calendar "Calendar page, $AUTOPREPARE_SETTINGS" "$TARGET_CALENDAR" "$OUT/paths-calendar.txt" "$AUTH_PAGE" "$C" "$T" "$DURATION" "$WARMUP" autoprepare
  APP_ERRORS=$((APP_ERRORS + $(grep -c '"LogLevel":"\(Error\|Critical\)"' "$OUT/app-autoprepare.log" || true)))
  stop_app
fi
PHASE[wrk]=$((SECONDS - t))
if [ "$FLOOR" = 0 ]; then
  python3 - "$RESULTS_JSONL" <<'PY'
import json, sys
print(f"{'scenario':<52} {'conn':>4} {'p50':>7} {'p95':>7} {'req/s':>7} {'app ms':>7} {'pg ms':>6}")
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("kind") != "http": continue
    print(f"{r['label'][:52]:<52} {r['connections']:>4} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['rps']:>7.0f} {r['app_cpu_ms']:>7.2f} {r['pg_cpu_ms']:>6.2f}")
PY
  log "BENCH_FLOOR=0: no pgbench, no EXPLAIN, RESULTS.md untouched"
  exit 0
fi

# ------------------------------------------------------------------------------------------------------
# Floor: pgbench with the captured SQL
# ------------------------------------------------------------------------------------------------------
t=$SECONDS
# run_pgbench SCENARIO KIND LABEL CONNECTIONS THREADS SECONDS
run_pgbench() {
  local scenario="$1" kind="$2" label="$3" conns="$4" threads="$5" secs="$6"
  local name="$scenario-$kind-c$conns" script="$OUT/pgbench-$scenario-$kind.sql" pct tps statements mode=extended
  case "$kind" in
    prepared) script="$OUT/pgbench-$scenario-all.sql"; mode=prepared ;;
    proposed-prepared) script="$OUT/pgbench-$scenario-proposed.sql"; mode=prepared ;;
  esac
  local args=(-n -M "$mode" -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres -f "$script"
    -D "ws=$WS" -D "base=$BASE" -D "hash=$HASH" -D "user=$OWNER" -D "stamp=$STAMP" -D "session=$SESSION_ID" -D limit=100 -D offset=0)
  log "pgbench $label: -c$conns -j$threads, ${secs} s"
  "$PGBENCH" "${args[@]}" -c "$conns" -j "$threads" -T "$PGBENCH_WARMUP" "$DB" >"$OUT/pgbench-$name-warmup.txt" 2>&1 \
    || { cat "$OUT/pgbench-$name-warmup.txt" >&2; die "pgbench failed"; }
  rm -f "$OUT/pgblog-$name".*
  "$PGBENCH" "${args[@]}" -c "$conns" -j "$threads" -T "$secs" -l --log-prefix="$OUT/pgblog-$name" \
    --report-per-command "$DB" >"$OUT/pgbench-$name.txt" 2>&1 || { cat "$OUT/pgbench-$name.txt" >&2; die "pgbench failed"; }
  pct="$(python3 "$BENCH/report.py" pct "$OUT/pgblog-$name")"
  tps="$(awk '/^tps = / { print $3; exit }' "$OUT/pgbench-$name.txt")"
  statements="$(grep -c ';$' "$script")"
  python3 - "$pct" "$OUT/pgbench-$name.txt" >>"$RESULTS_JSONL" <<PY
import json, re, sys
r = json.loads(sys.argv[1])
per = []
text = open(sys.argv[2]).read()
if "statement latencies" in text:
    for line in text.split("statement latencies in milliseconds", 1)[1].splitlines()[1:]:
        m = re.match(r"\s+([\d.]+)\s+(?:\d+\s+)?(.*)", line)
        if m and not m.group(2).startswith("\\\\") and m.group(2).strip():
            per.append([m.group(1), (m.group(2).strip()[:70] + "…") if len(m.group(2).strip()) > 70 else m.group(2).strip()])
r.update(kind="pgbench", scenario="$scenario", sqlkind="$kind", label="$label", connections=$conns,
         tps=float("$tps" or 0), statements=$statements, per_statement=per)
print(json.dumps(r))
PY
}
for c in "$CONNECTIONS" 1; do
  j="$THREADS"; [ "$c" = 1 ] && j=1
  [ "$c" = 1 ] && [ "$SINGLE_DURATION" -eq 0 ] && continue
  secs="$DURATION"; [ "$c" = 1 ] && secs="$SINGLE_DURATION"
  run_pgbench conflict endpoint "Conflict check: endpoint SQL" "$c" "$j" "$secs"
  run_pgbench conflict all "Conflict check: all SQL of the request (token + check)" "$c" "$j" "$secs"
  run_pgbench week endpoint "Week list: endpoint SQL (count + page)" "$c" "$j" "$secs"
  run_pgbench week all "Week list: all SQL of the request (token + count + page)" "$c" "$j" "$secs"
  run_pgbench calendar all "Calendar page: all SQL of the request (session + 4)" "$c" "$j" "$secs"
  for s in conflict week calendar; do
    [ -f "$OUT/pgbench-$s-proposed.sql" ] || continue
    case "$s" in conflict) l="Conflict check" ;; week) l="Week list" ;; *) l="Calendar page" ;; esac
    run_pgbench "$s" proposed "$l: all SQL, with the proposed lower bound on scheduled_start" "$c" "$j" "$secs"
  done
  run_pgbench conflict prepared "Conflict check: all SQL, prepared statements (-M prepared)" "$c" "$j" "$secs"
  run_pgbench week prepared "Week list: all SQL, prepared statements (-M prepared)" "$c" "$j" "$secs"
  run_pgbench calendar prepared "Calendar page: all SQL, prepared statements (-M prepared)" "$c" "$j" "$secs"
  for s in conflict week calendar; do
    [ -f "$OUT/pgbench-$s-proposed.sql" ] || continue
    case "$s" in conflict) l="Conflict check" ;; week) l="Week list" ;; *) l="Calendar page" ;; esac
    run_pgbench "$s" proposed-prepared "$l: all SQL, lower bound + prepared statements" "$c" "$j" "$secs"
  done
done

# Plans of the endpoint statements for workspace #1, first and last week of the range.
python3 "$BENCH/report.py" explain "$OUT" "{\"ws\":\"$WS\",\"base\":$BASE,\"hash\":\"$HASH\",\"user\":\"$OWNER\",\"stamp\":\"$STAMP\"}"
for s in conflict week calendar; do
  for wk in 00 25 49; do
    for variant in app bound; do
      f="$OUT/explain-$s-$wk-$variant"
      psql_bench -f "$f.sql" >/dev/null 2>&1 || true  # once to warm the cache, like the load runs did
      psql_bench -f "$f.sql" >"$f.txt" 2>&1 || die "EXPLAIN failed ($f.txt)"
      python3 "$BENCH/report.py" plan "$f.txt" | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    p.update(kind="plan"); print(json.dumps(p))' >>"$RESULTS_JSONL"
    done
  done
done
PHASE[pgbench]=$((SECONDS - t))

# ------------------------------------------------------------------------------------------------------
# RESULTS.md
# ------------------------------------------------------------------------------------------------------
TOTAL=$((SECONDS - START_SECONDS))
BENCH_META_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
BENCH_META_CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
BENCH_META_NPROC="$NPROC"
BENCH_META_MEM="$(free -g | awk '/^Mem:/ { print $2 " GiB total, " $7 " GiB available" }')"
BENCH_META_OS="$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
BENCH_META_PG="$(psql_bench -Atc "SELECT split_part(version(), ' (', 1) || '; shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem') || ', fsync ' || current_setting('fsync') || ', max_connections ' || current_setting('max_connections')")"
BENCH_META_DOTNET="SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v }') (ASP.NET Core)"
BENCH_META_WRK="$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-3); $("$PGBENCH" --version)"
BENCH_META_APP="$APP_REV; dotnet publish -c Release; ASPNETCORE_ENVIRONMENT=Production, log level Warning (JSON console); errors logged during the load: ${APP_ERRORS:-0}"
BENCH_META_LOAD="before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-minute load averages; anything above ~0 before the run is other work on this machine)"
BENCH_META_TIME="$TOTAL s in all: build ${PHASE[build]} s, data ${PHASE[data]} s, SQL capture ${PHASE[capture]} s, wrk ${PHASE[wrk]} s, pgbench + EXPLAIN ${PHASE[pgbench]} s"
BENCH_META_COUNTS="$(psql_bench -Atc "SELECT format('%s workspaces, %s users, %s clients, %s services, %s locations, **%s appointments** (%s of them soft-deleted); appointments table %s + indexes %s. Workspace #1 has %s appointments.',
  (SELECT count(*) FROM workspaces), (SELECT count(*) FROM users), (SELECT count(*) FROM clients), (SELECT count(*) FROM services),
  (SELECT count(*) FROM locations), (SELECT count(*) FROM appointments), (SELECT count(*) FROM appointments WHERE deleted_at IS NOT NULL),
  pg_size_pretty(pg_table_size('appointments')), pg_size_pretty(pg_indexes_size('appointments')),
  (SELECT count(*) FROM appointments WHERE workspace_id = '$WS'))")"
BENCH_META_ORIGIN="$DATA_ORIGIN"
BENCH_META_WEEK_ITEMS="$WEEK_ITEMS"
export BENCH_META_DATE BENCH_META_CPU BENCH_META_NPROC BENCH_META_MEM BENCH_META_OS BENCH_META_PG BENCH_META_DOTNET BENCH_META_WRK BENCH_META_APP BENCH_META_LOAD BENCH_META_TIME BENCH_META_COUNTS BENCH_META_ORIGIN BENCH_META_WEEK_ITEMS
export N M DURATION WARMUP SINGLE_DURATION CONNECTIONS THREADS DB OUT
python3 - "$OUT/meta.json" <<'PY'
import json, os, sys
e = os.environ
captured = {}
for name, title in (("conflict", "Conflict check"), ("week", "Week list"), ("calendar", "Calendar page")):
    with open(os.path.join(e["OUT"], f"captured-{name}.sql")) as f:
        captured[title] = f.read()
meta = {
    "date": e["BENCH_META_DATE"],
    "machine": [
        ("Date", e["BENCH_META_DATE"]),
        ("CPU", f"{e['BENCH_META_CPU']}, {e['BENCH_META_NPROC']} cores (`nproc`)"),
        ("Memory", e["BENCH_META_MEM"]),
        ("OS", e["BENCH_META_OS"]),
        ("PostgreSQL", e["BENCH_META_PG"] + " (the repo's private cluster, 127.0.0.1:55432, shared with other work)"),
        (".NET", e["BENCH_META_DOTNET"]),
        ("App", e["BENCH_META_APP"]),
        ("Load tools", e["BENCH_META_WRK"] + "; all on 127.0.0.1, sharing the same cores as the app and PostgreSQL"),
        ("Load average", e["BENCH_META_LOAD"]),
        ("Run time of bench/run.sh", e["BENCH_META_TIME"]),
    ],
    "data": f"Database `{e['DB']}`: {e['N']} workspaces x {e['M']} appointments, {e['BENCH_META_ORIGIN']} "
            f"(`bench/generate.sql`). {e['BENCH_META_COUNTS']} A week of workspace #1 lists about "
            f"{e['BENCH_META_WEEK_ITEMS']} appointments.",
    "connections": int(e["CONNECTIONS"]), "wrk_threads": int(e["THREADS"]),
    "duration": int(e["DURATION"]), "warmup": int(e["WARMUP"]), "duration_single": int(e["SINGLE_DURATION"]),
    "captured": captured,
}
with open(sys.argv[1], "w") as f:
    json.dump(meta, f, indent=1)
PY
python3 "$BENCH/report.py" write "$RESULTS_JSONL" "$OUT/meta.json" "$RESULTS"
log "wrote $RESULTS (raw output in $OUT)"
log "bench/run.sh took $TOTAL s"
