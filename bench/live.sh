#!/usr/bin/env bash
# bench/live.sh: how long a change takes to reach an open calendar (the product promises two seconds). Builds PazPaz
# (Release), runs it in Production on 127.0.0.1 against a fresh database pazpaz_bench_live, and with bench/live_probe.py
# holds one live stream open while it books BENCH_LIVE_CHANGES appointments through the API, one after another: each
# latency runs from sending the POST to the stream's "appointments-changed" (what makes an open calendar redraw; the
# redraw itself is one calendar page, measured by bench/run.sh). Writes its Markdown section into RESULTS.md.
#
# Settings: BENCH_LIVE_CHANGES=200 BENCH_PORT=5097 BENCH_LIVE_DB=pazpaz_bench_live
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

CHANGES="${BENCH_LIVE_CHANGES:-200}"
PORT="${BENCH_PORT:-5097}"
DB="${BENCH_LIVE_DB:-pazpaz_bench_live}"
TARGET_MS=2000
WORK="$BENCH/.work/live"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="live@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$CHANGES" =~ ^[0-9]+$ && "$PORT" =~ ^[0-9]+$ ]] || die "BENCH_LIVE_CHANGES and BENCH_PORT must be whole numbers"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"

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
  "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "creating $DB with one practice"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
admin create-workspace --name "Live Bench" --owner-email "$EMAIL" --owner-name "Live Bench" --timezone Europe/London >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }
TOKEN="$(admin create-api-token --email "$EMAIL" --name "live bench" 2>"$OUT/token.log" | tail -n 1)"
[ -n "$TOKEN" ] || { cat "$OUT/token.log" >&2; die "create-api-token printed nothing"; }

log "starting the app on $BASE_URL"
(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll) >"$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$OUT/app.log" >&2; die "the app exited during start-up"; }
  curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && break
  sleep 0.25
done
curl -fsS -o /dev/null "$BASE_URL/readyz" || die "the app did not become ready"

log "booking $CHANGES appointments with a live stream open"
RESULT="$(/usr/bin/python3 "$BENCH/live_probe.py" "$BASE_URL" "$TOKEN" "$CHANGES")"
stop_app
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RESULT" >"$OUT/result.json"

python3 - "$RESULT" "$TARGET_MS" "$LOAD_BEFORE" "$LOAD_AFTER" "$APP_REV" "$(date -u +%Y-%m-%d)" "$(nproc)" >"$OUT/section.md" <<'PY'
import json, sys
r, target, before, after, rev, day, cores = json.loads(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:]
verdict = "pass" if r["p95_ms"] <= target and r["missed"] == 0 else "fail"
print("<!-- live:begin (bench/live.sh rewrites this section; run.sh keeps it) -->")
print(f"## Live updates (bench/live.sh, {day})")
print()
print(f"One open stream (`GET /api/v1/appointments/stream`, as an open calendar holds it) while {r['changes']} appointments are booked")
print("through the API one after another; each latency runs from sending the POST to the stream's `appointments-changed`.")
print(f"App in Production (Release) on 127.0.0.1, {cores} cores shared with other work: load average {before} before, {after} after.")
print(f"App revision {rev}.")
print()
print("| Changes | missed | p50 ms | p95 ms | p99 ms | max ms | POST p50 / p95 ms | target p95 | verdict |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
print(f"| {r['changes']} | {r['missed']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
      f"{r['post_p50_ms']:.1f} / {r['post_p95_ms']:.1f} | {target:g} ms | {verdict} |")
print("<!-- live:end -->")
PY
cat "$OUT/section.md"

python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- live:begin" in text:
    text = re.sub(r'<!-- live:begin.*?<!-- live:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
