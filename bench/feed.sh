#!/usr/bin/env bash
# bench/feed.sh: latency of the private calendar feed (GET /calendar/{token}.ics). Builds PazPaz (Release), fills the
# database pazpaz_bench_feed with BENCH_FEED_N practices x 1,000 appointments (bench/generate.sql) and gives practice #1
# a one-year feed of exactly BENCH_FEED_EVENTS appointments, then measures with wrk on 127.0.0.1:
#   full   the whole calendar (200, the body built each time)       target p95 <= 50 ms
#   304    If-None-Match with the current ETag (304, no body built)   target p95 <= 3 ms
# each at 1 connection and at BENCH_CONNECTIONS, with the body cache off (PazPaz__FeedCacheMegabytes=0); then the full
# feed again with the cache on, as deployed (an unchanged feed fetched without If-None-Match). Writes its Markdown section into RESULTS.md
# (also in bench/.work/feed/out/section.md). Everything it starts, it stops. See bench/README.md ("Calendar feed").
#
# Settings: BENCH_FEED_N=100 BENCH_FEED_EVENTS=1000 BENCH_DURATION=20 BENCH_WARMUP=10 BENCH_CONNECTIONS=8
#           BENCH_THREADS=2 BENCH_PORT=5098 BENCH_FEED_DB=pazpaz_bench_feed BENCH_FEED_PRESET=client_full_name
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

N="${BENCH_FEED_N:-100}"
EVENTS="${BENCH_FEED_EVENTS:-1000}"
DB="${BENCH_FEED_DB:-pazpaz_bench_feed}"
PORT="${BENCH_PORT:-5098}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
PRESET="${BENCH_FEED_PRESET:-client_full_name}"
TARGET_FULL=50
TARGET_304=3

WORK="$BENCH/.work/feed"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
for v in N EVENTS PORT DURATION WARMUP CONNECTIONS THREADS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number (got '${!v}')"
done
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"
[[ "$PRESET" =~ ^(session|service_name|client_initials|client_first_name|client_full_name)$ ]] || die "bad BENCH_FEED_PRESET"

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
  "PazPaz__PublicBaseUrl=$BASE_URL" "Email__PickupDirectory=$WORK/mail" Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning
  # wrk fetches one URL from one address thousands of times a second: lift the abuse limits for the bench.
  PazPaz__FeedRequestsPerToken=100000000 PazPaz__FeedRequestsPerIp=100000000
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
psql_db() { "${PSQL[@]}" -d "$DB" "$@"; }

log "creating $DB: $N practices x 1000 appointments, then practice #1's one-year feed of $EVENTS appointments"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin migrate) >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
psql_db -v n="$N" -v m=1000 -f "$BENCH/generate.sql" >"$OUT/generate.log"
TOKEN="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# Practice #1: its appointments replaced by EVENTS spread evenly over the feed's window (60 days back, a year in all),
# 09:00-17:00 London, a few cancelled (future) and no-shows (past), and one feed with the chosen title preset.
psql_db -v events="$EVENTS" -v token="$TOKEN" -v preset="$PRESET" <<'SQL' >"$OUT/feed-data.log"
BEGIN;
CREATE TEMP TABLE ws1 AS
SELECT w.id AS workspace_id, u.id AS user_id, l.id AS location_id, (SELECT id FROM services s WHERE s.workspace_id = w.id LIMIT 1) AS service_id
FROM workspaces w JOIN users u ON u.workspace_id = w.id JOIN locations l ON l.workspace_id = w.id
WHERE u.email = 'owner-1@bench.pazpaz.test';
DELETE FROM appointments a USING ws1 WHERE a.workspace_id = ws1.workspace_id;
INSERT INTO appointments (id, workspace_id, client_id, service_id, location_id, scheduled_start, scheduled_end, location_type,
                          location_details, status, notes, created_at, updated_at, edited_at, edit_count, sequence, deleted_at)
SELECT gen_random_uuid(), ws1.workspace_id, c.id, ws1.service_id, ws1.location_id, x.start, x.start + interval '60 minutes', 'clinic',
       NULL,
       CASE WHEN x.start < now() THEN (CASE WHEN i % 25 = 0 THEN 'no_show' ELSE 'completed' END)
            WHEN i % 30 = 0 THEN 'cancelled' ELSE 'scheduled' END,
       NULL, x.start - interval '20 days', x.start - interval '10 days' + (i % 97) * interval '1 minute', NULL, i % 3, i % 3, NULL
FROM ws1, generate_series(0, :events - 1) i
CROSS JOIN LATERAL (SELECT (date_trunc('day', now()) - interval '59 days' + floor(i * 364.0 / :events) * interval '1 day'
                            + (9 + (i % 4) * 2) * interval '1 hour') AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/London' AS start) x
CROSS JOIN LATERAL (SELECT id FROM clients cl WHERE cl.workspace_id = ws1.workspace_id ORDER BY cl.id OFFSET (i % 50) LIMIT 1) c;
INSERT INTO calendar_feeds (id, workspace_id, user_id, name, token_hash, token_generation, privacy_preset, keep_cancelled_until_start,
                            show_private_locations, window_days_back, window_days_ahead, sequence_offset, created_at, updated_at)
SELECT gen_random_uuid(), workspace_id, user_id, 'PazPaz – Bench Owner 1', encode(sha256(convert_to(:'token', 'UTF8')), 'hex'), 1,
       :'preset', true, false, 60, 365, 0, now(), now()
FROM ws1;
COMMIT;
VACUUM ANALYZE appointments;
ANALYZE calendar_feeds;
SQL
# The fill writes clients in plaintext (as rows from before encryption were): encrypt them as the app does at start-up.
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin encrypt-fields) >"$OUT/encrypt.log" 2>&1 || { cat "$OUT/encrypt.log" >&2; die "admin encrypt-fields failed"; }

# start_app LOG [EXTRA_ENV...]
start_app() {
  local logfile="$1"; shift
  log "starting the app on $BASE_URL $*"
  (cd "$APPDIR" && exec env "${APP_ENV[@]}" "$@" dotnet PazPaz.dll) >"$logfile" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "the app exited during start-up"; }
    curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the app did not become ready"
}
# First without the body cache, so that every 200 builds the calendar (query + writer): the figure the target is about.
start_app "$OUT/app.log" PazPaz__FeedCacheMegabytes=0

FEED="/calendar/$TOKEN.ics"
curl -fsS -D "$OUT/feed-headers.txt" -o "$OUT/feed.ics" "$BASE_URL$FEED" || die "the feed did not answer 200"
ETAG="$(grep -i '^etag:' "$OUT/feed-headers.txt" | cut -d' ' -f2- | tr -d '\r')"
VEVENTS="$(grep -c '^BEGIN:VEVENT' "$OUT/feed.ics")"
BYTES="$(wc -c <"$OUT/feed.ics")"
[ "$VEVENTS" -ge $((EVENTS * 9 / 10)) ] || die "the feed holds $VEVENTS events, expected about $EVENTS"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$BASE_URL$FEED")" = 304 ] || die "If-None-Match did not answer 304"
log "feed: $VEVENTS events, $BYTES bytes, ETag $ETAG"

echo "$FEED" >"$OUT/paths.txt"
# The app's user+system CPU in clock ticks: CPU per request does not depend on how busy the shared machine is.
app_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; }
TICKS_PER_SECOND="$(getconf CLK_TCK)"
# run NAME CONNECTIONS SECONDS [HEADER]: prints wrk's BENCH_RESULT json, plus the app's CPU ticks during the run
run() {
  local name="$1" c="$2" d="$3" header="${4:-}" t="$THREADS" before after
  [ "$t" -le "$c" ] || t="$c"
  before="$(app_ticks)"
  BENCH_PATHS="$OUT/paths.txt" BENCH_HEADER="$header" wrk -t"$t" -c"$c" -d"${d}s" --latency -s "$BENCH/report.lua" "$BASE_URL" \
    >"$OUT/wrk-$name.txt" 2>&1
  after="$(app_ticks)"
  grep '^BENCH_RESULT ' "$OUT/wrk-$name.txt" | cut -d' ' -f2- | sed "s/}\$/,\"app_ticks\":$((after - before)),\"ticks_per_second\":$TICKS_PER_SECOND}/"
}
log "warming up (${WARMUP} s each)"
run warm-full "$CONNECTIONS" "$WARMUP" >/dev/null
run warm-304 "$CONNECTIONS" "$WARMUP" "If-None-Match: $ETAG" >/dev/null
declare -A R=()
for c in 1 "$CONNECTIONS"; do
  log "full feed, $c connection(s), ${DURATION} s";  R[full-$c]="$(run "full-$c" "$c" "$DURATION")"
  log "304, $c connection(s), ${DURATION} s";        R[304-$c]="$(run "304-$c" "$c" "$DURATION" "If-None-Match: $ETAG")"
done
stop_app
# Then as deployed: an unchanged feed fetched without If-None-Match (Google, Outlook) comes from the body cache.
start_app "$OUT/app-cached.log"
run warm-cached "$CONNECTIONS" "$WARMUP" >/dev/null
for c in 1 "$CONNECTIONS"; do
  log "full feed from the body cache, $c connection(s), ${DURATION} s"; R[cached-$c]="$(run "cached-$c" "$c" "$DURATION")"
done
stop_app
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

row() {  # row LABEL JSON TARGET
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
label, data, target = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
bad = data["non_2xx_3xx"] + data["socket_errors"] + data["timeouts"]
verdict = ("pass" if data["p95_ms"] <= target else "fail") + (f" ({bad} errors)" if bad else "")
cpu = data["app_ticks"] * 1000 / data["ticks_per_second"] / max(1, data["requests"])
print(f"| {label} | {data['rps']:.0f} | {data['p50_ms']:.2f} | {data['p95_ms']:.2f} | {data['p99_ms']:.2f} | {cpu:.2f} | {target:g} ms | {verdict} |")
PY
}
{
  echo "<!-- feed:begin (bench/feed.sh rewrites this section; run.sh keeps it) -->"
  echo "## Calendar feed (bench/feed.sh, $(date -u +%Y-%m-%d))"
  echo
  echo "\`GET /calendar/{token}.ics\` for practice #1 of $N (each with 1,000 appointments, ${N}k rows in \`appointments\`): a"
  echo "one-year window (60 days back) holding $VEVENTS events, $BYTES bytes, titles \`$PRESET\`. App in Production (Release) on"
  echo "127.0.0.1, wrk ${DURATION} s per run after ${WARMUP} s warm-ups. Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "shared with other engineers' builds and tests: load average $LOAD_BEFORE before, $LOAD_AFTER after. App revision $APP_REV."
  echo
  echo "Full feed and 304 rows: body cache off (every 200 queries and writes the calendar). Last rows: cache on, as deployed."
  echo
  echo "| Scenario | req/s | p50 ms | p95 ms | p99 ms | app CPU ms/req | target p95 | verdict |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  for c in 1 "$CONNECTIONS"; do
    row "Full feed (200), $c connection(s)" "${R[full-$c]}" "$TARGET_FULL"
    row "Unchanged (304 on If-None-Match), $c connection(s)" "${R[304-$c]}" "$TARGET_304"
  done
  for c in 1 "$CONNECTIONS"; do
    row "Full feed (200) from the body cache, $c connection(s)" "${R[cached-$c]}" "$TARGET_FULL"
  done
  echo "<!-- feed:end -->"
} | tee "$OUT/section.md"

# The section replaces the previous one in RESULTS.md (or is added before the digests section).
python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if __import__("os").path.exists(path) else ""
if "<!-- feed:begin" in text:
    text = re.sub(r'<!-- feed:begin.*?<!-- feed:end -->', lambda _: section, text, flags=re.S)
elif "<!-- digests:begin" in text:
    text = text.replace("<!-- digests:begin", section + "\n\n<!-- digests:begin", 1)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
