#!/usr/bin/env bash
# bench/fuzz.sh: at least BENCH_FUZZ_REQUESTS malformed requests (NUL, lone surrogates, huge strings, wrong types, repeated
# keys, invalid JSON, wrong content types, missing fields, RTL overrides, emoji, numbers out of range) over every write
# endpoint of /api/v1 (from /openapi/v1.json) and every <form method=post> of the signed-in pages (crawled), through
# bench/fuzz.py, while BENCH_FUZZ_LOAD threads book, move and read as a busy practice does. Builds PazPaz (Release), runs it
# in Production on 127.0.0.1 against a fresh database pazpaz_bench_fuzz. Prints counts by status and every 5xx; exits
# non-zero on any 5xx, any failed request of the load, or any unhandled exception in the app's log. Writes its section
# into RESULTS.md.
#
# Settings: BENCH_FUZZ_REQUESTS=10000 BENCH_FUZZ_LOAD=8 (0: no load) BENCH_PORT=5096 BENCH_FUZZ_DB=pazpaz_bench_fuzz
#           BENCH_FUZZ_REBUILD=1 (0 reuses the last build)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

REQUESTS="${BENCH_FUZZ_REQUESTS:-10000}"
LOAD="${BENCH_FUZZ_LOAD:-8}"
PORT="${BENCH_PORT:-5096}"
DB="${BENCH_FUZZ_DB:-pazpaz_bench_fuzz}"
WORK="$BENCH/.work/fuzz"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="fuzz@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$REQUESTS" =~ ^[0-9]+$ && "$LOAD" =~ ^[0-9]+$ && "$PORT" =~ ^[0-9]+$ ]] || die "BENCH_FUZZ_REQUESTS, BENCH_FUZZ_LOAD and BENCH_PORT must be whole numbers"
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

if [ "${BENCH_FUZZ_REBUILD:-1}" = 0 ] && [ -f "$APPDIR/PazPaz.dll" ]; then
  rm -rf "$OUT"; mkdir -p "$OUT" "$WORK/mail" "$WORK/files"
  APP_REV="the previous build (BENCH_FUZZ_REBUILD=0)"
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
  Jobs__RunInWebApp=false PazPaz__SignInRequestsPerIp=100000 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "creating $DB with two practices (the fuzz's and the load's)"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
admin create-workspace --name "Fuzz" --owner-email "$EMAIL" --owner-name "Fuzz Owner" --timezone Europe/London >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }
TOKEN="$(admin create-api-token --email "$EMAIL" --name "fuzz" 2>"$OUT/token.log" | tail -n 1)"
[[ "$TOKEN" == pzp_* ]] || { cat "$OUT/token.log" >&2; die "create-api-token printed '$TOKEN'"; }
LINK="$(admin sign-in-link --email "$EMAIL" 2>/dev/null | tail -n 1)"
[[ "$LINK" == "$BASE_URL"/* ]] || die "admin sign-in-link printed '$LINK'"
# The load is another practice: the fuzz may revoke its own token and end its own session, not the load's.
LOAD_EMAIL="load@bench.pazpaz.test"
admin create-workspace --name "Load" --owner-email "$LOAD_EMAIL" --owner-name "Load Owner" --timezone Europe/London >>"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace (load) failed"; }
LOAD_TOKEN="$(admin create-api-token --email "$LOAD_EMAIL" --name "load" 2>>"$OUT/token.log" | tail -n 1)"
[[ "$LOAD_TOKEN" == pzp_* ]] || { cat "$OUT/token.log" >&2; die "create-api-token (load) printed '$LOAD_TOKEN'"; }
LOAD_LINK="$(admin sign-in-link --email "$LOAD_EMAIL" 2>/dev/null | tail -n 1)"
[[ "$LOAD_LINK" == "$BASE_URL"/* ]] || die "admin sign-in-link (load) printed '$LOAD_LINK'"

log "starting the app on $BASE_URL"
(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll) >"$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$OUT/app.log" >&2; die "the app exited during start-up"; }
  curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && break
  sleep 0.25
done

log "sending $REQUESTS malformed requests while $LOAD threads book, move and read"
t=$SECONDS
set +e
python3 "$BENCH/fuzz.py" "$BASE_URL" "$TOKEN" "$LINK" "$REQUESTS" "$LOAD" "$LOAD_TOKEN" "$LOAD_LINK" | tee "$OUT/fuzz.txt"
STATUS=${PIPESTATUS[0]}
set -e
SECONDS_TAKEN=$((SECONDS - t))
stop_app
RESULT="$(grep '^FUZZ_RESULT ' "$OUT/fuzz.txt" | cut -d' ' -f2-)"
[ -n "$RESULT" ] || die "bench/fuzz.py printed no result (exit $STATUS)"
# Expected refusals are logged as warnings at most; an exception that reached the error handler is a bug even when the
# answer was a tidy 4xx.
UNHANDLED="$(grep -c 'An unhandled exception has occurred' "$OUT/app.log" || true)"
if [ "$UNHANDLED" -gt 0 ]; then
  grep -A3 'An unhandled exception has occurred' "$OUT/app.log" | head -n 40 >&2
  STATUS=1
fi

python3 - "$RESULT" "$APP_REV" "$SECONDS_TAKEN" "$OUT/fuzz.txt" "$UNHANDLED" >"$OUT/section.md" <<'PY'
import json, sys, datetime
r, rev, secs, raw, unhandled = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
print("<!-- fuzz:begin (bench/fuzz.sh rewrites this section; run.sh keeps it) -->")
print(f"## Malformed input (bench/fuzz.sh, {datetime.date.today()})")
print()
print(f"{r['requests']:,} malformed requests in {secs} s over {r['api_endpoints']} write endpoints of /api/v1 (from /openapi/v1.json)")
print(f"and {r['forms']} page forms found by crawling {r['pages']} signed-in pages: NUL, lone surrogates, huge strings and bodies,")
print("wrong types, repeated keys, invalid JSON, wrong content types, missing fields, RTL overrides, emoji, numbers out of range.")
print(f"App in Production (Release), revision {rev}.")
if r.get("load_threads"):
    load = sum(r["load_statuses"].values())
    print(f"Meanwhile {r['load_threads']} threads of another practice booked, moved and read (API and calendar page):")
    print(f"{load:,} requests, " + ", ".join(f"{v:,} × {k}" for k, v in r["load_statuses"].items()) + f"; **{r['load_failures']} failed** (4xx or 5xx).")
print()
print("| Status | Answers |")
print("|---:|---:|")
for k, v in r["statuses"].items(): print(f"| {k} | {v:,} |")
print()
print(f"**5xx answers: {r['errors_5xx']}**" + ("" if not r["errors_5xx"] else " (listed in bench/.work/fuzz/out/fuzz.txt)")
      + f"; **unhandled exceptions in the app's log: {unhandled}**")
print("<!-- fuzz:end -->")
PY
cat "$OUT/section.md"
python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- fuzz:begin" in text:
    text = re.sub(r'<!-- fuzz:begin.*?<!-- fuzz:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
log "wrote the fuzz section of $BENCH/RESULTS.md"
exit "$STATUS"
