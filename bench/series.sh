#!/usr/bin/env bash
# bench/series.sh: recurring appointments. Builds PazPaz (Release), runs it in Production on 127.0.0.1 against a fresh
# database pazpaz_bench_series with one practice (Asia/Jerusalem), books 40 weekly series of 104 sessions (Sunday to
# Thursday, 08:00–16:00: the practice's two years are full), then over ONE keep-alive connection:
#   - books BENCH_SERIES_REQUESTS more weekly series of 104 sessions each (POST /api/v1/appointment-series, API token),
#     each in a free evening slot, so every one runs its 104 conflict checks against the 4,160+ sessions and succeeds;
#   - opens the week view (GET /calendar?view=week, signed in through the real link flow) of weeks inside the series.
# Writes its Markdown section (p50/p95/p99) into RESULTS.md.
#
# Settings: BENCH_SERIES_REQUESTS=60 BENCH_WEEK_REQUESTS=200 BENCH_PORT=5095 BENCH_SERIES_DB=pazpaz_bench_series
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

REQUESTS="${BENCH_SERIES_REQUESTS:-60}"
WEEKS="${BENCH_WEEK_REQUESTS:-200}"
PORT="${BENCH_PORT:-5095}"
DB="${BENCH_SERIES_DB:-pazpaz_bench_series}"
BOOK_TARGET_MS=150
WEEK_TARGET_MS=25
WORK="$BENCH/.work/series"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="series@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$REQUESTS" =~ ^[0-9]+$ && "$WEEKS" =~ ^[0-9]+$ && "$PORT" =~ ^[0-9]+$ ]] || die "the settings must be whole numbers"
(( REQUESTS + 10 <= 91 )) || die "BENCH_SERIES_REQUESTS is at most 81 (free evening slots, with 10 warm-up bookings)"
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
  "PazPaz__PublicBaseUrl=$BASE_URL" "Email__PickupDirectory=$WORK/mail" Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "creating $DB with one practice"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
admin create-workspace --name "Series Bench" --owner-email "$EMAIL" --owner-name "Series Bench" --timezone Asia/Jerusalem >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }
TOKEN="$(admin create-api-token --email "$EMAIL" --name bench 2>/dev/null | grep -o 'pzp_[A-Za-z0-9_-]*' | head -n 1)"
[ -n "$TOKEN" ] || die "admin create-api-token printed no token"

log "starting the app on $BASE_URL"
(cd "$APPDIR" && exec env "${APP_ENV[@]}" dotnet PazPaz.dll) >"$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 240); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$OUT/app.log" >&2; die "the app exited during start-up"; }
  curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && break
  sleep 0.25
done
curl -fsS -o /dev/null "$BASE_URL/readyz" || die "the app did not become ready"

# Session cookie: sign-in link -> link page (hidden token + antiforgery) -> POST (as bench/run.sh does).
LINK="$(admin sign-in-link --email "$EMAIL" 2>/dev/null)"
[[ "$LINK" == "$BASE_URL"/* ]] || die "admin sign-in-link printed '$LINK'"
JAR="$OUT/cookies.txt"
PAGE="$(curl -fsS -c "$JAR" -b "$JAR" "$LINK")"
LINK_TOKEN="$(grep -o '<input[^>]*name="token"[^>]*>' <<<"$PAGE" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
FORM_AF="$(grep -o '<input[^>]*__RequestVerificationToken[^>]*>' <<<"$PAGE" | grep -o 'value="[^"]*"' | head -n 1 | cut -d'"' -f2)"
[ -n "$LINK_TOKEN" ] && [ -n "$FORM_AF" ] || die "the sign-in link page has no token/antiforgery fields"
curl -sS -o /dev/null -D "$OUT/signin-headers.txt" -c "$JAR" -b "$JAR" \
  --data-urlencode "token=$LINK_TOKEN" --data-urlencode "__RequestVerificationToken=$FORM_AF" "$BASE_URL/sign-in/link"
set_cookies() { grep -i "^set-cookie: $1" "$2" | sed -E 's/^[^:]*: *([^;]*).*/\1/' | tr -d '\r' | paste -sd ';' | sed 's/;/; /g'; }
SESSION="$(set_cookies 'pazpaz\.session' "$OUT/signin-headers.txt")"
[ -n "$SESSION" ] || die "signing in gave no pazpaz.session cookie (headers: $OUT/signin-headers.txt)"

log "booking 40 series, then timing $REQUESTS series bookings and $WEEKS week views over one connection"
RESULT="$(python3 - "$PORT" "$TOKEN" "$SESSION" "$REQUESTS" "$WEEKS" <<'PY'
import datetime, http.client, json, sys, time, zoneinfo
port, token, cookie, n, weeks = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
conn = http.client.HTTPConnection("127.0.0.1", port)
api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
def call(method, path, body=None, headers=api):
    t = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse(); data = r.read()
    return r.status, data, (time.perf_counter() - t) * 1000
status, data, _ = call("POST", "/api/v1/clients", {"first_name": "Noa", "last_name": "Cohen"})
assert status == 201, (status, data[:300])
client = json.loads(data)["id"]
first_sunday = datetime.date.today() + datetime.timedelta(days=7 - (datetime.date.today().isoweekday() % 7))
zone = zoneinfo.ZoneInfo("Asia/Jerusalem")
def book(day, hour, minute, length):
    start = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    body = {"client_id": client, "scheduled_start": start.isoformat(), "scheduled_end": (start + datetime.timedelta(minutes=length)).isoformat(),
            "count": 104}
    return call("POST", "/api/v1/appointment-series", body)
# 40 weekly series: Sunday to Thursday (a week of Israeli working days) at 08:00 … 15:00, 50 minutes, 104 weeks each.
for i in range(40):
    status, data, _ = book(first_sunday + datetime.timedelta(days=i // 8), 8 + i % 8, 0, 50)
    assert status == 201, (i, status, data[:400])
# Free evening slots for the timed bookings: every day 17:00 … 23:00, 30 minutes each (7 days x 13 slots).
slots = [(d, 17 + k // 2, 30 * (k % 2)) for k in range(13) for d in range(7)]
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
times = []
for j, (d, h, m) in enumerate(slots[:10 + n]):
    status, data, ms = book(first_sunday + datetime.timedelta(days=d), h, m, 30)
    assert status == 201 and len(json.loads(data)["sessions"]) == 104, (status, data[:400])
    if j >= 10: times.append(ms)
out = {"book": {"p50": pct(times, 50), "p95": pct(times, 95), "p99": pct(times, 99), "max": max(times)}}
# The week view: weeks spread over the two years, each with the 40 series' sessions (and the evening ones).
page = {"Cookie": cookie}
days = [first_sunday + datetime.timedelta(days=7 * (1 + (k * 37) % 100)) for k in range(weeks + 20)]
xs = []
for k, day in enumerate(days):
    status, data, ms = call("GET", f"/calendar?view=week&date={day.isoformat()}", headers=page)
    if status != 200 or data.count(b"data-appointment-id=") < 40: sys.exit(f"week of {day}: HTTP {status}, {data.count(b'data-appointment-id=')} appointments")
    if k >= 20: xs.append(ms)
out["week"] = {"p50": pct(xs, 50), "p95": pct(xs, 95), "p99": pct(xs, 99), "max": max(xs),
               "appointments": data.count(b"data-appointment-id="), "bytes": len(data)}
print(json.dumps(out))
PY
)"
stop_app
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RESULT" >"$OUT/result.json"
SESSIONS="$("${PSQL[@]}" -d "$DB" -At -c "SELECT count(*) FROM appointments")"

python3 - "$RESULT" "$BOOK_TARGET_MS" "$WEEK_TARGET_MS" "$LOAD_BEFORE" "$LOAD_AFTER" "$APP_REV" "$(date -u +%Y-%m-%d)" "$(nproc)" "$REQUESTS" "$WEEKS" "$SESSIONS" >"$OUT/section.md" <<'PY'
import json, sys
r, book_target, week_target, before, after, rev, day, cores, n, weeks, sessions = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), *sys.argv[4:]
print("<!-- series:begin (bench/series.sh rewrites this section; run.sh keeps it) -->")
print(f"## Recurring appointments (bench/series.sh, {day})")
print()
print("One practice (Asia/Jerusalem) with 40 weekly series of 104 sessions (Sunday–Thursday, 08:00–16:00, two years).")
print(f"**Book**: `POST /api/v1/appointment-series` of a weekly series of 104 sessions (API token), {n} bookings after 10 warm-up")
print("ones, each into a free evening slot, so each checks its 104 sessions against every session of the two years (one query)")
print("and writes 104 appointments, their audit events and one e-mail row. "
      f"**Week**: `GET /calendar?view=week` (full HTML page, {r['week']['appointments']} appointments, {int(r['week']['bytes']) // 1024} kB) of "
      f"{weeks} weeks spread over the two years, after 20 warm-up ones. One after another over one keep-alive connection;")
print(f"{int(sessions):,} appointments at the end. App in Production (Release) on 127.0.0.1, {cores} cores shared with other work: "
      f"load average {before} before, {after} after. App revision {rev}.")
print()
print("| Request | p50 ms | p95 ms | p99 ms | max ms | target p95 | verdict |")
print("|---|---:|---:|---:|---:|---:|---|")
for name, label, target in (("book", "book a 104-session series", book_target), ("week", "week view, 40 series", week_target)):
    x = r[name]
    print(f"| {label} | {x['p50']:.1f} | {x['p95']:.1f} | {x['p99']:.1f} | {x['max']:.1f} | {target:g} ms | {'pass' if x['p95'] <= target else 'fail'} |")
print("<!-- series:end -->")
PY
cat "$OUT/section.md"

python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- series:begin" in text:
    text = re.sub(r'<!-- series:begin.*?<!-- series:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
