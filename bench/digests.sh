#!/usr/bin/env bash
# bench/digests.sh: 10,000 users whose today's digest falls due in the same minute. Starts the job server alone
# (PazPaz worker, Production) against a filled database and a local SMTP sink (aiosmtpd with bench/smtp_sink.py),
# and measures how long after that minute the last digest reached the SMTP server (target: 60 s).
# Writes its section at the end of bench/RESULTS.md. Everything it starts, it stops. See bench/README.md.
#
# Settings (environment):
#   BENCH_DIGEST_WORKSPACES=1000 BENCH_DIGEST_USERS_PER_WORKSPACE=10   10,000 users
#   BENCH_DIGEST_APPOINTMENTS=8        appointments per practice on the digest's day (each digest lists them)
#   BENCH_DIGEST_DB=pazpaz_bench_digests BENCH_SOURCE=worktree BENCH_RESULTS=bench/RESULTS.md
#   BENCH_DIGEST_TIMEOUT=180           seconds to wait after the due minute before giving up
#   Jobs__SendParallelism, Jobs__SendBatchSize, Jobs__WorkerCount are passed through to the worker when set.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

WORKSPACES="${BENCH_DIGEST_WORKSPACES:-1000}"
PER_WORKSPACE="${BENCH_DIGEST_USERS_PER_WORKSPACE:-10}"
APPOINTMENTS="${BENCH_DIGEST_APPOINTMENTS:-8}"
DB="${BENCH_DIGEST_DB:-pazpaz_bench_digests}"
SOURCE="${BENCH_SOURCE:-worktree}"
RESULTS="${BENCH_RESULTS:-$BENCH/RESULTS.md}"
TIMEOUT="${BENCH_DIGEST_TIMEOUT:-180}"
TARGET=60
USERS=$((WORKSPACES * PER_WORKSPACE))

WORK="$BENCH/.work/digests"
APPDIR="$WORK/app"
OUT="$WORK/out"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

for v in WORKSPACES PER_WORKSPACE APPOINTMENTS TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || die "BENCH_DIGEST_$v must be a positive whole number (got '${!v}')"
done
[ "$APPOINTMENTS" -le 15 ] || die "BENCH_DIGEST_APPOINTMENTS at most 15 (hourly from 08:00, all on one day)"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"

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
  if [ -n "$SINK_PID" ] && kill -0 "$SINK_PID" 2>/dev/null; then kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
  SINK_PID=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

ensure_postgres || die "PostgreSQL did not start"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)

rm -rf "$OUT" "$WORK/src" "$APPDIR"
mkdir -p "$OUT" "$WORK/src"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# Build a copy, as bench/run.sh does, so that nobody's PazPaz/bin is touched.
if [ "$SOURCE" = worktree ]; then
  tar -C "$REPO" --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$REPO" rev-parse --short HEAD) + working tree ($(git -C "$REPO" status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
else
  git -C "$REPO" archive --format=tar "$SOURCE" PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
  APP_REV="$(git -C "$REPO" rev-parse --short "$SOURCE") ($SOURCE)"
fi
log "building PazPaz (Release) from $APP_REV"
dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1 \
  || { grep -E 'error' "$OUT/build.log" | sort -u | head -n 20 >&2 || true; die "the build failed (log: $OUT/build.log)"; }

# The SMTP server: aiosmtpd with a handler that only counts (bench/smtp_sink.py), so the sink costs little CPU.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || ensure_apt python3-aiosmtpd || die "could not install python3-aiosmtpd"
SMTP_PORT="$(_pz_free_port)"
RECEIVED_FILE="$WORK/received.txt"
: >"$RECEIVED_FILE"
PYTHONPATH="$BENCH" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c smtp_sink.CountingSink "$RECEIVED_FILE" >"$OUT/smtp.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 50); do
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 0.2).close()" 2>/dev/null && break
  kill -0 "$SINK_PID" 2>/dev/null || { cat "$OUT/smtp.log" >&2; die "the SMTP sink exited"; }
  sleep 0.2
done

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production
  "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB"
  PazPaz__PublicBaseUrl=http://127.0.0.1:5099
  Smtp__Host=127.0.0.1
  "Smtp__Port=$SMTP_PORT"
  Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")"
  Logging__LogLevel__Default=Warning
  Logging__LogLevel__PazPaz=Information
  Logging__LogLevel__PazPaz.Notifications.DeliverySender=Debug
  DOTNET_NOLOGO=1
  DOTNET_CLI_TELEMETRY_OPTOUT=1
)
for v in Jobs__SendParallelism Jobs__SendBatchSize Jobs__WorkerCount Jobs__PollingSeconds; do
  [ -n "${!v:-}" ] && APP_ENV+=("$v=${!v}")
done

log "database $DB: drop, create, migrate"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin migrate) >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "migrate failed"; }

# The due minute: the first whole minute at least 75 s away, so the fill, encrypting its clients and the worker's start fit before it.
DUE=$(( ($(date +%s) + 75 + 59) / 60 * 60 ))
log "filling $WORKSPACES practices x $PER_WORKSPACE users (digests due at $(date -u -d "@$DUE" +%H:%M:%S) UTC)"
"${PSQL[@]}" -d "$DB" -v workspaces="$WORKSPACES" -v users_per_workspace="$PER_WORKSPACE" -v appointments="$APPOINTMENTS" \
  -v due="$DUE" -f "$BENCH/digests.sql" >"$OUT/fill.log" 2>&1 || { cat "$OUT/fill.log" >&2; die "the fill failed"; }
# The fill writes clients in plaintext (as rows from before encryption were): encrypt them as the app does at start-up.
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin encrypt-fields) >"$OUT/encrypt.log" 2>&1 || { cat "$OUT/encrypt.log" >&2; die "encrypt-fields failed"; }
[ "$(date +%s)" -lt $((DUE - 10)) ] || die "the fill took too long to reach the due minute; try again"

log "starting the worker (PazPaz worker: the job server; its health and metrics on a free local port)"
(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll worker --urls http://127.0.0.1:0) >"$OUT/worker.log" 2>&1 &
WORKER_PID=$!

count() { wc -l <"$RECEIVED_FILE"; }
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
while [ "$(date +%s)" -lt "$DUE" ]; do
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -n 30 "$OUT/worker.log" >&2; die "the worker exited (log: $OUT/worker.log)"; }
  sleep 0.5
done
[ "$(count)" -eq 0 ] || die "e-mail arrived before the due minute"
log "due minute reached; waiting for $USERS digests"
CPU_BEFORE="$(cpu_of "$WORKER_PID")"
SINK_CPU_BEFORE="$(cpu_of "$SINK_PID")"
while [ "$(count)" -lt "$USERS" ] && [ "$(date +%s)" -lt $((DUE + TIMEOUT)) ]; do sleep 0.2; done
DONE_AT="$(date +%s.%N)"
CPU_AFTER="$(cpu_of "$WORKER_PID")"
SINK_CPU_AFTER="$(cpu_of "$SINK_PID")"
sleep 5 # anything sent twice would show up now
RECEIVED="$(count)"
stop_all
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

read -r ROWS SENT FIRST LAST DUPLICATE_KEYS < <("${PSQL[@]}" -d "$DB" -At -F ' ' -c "
  SELECT count(*), count(*) FILTER (WHERE status = 'sent'),
         round(extract(epoch FROM min(sent_at) - to_timestamp($DUE))::numeric, 1),
         round(extract(epoch FROM max(sent_at) - to_timestamp($DUE))::numeric, 1),
         count(*) - count(DISTINCT (user_id, kind, occasion_key))
  FROM notification_deliveries")
RECIPIENTS="$(sort -u "$RECEIVED_FILE" | wc -l)"
BREAKDOWN="$(grep -o '"Message":"[^"]*"' "$OUT/worker.log" | sed 's/^"Message":"//; s/"$//' | grep -E '^(Claimed|Sent|One connection)' || echo '(no timings logged)')"
JOB_SETTINGS=""
for v in Jobs__SendParallelism Jobs__SendBatchSize Jobs__WorkerCount Jobs__PollingSeconds; do
  [ -n "${!v:-}" ] && JOB_SETTINGS="$JOB_SETTINGS $v=${!v}"
done
WALL="$(printf '%.1f' "$(echo "$DONE_AT - $DUE" | bc -l)")"
CPU_SECONDS="$(printf '%.1f' "$(echo "($CPU_AFTER - $CPU_BEFORE) / $(getconf CLK_TCK)" | bc -l)")"
SINK_CPU_SECONDS="$(printf '%.1f' "$(echo "($SINK_CPU_AFTER - $SINK_CPU_BEFORE) / $(getconf CLK_TCK)" | bc -l)")"
RATE="$(printf '%.0f' "$(echo "$SENT / ($LAST - $FIRST + 0.001)" | bc -l)")"
VERDICT=fail
if [ "$RECEIVED" -eq "$USERS" ] && [ "$RECIPIENTS" -eq "$USERS" ] && [ "$SENT" -eq "$USERS" ] \
    && [ "$(echo "$LAST <= $TARGET" | bc -l)" = 1 ]; then VERDICT=pass; fi

SECTION="$(cat <<MD
<!-- digests:begin (bench/digests.sh rewrites this section) -->
## Digests: $USERS users due in the same minute

$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), shared with other
engineers' builds and tests while measuring (load average before $LOAD_BEFORE, after $LOAD_AFTER); app $APP_REV.
\`PazPaz worker\` (Production, job server only) against PostgreSQL $("${PSQL[@]}" -d postgres -Atc 'SHOW server_version') and
an SMTP sink on 127.0.0.1 (aiosmtpd with \`bench/smtp_sink.py\`: counts messages and recipients, keeps nothing); $WORKSPACES practices × $PER_WORKSPACE users in four time zones,
$APPOINTMENTS appointments per practice listed in each digest; job settings: ${JOB_SETTINGS:-the defaults}.

| Figure | Value |
|---|---:|
| Digests due | $USERS |
| Delivery rows / sent | $ROWS / $SENT |
| Messages the SMTP server received (distinct recipients) | $RECEIVED ($RECIPIENTS) |
| Duplicate keys | $DUPLICATE_KEYS |
| First sent, after the due minute | $FIRST s |
| **Last sent, after the due minute (target ≤ $TARGET s)** | **$LAST s — $VERDICT** |
| Last message counted by the SMTP sink | $WALL s |
| Sending rate (first to last) | $RATE e-mails/s |
| CPU from the due minute to the last message: worker / SMTP sink | $CPU_SECONDS s / $SINK_CPU_SECONDS s |

The time includes Hangfire picking up the every-minute job (schedule polling every 5 s), planning all users, claiming
$USERS rows in one insert, composing and sending over ${Jobs__SendParallelism:-4} reused SMTP connections in batches of ${Jobs__SendBatchSize:-100}.
Where each connection's time went (the worker's log):

\`\`\`
$BREAKDOWN
\`\`\`

Notes from tuning (2026-11-26, same machine and load): with the SMTP server writing each message to a Maildir
(aiosmtpd's Mailbox handler) the sink itself was the limit (77 e-mails/s, 141 s); with batches of 25 the database
round trips (take, compose, save: ~26 s of each connection's ~57 s) made it 54–65 s; 8 connections instead of 4 were
slower on two busy cores. Batches of 100, grouped by practice so one query loads every practice-day a batch lists,
brought it to 22–32 s (load average 6–16 from the other engineers' work).
<!-- digests:end -->
MD
)"

if [ -f "$RESULTS" ] && grep -q '<!-- digests:begin' "$RESULTS"; then
  python3 - "$RESULTS" "$SECTION" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r'<!-- digests:begin.*?<!-- digests:end -->', lambda _: section, text, flags=re.S)
open(path, 'w').write(text)
PY
else
  printf '\n%s\n' "$SECTION" >>"$RESULTS"
fi
printf '%s\n' "$SECTION" | sed -n '/^| /p'
log "digests: last sent $LAST s after the due minute ($VERDICT); section written to $RESULTS"
[ "$VERDICT" = pass ]
