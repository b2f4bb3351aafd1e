#!/usr/bin/env bash
# bench/sign-in-timing.sh: does the sign-in form answer known and unknown addresses in the same time, whatever the mail
# server does? Publishes the working tree (Release), starts it in Production on 127.0.0.1:$BENCH_PORT with e-mail going
# to a local SMTP sink (BENCH_SMTP=sink) or to a closed port (BENCH_SMTP=refusing), creates BENCH_PAIRS known addresses,
# then times BENCH_PAIRS interleaved pairs of POST /sign-in over loopback (bench/sign_in_timing.py prints the figures).
# Everything it starts, it stops.
#   BENCH_PAIRS=200 BENCH_SMTP=sink BENCH_PORT=5098 BENCH_DB=pazpaz_signin_bench BENCH_SOURCE=worktree|<git revision>
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

PAIRS="${BENCH_PAIRS:-200}"
SMTP_MODE="${BENCH_SMTP:-sink}"
PORT="${BENCH_PORT:-5098}"
DB="${BENCH_DB:-pazpaz_signin_bench}"
SOURCE="${BENCH_SOURCE:-worktree}"
WORK="$BENCH/.work/sign-in"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
APP_PID="" SINK_PID=""

cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null || true
}
trap cleanup EXIT

ensure_postgres >/dev/null
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)

rm -rf "$WORK" && mkdir -p "$WORK/src" "$WORK/mail"
if [ "$SOURCE" = worktree ]; then
  tar -C "$REPO" --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
else
  git -C "$REPO" archive --format=tar "$SOURCE" PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
fi
_pz_log "building PazPaz (Release) from $SOURCE"
dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$WORK/build.log" 2>&1 \
  || { grep -E 'error' "$WORK/build.log" | sort -u | head >&2; exit 1; }

if [ "$SMTP_MODE" = sink ]; then
  SMTP_PORT="$(_pz_free_port)"
  PYTHONPATH="$BENCH" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c smtp_sink.CountingSink "$WORK/received" >"$WORK/sink.log" 2>&1 &
  SINK_PID=$!
  _pz_await_server "$SINK_PID" "$SMTP_PORT" "$WORK/sink.log" "SMTP sink"
else
  SMTP_PORT="$(_pz_free_port)" # nothing listens there: every hand-over is refused
fi

APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production "ASPNETCORE_URLS=$BASE_URL"
  "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB" "PazPaz__PublicBaseUrl=$BASE_URL"
  Smtp__Host=127.0.0.1 "Smtp__Port=$SMTP_PORT" Smtp__UseStartTls=false
  "Encryption__Keys__1=$(head -c 32 /dev/urandom | base64)" Logging__LogLevel__Default=Warning
  PazPaz__SignInRequestsPerIp=1000000 Jobs__RunInWebApp=false DOTNET_NOLOGO=1
)
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin migrate >"$WORK/migrate.log" 2>&1)
(cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin create-workspace --name "Bench Physio" \
  --owner-email owner@bench.pazpaz.test --owner-name "Bench Owner" --timezone Europe/London >/dev/null)
"${PSQL[@]}" -d "$DB" -c "INSERT INTO users (id, workspace_id, email, full_name, role, is_active, is_platform_admin, invited_by_platform_admin, totp_enabled, security_stamp, created_at, updated_at)
  SELECT gen_random_uuid(), w.id, 'known' || g || '@bench.pazpaz.test', 'Known ' || g, 'assistant', true, false, false, false, md5(random()::text), now(), now()
  FROM workspaces w, generate_series(0, $PAIRS + 20) g"

(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll >"$WORK/app.log" 2>&1) &
APP_PID=$!
_pz_await_server "$APP_PID" "$PORT" "$WORK/app.log" "app"

_pz_log "timing $PAIRS interleaved pairs, SMTP $SMTP_MODE"
/usr/bin/python3 "$BENCH/sign_in_timing.py" "$BASE_URL" "$PAIRS" "$SMTP_MODE"
sleep 2
if [ "$SMTP_MODE" = sink ]; then echo "messages received by the SMTP sink: $(wc -l <"$WORK/received" 2>/dev/null || echo 0)"; fi
echo "errors logged by the app: $(grep -c '"LogLevel":"Error"' "$WORK/app.log" || true)"
