#!/usr/bin/env bash
# bench/audit.sh: the audit viewer (Settings → Audit) with 1,000,000 events in one practice. Builds PazPaz (Release), runs
# it in Production on 127.0.0.1 against a fresh database pazpaz_bench_audit, fills audit_events with one set-based INSERT,
# signs the owner in through the real link flow, then over ONE keep-alive connection times BENCH_AUDIT_REQUESTS requests
# each of the first page and of a deep page (the "Older events" cursor 900,000 events down). Writes its Markdown section
# (p50/p95/p99 and the plan of the deep page's query) into RESULTS.md.
#
# Settings: BENCH_AUDIT_EVENTS=1000000 BENCH_AUDIT_REQUESTS=300 BENCH_PORT=5098 BENCH_AUDIT_DB=pazpaz_bench_audit
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

EVENTS="${BENCH_AUDIT_EVENTS:-1000000}"
REQUESTS="${BENCH_AUDIT_REQUESTS:-300}"
PORT="${BENCH_PORT:-5098}"
DB="${BENCH_AUDIT_DB:-pazpaz_bench_audit}"
TARGET_MS=30
WORK="$BENCH/.work/audit"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="audit@bench.pazpaz.test"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
[[ "$EVENTS" =~ ^[0-9]+$ && "$REQUESTS" =~ ^[0-9]+$ && "$PORT" =~ ^[0-9]+$ ]] || die "the settings must be whole numbers"
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
admin create-workspace --name "Audit Bench" --owner-email "$EMAIL" --owner-name "Audit Bench" --timezone Europe/London >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }

log "inserting $EVENTS audit events (one INSERT … SELECT generate_series)"
# One event a minute going back from now, by the owner, in the shapes the app writes (a few fields changed, an IP and a
# browser); UUIDv7-like ordering is not needed: the keyset is (occurred_at, id).
"${PSQL[@]}" -d "$DB" <<SQL
INSERT INTO audit_events (id, workspace_id, user_id, action, resource_type, resource_id, changes, metadata, occurred_at, ip_address, user_agent)
SELECT gen_random_uuid(), w.id, u.id,
       (ARRAY['read','update','create','login','export'])[1 + g % 5],
       (ARRAY['Client','Appointment','SessionNote','User'])[1 + g % 4],
       gen_random_uuid(),
       CASE WHEN g % 5 = 1 THEN '{"last_name": null, "is_active": {"old": true, "new": false}}'::jsonb END,
       '{"via": "page"}'::jsonb,
       now() - g * interval '1 minute', '203.0.113.' || (g % 250),
       'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
FROM workspaces w JOIN users u ON u.workspace_id = w.id, generate_series(1, $EVENTS) g;
ANALYZE audit_events;
SQL
DEEP="$("${PSQL[@]}" -d "$DB" -At -c "SELECT (extract(epoch FROM occurred_at) * 1000000)::bigint || '_' || replace(id::text, '-', '')
  FROM audit_events ORDER BY occurred_at DESC, id DESC OFFSET $((EVENTS * 9 / 10)) LIMIT 1")"
[ -n "$DEEP" ] || die "no deep cursor"

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

log "timing $REQUESTS first pages and $REQUESTS deep pages over one connection"
RESULT="$(python3 - "$PORT" "$SESSION" "$DEEP" "$REQUESTS" <<'PY'
import http.client, json, sys, time
port, cookie, deep, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port)
def timed(path):
    t = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    r = conn.getresponse(); body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200 or b"data-audit-id" not in body or b'rel="next"' not in body:
        sys.exit(f"{path}: HTTP {r.status}, not a full page of events")
    return ms
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
out = {}
for name, path in (("first", "/settings/audit"), ("deep", f"/settings/audit?before={deep}")):
    for _ in range(30): timed(path)  # warm-up
    xs = [timed(path) for _ in range(n)]
    out[name] = {"p50": pct(xs, 50), "p95": pct(xs, 95), "p99": pct(xs, 99), "max": max(xs)}
print(json.dumps(out))
PY
)"
stop_app
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RESULT" >"$OUT/result.json"
MICROS="${DEEP%_*}"
PLAN="$("${PSQL[@]}" -d "$DB" -At -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM audit_events
  WHERE workspace_id = (SELECT id FROM workspaces LIMIT 1)
    AND (occurred_at, id) < (to_timestamp($MICROS / 1000000.0), '${DEEP#*_}'::uuid)
  ORDER BY occurred_at DESC, id DESC LIMIT 51")"

python3 - "$RESULT" "$TARGET_MS" "$LOAD_BEFORE" "$LOAD_AFTER" "$APP_REV" "$(date -u +%Y-%m-%d)" "$(nproc)" "$EVENTS" "$REQUESTS" "$PLAN" >"$OUT/section.md" <<'PY'
import json, sys
r, target, before, after, rev, day, cores, events, n, plan = json.loads(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:]
print("<!-- audit:begin (bench/audit.sh rewrites this section; run.sh keeps it) -->")
print(f"## Audit viewer (bench/audit.sh, {day})")
print()
print(f"`GET /settings/audit` (full HTML page, 50 events) signed in as the owner of a practice with {int(events):,} audit events,")
print(f"{n} requests after 30 warm-up ones, one after another over one keep-alive connection. The deep page is the")
print("\"Older events\" cursor 90 % of the way down. App in Production (Release) on 127.0.0.1, "
      f"{cores} cores shared with other work: load average {before} before, {after} after. App revision {rev}.")
print()
print("| Page | p50 ms | p95 ms | p99 ms | max ms | target p95 | verdict |")
print("|---|---:|---:|---:|---:|---:|---|")
for name in ("first", "deep"):
    x = r[name]
    print(f"| {name} | {x['p50']:.1f} | {x['p95']:.1f} | {x['p99']:.1f} | {x['max']:.1f} | {target:g} ms | {'pass' if x['p95'] <= target else 'fail'} |")
print()
print("The deep page's query (the shape EF Core sends), as PostgreSQL runs it:")
print()
print("```")
print(plan)
print("```")
print("<!-- audit:end -->")
PY
cat "$OUT/section.md"

python3 - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- audit:begin" in text:
    text = re.sub(r'<!-- audit:begin.*?<!-- audit:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
