#!/usr/bin/env bash
# bench/drill-worker.sh: the worker killed (SIGKILL) mid-batch, twice. BENCH_DRILL_EMAILS digests (one per recipient)
# fall due at once; a worker (`PazPaz.dll worker`) sends them to a slow SMTP sink and is killed with SIGKILL while it
# is sending, a second worker started at once is killed the same way, and a third one finishes. Then
# bench/drill_worker.py checks: 0 recipients with a message twice, 0 sent rows whose message never arrived, 0 rows left
# pending, every row the killed workers had leased but not started sent after its lease (5 minutes) ended, at most one
# row in doubt per SMTP connection per kill, no errors in the workers' logs. About 10 minutes with the build.
# Builds PazPaz (Release), runs it in Production against a fresh database pazpaz_bench_drill_worker in the repo's
# PostgreSQL (two roles, as in production). Writes its section into RESULTS.md; exits 1 when a check fails.
#
# Settings: BENCH_DRILL_EMAILS=2000 (a multiple of 10, at least 1000) BENCH_DRILL_SMTP_PAUSE_MS=30
#           BENCH_DRILL_TIMEOUT=900 (seconds after the second kill) BENCH_DRILL_REBUILD=1 (0 reuses the last build)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

EMAILS="${BENCH_DRILL_EMAILS:-2000}"
PAUSE_MS="${BENCH_DRILL_SMTP_PAUSE_MS:-30}"
TIMEOUT="${BENCH_DRILL_TIMEOUT:-900}"
DB=pazpaz_bench_drill_worker
WORK="$BENCH/.work/drill-worker"
OUT="$WORK/out"
APPDIR="$WORK/app"
RECEIVED="$WORK/received.txt"
[[ "$EMAILS" =~ ^[0-9]+$ && "$PAUSE_MS" =~ ^[0-9]+$ && "$TIMEOUT" =~ ^[0-9]+$ ]] || die "BENCH_DRILL_* must be whole numbers"
# Below 1000 the first worker's leases (4 connections x 100 rows) leave the second too little to be killed mid-batch.
[ "$EMAILS" -ge 1000 ] && [ $((EMAILS % 10)) -eq 0 ] || die "BENCH_DRILL_EMAILS must be a multiple of 10, at least 1000"

WORKER_PID=""
SINK_PID=""
stop_all() {
  if [ -n "$WORKER_PID" ] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill "$WORKER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$WORKER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$WORKER_PID" 2>/dev/null && kill -9 "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  WORKER_PID=""
  _pz_stop_server "$SINK_PID"
  SINK_PID=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

ensure_postgres || die "PostgreSQL did not start"
ensure_app_role || die "could not create the role pazpaz_app"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)
sql() { "${PSQL[@]}" -d "$DB" -At -F ' ' -c "$1"; }

if [ "${BENCH_DRILL_REBUILD:-1}" = 0 ] && [ -f "$APPDIR/PazPaz.dll" ]; then
  rm -rf "$OUT"; mkdir -p "$OUT"
  APP_REV="the previous build (BENCH_DRILL_REBUILD=0)"
else
  rm -rf "$OUT" "$WORK/src" "$APPDIR"
  mkdir -p "$OUT" "$WORK/src"
  tar -C "$BENCH/.." --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$BENCH/.." rev-parse --short HEAD) + working tree ($(git -C "$BENCH/.." status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
  log "building PazPaz (Release) from $APP_REV"
  dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1 \
    || { grep -E 'error' "$OUT/build.log" | sort -u | head -n 20 >&2; die "the build failed (log: $OUT/build.log)"; }
fi

# The SMTP server: aiosmtpd counting recipients (bench/smtp_sink.py), with a pause per message so that a batch of 100
# takes seconds and a kill lands in the middle of one.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || ensure_apt python3-aiosmtpd || die "could not install python3-aiosmtpd"
SMTP_PORT="$(_pz_free_port)"
: >"$RECEIVED"
PYTHONPATH="$BENCH" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c smtp_sink.CountingSink "$RECEIVED" "$PAUSE_MS" >"$OUT/smtp.log" 2>&1 &
SINK_PID=$!
_pz_await_server "$SINK_PID" "$SMTP_PORT" "$OUT/smtp.log" "SMTP sink" || die "the SMTP sink did not start"

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production
  "ConnectionStrings__Migrations=$PAZPAZ_PG;Database=$DB" "ConnectionStrings__Default=$PAZPAZ_PG_APP;Database=$DB"
  PazPaz__PublicBaseUrl=http://127.0.0.1:5099 Smtp__Host=127.0.0.1 "Smtp__Port=$SMTP_PORT" Smtp__From=drill@bench.pazpaz.test
  Encryption__CurrentKeyVersion=1 "Encryption__Keys__1=$(cat "$KEYFILE")"
  Jobs__PollingSeconds=1 Logging__LogLevel__Default=Warning Logging__LogLevel__PazPaz=Information
  DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "database $DB: drop, create, migrate"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
# bench/digests.sql: practices of 10 users each, whose today's digest falls due this very minute (already begun, so
# the first run of the worker claims them all: the planner looks back 15 minutes).
DUE=$(( $(date +%s) / 60 * 60 ))
log "filling $((EMAILS / 10)) practices x 10 users, digests due at $(date -u -d "@$DUE" +%H:%M) UTC"
"${PSQL[@]}" -d "$DB" -v workspaces=$((EMAILS / 10)) -v users_per_workspace=10 -v appointments=2 -v due="$DUE" \
  -f "$BENCH/digests.sql" >"$OUT/fill.log" 2>&1 || { cat "$OUT/fill.log" >&2; die "the fill failed"; }
admin encrypt-fields >"$OUT/encrypt.log" 2>&1 || { cat "$OUT/encrypt.log" >&2; die "encrypt-fields failed"; }

start_worker() {
  (cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll worker --urls http://127.0.0.1:0) >"$OUT/worker-$1.log" 2>&1 &
  WORKER_PID=$!
  log "worker $1 started (pid $WORKER_PID)"
}
received() { wc -l <"$RECEIVED"; }
# wait_for_received N WORKER: until the sink has N messages; the worker must stay up meanwhile.
wait_for_received() {
  local deadline=$(( $(date +%s) + 240 ))
  while [ "$(received)" -lt "$1" ]; do
    kill -0 "$WORKER_PID" 2>/dev/null || { tail -n 20 "$OUT/worker-$2.log" >&2; die "worker $2 exited by itself"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "worker $2 did not bring the sink to $1 messages in 4 minutes"
    sleep 0.05
  done
}
# kill_worker N: SIGKILL, then what it left: rows Sending (in doubt) and rows leased but not started (Pending, lease ahead).
kill_worker() {
  kill -9 "$WORKER_PID"
  wait "$WORKER_PID" 2>/dev/null || true
  WORKER_PID=""
  local at
  at="$(date +%s.%N)"
  echo "$1 $at $(received)" >>"$OUT/kills.txt"
  sql "SELECT id FROM notification_deliveries WHERE status = 'sending'" >"$OUT/sending-$1.txt"
  sql "SELECT id, extract(epoch FROM next_attempt_at) FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at > now()" >"$OUT/leased-$1.txt"
  log "worker $1 killed with SIGKILL at $(received) messages received; rows Sending: $(wc -l <"$OUT/sending-$1.txt"), leased: $(wc -l <"$OUT/leased-$1.txt") (both so far in all)"
}

: >"$OUT/kills.txt"
STARTED="$(date +%s)"
start_worker 1
wait_for_received $((EMAILS / 4)) 1
kill_worker 1
start_worker 2
wait_for_received $((EMAILS / 2)) 2
kill_worker 2
start_worker 3
KILLED="$(date +%s)"

log "worker 3 sends the rest; the killed workers' leases end 5 minutes after they took their batches"
while [ "$(sql "SELECT count(*) FROM notification_deliveries WHERE status IN ('pending', 'failed')")" -gt 0 ]; do
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -n 20 "$OUT/worker-3.log" >&2; die "worker 3 exited by itself"; }
  [ "$(date +%s)" -lt $((KILLED + TIMEOUT)) ] || { log "rows still waiting after $TIMEOUT s"; break; }
  sleep 1
done
DONE_AFTER=$(( $(date +%s) - KILLED ))
sleep 5 # anything sent twice would show up now
kill -0 "$WORKER_PID" 2>/dev/null || die "worker 3 exited by itself (log: $OUT/worker-3.log)"
stop_all
TOTAL=$(( $(date +%s) - STARTED ))

set +e
# 4: the worker's SMTP connections (Jobs__SendParallelism's default), each of which may leave one row in doubt.
python3 "$BENCH/drill_worker.py" "$OUT" "$RECEIVED" "$EMAILS" 4 "${PSQL[*]} -d $DB" | tee "$OUT/drill.txt"
STATUS=${PIPESTATUS[0]}
set -e
RESULT="$(grep '^DRILL_RESULT ' "$OUT/drill.txt" | cut -d' ' -f2-)"
[ -n "$RESULT" ] || die "bench/drill_worker.py printed no result (exit $STATUS)"

python3 - "$RESULT" "$APP_REV" "$PAUSE_MS" "$DONE_AFTER" "$TOTAL" >"$OUT/section.md" <<'PY'
import json, sys, datetime
r, rev, pause, done_after, total = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
print("<!-- drill-worker:begin (bench/drill-worker.sh rewrites this section; run.sh keeps it) -->")
print(f"## The worker killed mid-batch, twice (bench/drill-worker.sh, {datetime.date.today()})")
print()
print(f"{r['emails']:,} digests, one per recipient, fell due at once. `PazPaz.dll worker` (Production, Release, revision {rev};")
print(f"4 SMTP connections, batches of 100) sent them to an SMTP sink that took {pause} ms per message; it was killed with")
print("SIGKILL while sending, a second worker started at once was killed the same way, and a third one finished.")
print(f"Everything was sent or in doubt {done_after // 60} min {done_after % 60} s after the second kill ({total // 60} min {total % 60} s in all).")
print()
print("| | |")
print("|---|---:|")
for k in r["kills"]:
    print(f"| Kill {k['n']}: messages at the SMTP server | {k['received']:,} |")
    print(f"| … rows left Sending (in doubt): message received / not received | {k['in_doubt']} ({k['in_doubt_received']} / {k['in_doubt_not_received']}) |")
    print(f"| … rows leased but not started / sent after the lease ended | {k['leased']} / {k['leased_sent_after_lease']} |")
print(f"| Messages the SMTP server received (recipients) | {r['received']:,} ({r['recipients']:,}) |")
print(f"| **Recipients who received a message twice or more** | **{r['duplicates']}** |")
print(f"| Rows sent / … whose message never arrived (lost) | {r['sent']:,} / **{r['lost']}** |")
print(f"| Rows in doubt (Sending), at most {r['in_doubt_limit']} | {r['in_doubt']} |")
print(f"| **Rows still pending or failed** | **{r['waiting']}** |")
print(f"| Leased rows sent (at the minute job's next run): first / last, after their lease ended | {r['after_lease_first']} s / {r['after_lease_last']} s |")
print(f"| **Errors in the workers' logs** | **{r['errors']}** |")
print()
print(f"Verdict: **{'pass' if r['ok'] else 'FAIL'}**." + ("" if r["ok"] else " " + "; ".join(r["failures"]) + "."))
print("<!-- drill-worker:end -->")
PY
cat "$OUT/section.md"
python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- drill-worker:begin" in text:
    text = re.sub(r'<!-- drill-worker:begin.*?<!-- drill-worker:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
log "wrote the drill section of $BENCH/RESULTS.md"
exit "$STATUS"
