#!/usr/bin/env bash
# bench/files.sh: attachments, 10 MiB at a time. Builds PazPaz (Release), runs it in Production on 127.0.0.1 against a fresh
# database pazpaz_bench_files, once with Storage:Provider Disk and once with S3 on an s3rver this script starts, and with
# bench/files_probe.py measures through the API (POST /api/v1/clients/{id}/attachments, GET …/{fileId}/content):
#   upload     BENCH_FILES_COUNT sequential uploads of a 10 MiB PDF (cleaning a PDF is cheap), p50/p95 and MB/s;
#              BENCH_FILES_JPEG_COUNT of a 10 MiB 12 MP JPEG, whose re-encoding dominates
#   download   the same PDFs, one at a time
#   floors     on disk `cp` of the same file (and cp + fsync, as the disk store flushes each object); on S3 boto3
#              put_object/get_object of the same bytes against the same s3rver. The app's figures are given as ratios.
#   memory     the app's VmRSS sampled every 50 ms while BENCH_FILES_BURST uploads of the PDF run at once   target growth < 100 MB
# Writes its section into bench/RESULTS.md between <!-- files:begin and <!-- files:end -->. Everything it starts (the app,
# s3rver), it stops, also on failure; the stored files are deleted at the end.
#
# Settings: BENCH_FILES_COUNT=20 BENCH_FILES_JPEG_COUNT=10 BENCH_FILES_BURST=10 BENCH_FILES_STORES="disk s3"
#           BENCH_PORT=5096 BENCH_FILES_DB=pazpaz_bench_files
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=../scripts/common.sh
source "$BENCH/../scripts/common.sh"

COUNT="${BENCH_FILES_COUNT:-20}"
JPEG_COUNT="${BENCH_FILES_JPEG_COUNT:-10}"
BURST="${BENCH_FILES_BURST:-10}"
STORES="${BENCH_FILES_STORES:-disk s3}"
PORT="${BENCH_PORT:-5096}"
DB="${BENCH_FILES_DB:-pazpaz_bench_files}"
TARGET_RSS_MB=100
WORK="$BENCH/.work/files"
OUT="$WORK/out"
APPDIR="$WORK/app"
BASE_URL="http://127.0.0.1:$PORT"
EMAIL="files@bench.pazpaz.test"
BUCKET="pazpaz-bench"
PY=/usr/bin/python3   # Debian's, which sees python3-boto3 and python3-pil (a pyenv python3 earlier on PATH does not)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
for v in COUNT JPEG_COUNT BURST PORT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
[ "$COUNT" -ge 1 ] || die "BENCH_FILES_COUNT must be at least 1"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$DB'"
for s in $STORES; do [[ "$s" == disk || "$s" == s3 ]] || die "BENCH_FILES_STORES takes disk and/or s3 (got '$s')"; done

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
PROBE_PID=""
probe() {  # probe OUTFILE ARGS...: files_probe.py in the background and waited for, so that a signal reaches the traps at once
  local out="$1" rc=0; shift
  $PY "$BENCH/files_probe.py" "$@" >"$out" &
  PROBE_PID=$!
  wait "$PROBE_PID" || rc=$?
  PROBE_PID=""
  return "$rc"
}
cleanup() {
  if [ -n "$PROBE_PID" ]; then kill "$PROBE_PID" 2>/dev/null || true; fi
  stop_app
  stop_s3
  rm -rf "$WORK/store" "$WORK/s3" "$WORK/s3.log" "$WORK/cp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_postgres || die "PostgreSQL did not start"
$PY -c 'import boto3, PIL' 2>/dev/null || ensure_apt python3-boto3 python3-pil || die "could not install python3-boto3 and python3-pil"
PSQL=("$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres)
curl -s -o /dev/null --max-time 2 "$BASE_URL/" 2>/dev/null && die "something already answers on $BASE_URL; set BENCH_PORT"

rm -rf "$OUT" "$WORK/src" "$APPDIR" "$WORK/store" "$WORK/s3" "$WORK/cp"
mkdir -p "$OUT" "$WORK/src" "$WORK/mail" "$WORK/data"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
STARTED=$SECONDS
tar -C "$BENCH/.." --exclude=PazPaz/bin --exclude=PazPaz/obj -cf - PazPaz Directory.Build.props | tar -C "$WORK/src" -xf -
APP_REV="$(git -C "$BENCH/.." rev-parse --short HEAD) + working tree ($(git -C "$BENCH/.." status --porcelain -- PazPaz | wc -l) changed/new paths under PazPaz/)"
log "building PazPaz (Release) from $APP_REV"
dotnet publish "$WORK/src/PazPaz/PazPaz.csproj" -c Release -o "$APPDIR" --nologo -v q >"$OUT/build.log" 2>&1 \
  || { grep -E 'error' "$OUT/build.log" | sort -u | head -n 20 >&2; die "the build failed (log: $OUT/build.log)"; }

log "making the files: a 10 MiB PDF and a 12 MP JPEG"
PDF="$WORK/data/referral.pdf"
JPEG="$WORK/data/photo.jpg"
probe "$OUT/pdf.json" make-pdf "$PDF"
probe "$OUT/jpeg.json" make-jpeg "$JPEG"

KEYFILE="$WORK/encryption-key"
[ -s "$KEYFILE" ] || head -c 32 /dev/urandom | base64 >"$KEYFILE"
APP_ENV=(
  ASPNETCORE_ENVIRONMENT=Production "ASPNETCORE_URLS=$BASE_URL" "ConnectionStrings__Default=$PAZPAZ_PG;Database=$DB"
  "PazPaz__PublicBaseUrl=$BASE_URL" PazPaz__ApiRequestsPerTokenPerMinute=100000000 "Email__PickupDirectory=$WORK/mail" Encryption__CurrentKeyVersion=1
  "Encryption__Keys__1=$(cat "$KEYFILE")" Logging__LogLevel__Default=Warning Jobs__RunInWebApp=false
  PazPaz__UploadsPerUserPerMinute=100000 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
)
admin() { (cd "$APPDIR" && env "${APP_ENV[@]}" dotnet PazPaz.dll admin "$@"); }

log "creating $DB with one practice"
"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""
admin migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "admin migrate failed"; }
admin create-workspace --name "Files Bench" --owner-email "$EMAIL" --owner-name "Files Bench" --timezone Europe/London >"$OUT/workspace.log" 2>&1 \
  || { cat "$OUT/workspace.log" >&2; die "create-workspace failed"; }
TOKEN="$(admin create-api-token --email "$EMAIL" --name "files bench" 2>"$OUT/token.log" | tail -n 1)"
[[ "$TOKEN" == pzp_* ]] || { cat "$OUT/token.log" >&2; die "create-api-token printed '$TOKEN'"; }

start_app() {  # start_app LOGFILE [VAR=value ...]
  local logfile="$1"; shift
  log "starting the app on $BASE_URL ($*)"
  (cd "$APPDIR" && exec env "${APP_ENV[@]}" "$@" dotnet PazPaz.dll) >"$logfile" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 240); do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "the app exited during start-up"; }
    curl -fsS -o /dev/null "$BASE_URL/readyz" 2>/dev/null && return 0
    sleep 0.25
  done
  die "the app did not become ready"
}
probe_app() {  # probe_app STORE PIDS
  log "$1: $BURST uploads at once (RSS sampled), $COUNT PDF uploads, $COUNT downloads, $JPEG_COUNT JPEG uploads"
  probe "$OUT/app-$1.json" app "$BASE_URL" "$TOKEN" "$2" "$PDF" "$JPEG" "$COUNT" "$JPEG_COUNT" "$BURST" \
    || { tail -n 30 "$OUT/app-$1.log" >&2; die "the $1 run failed"; }
}

for store in $STORES; do
  if [ "$store" = disk ]; then
    log "disk floor: cp of the PDF, $COUNT times (and with an fsync of each copy)"
    probe "$OUT/floor-disk.json" cp "$PDF" "$WORK/cp" "$COUNT"
    rm -rf "$WORK/cp"
    start_app "$OUT/app-disk.log" Storage__Provider=Disk "Storage__Disk__Root=$WORK/store"
    probe_app disk "app=$APP_PID"
    stop_app
    du -sb "$WORK/store" | cut -f1 >"$OUT/store-disk-bytes.txt"
    rm -rf "$WORK/store"
  else
    PAZPAZ_S3_DIR="$WORK/s3" PAZPAZ_TEST_S3_BUCKET="$BUCKET" ensure_s3 || die "s3rver did not start"
    log "S3 floor: boto3 put_object/get_object of the PDF's bytes, $COUNT times each"
    probe "$OUT/floor-s3.json" s3 "$PAZPAZ_TEST_S3" "$BUCKET" "$PDF" "$COUNT"
    start_app "$OUT/app-s3.log" Storage__Provider=S3 "Storage__S3__ServiceUrl=$PAZPAZ_TEST_S3" "Storage__S3__Bucket=$BUCKET" \
      Storage__S3__ForcePathStyle=true Storage__S3__UseChunkEncoding=false Storage__S3__AccessKey=S3RVER Storage__S3__SecretKey=S3RVER
    probe_app s3 "app=$APP_PID,s3rver=$PAZPAZ_S3_PID"
    stop_app
    stop_s3
    rm -rf "$WORK/s3"
  fi
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
RUN_SECONDS=$((SECONDS - STARTED))

$PY - "$OUT" "$STORES" "$TARGET_RSS_MB" "$LOAD_BEFORE" "$LOAD_AFTER" "$APP_REV" "$(date -u +%Y-%m-%d)" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$RUN_SECONDS" >"$OUT/section.md" <<'PY'
import json, os, sys
out, stores, target, before, after, rev, day, cores, cpu_name, run_seconds = sys.argv[1:]
stores, target = stores.split(), float(target)
load = lambda name: json.load(open(os.path.join(out, name)))
pdf, jpeg = load("pdf.json"), load("jpeg.json")
runs = {s: load(f"app-{s}.json") for s in stores}
floors = {s: load(f"floor-{s}.json") for s in stores}
MiB = 1024 * 1024

def cpu(r, name="app"):
    return f"{r['cpu_ms'][name]:.0f}"

def row(label, r, floor=None, extra=""):
    ratio = f"{r['p95_ms'] / floor['p95_ms']:.1f}× / {r['mb_per_s'] / floor['mb_per_s']:.2f}×" if floor else "—"
    cpu_ms = cpu(r) if "cpu_ms" in r else "—"
    print(f"| {label} | {r['count']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} | {r['mb_per_s']:.0f} | {cpu_ms} | {ratio}{extra} |")

print("<!-- files:begin (bench/files.sh rewrites this section; run.sh keeps it) -->")
print(f"## Attachments, 10 MiB (bench/files.sh, {day})")
print()
print(f"One file at a time through the API with an API token: `POST /api/v1/clients/{{id}}/attachments` (multipart, part")
print(f"\"file\"; 201 each) and `GET …/attachments/{{fileId}}/content`, on one keep-alive connection from Python's http.client;")
print(f"latency from the first byte sent to the last byte read. App in Production (Release) on 127.0.0.1 with Storage:Provider")
print(f"Disk (a folder on the same disk as the floors) and S3 (s3rver 3.7.1, Node, on 127.0.0.1, data on the same disk).")
print(f"Files: a PDF of {pdf['bytes']:,} bytes ({pdf['bytes'] / MiB:.2f} MiB; one page showing one uncompressed {pdf['image']}")
print(f"RGB image of random bytes), stored after cleaning as {runs[stores[0]]['pdf_stored_bytes']:,} bytes; a JPEG of {jpeg['bytes']:,} bytes")
print(f"({jpeg['bytes'] / MiB:.2f} MiB, {jpeg['image']} at quality {jpeg['quality']}: a 12 MP photo under heavy noise, which is what makes it")
print(f"that large). Warm-up first (2 PDF uploads and downloads; 1 JPEG before the JPEG series). MB/s = 10^6 bytes of the")
print(f"file ÷ mean latency. Order per store: warm-up, memory burst, PDF uploads, PDF downloads, JPEG uploads.")
print(f"Machine: {cores} cores ({cpu_name}), shared with another engineer's tests: load average {before} before, {after} after;")
print(f"the run took {run_seconds} s. App revision {rev}.")
print()
print("| Operation | n | p50 ms | p95 ms | max ms | MB/s | app CPU ms/op | vs floor: p95 / MB/s |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for s in stores:
    r, f = runs[s], floors[s]
    if s == "disk":
        row("Floor: `cp` of the PDF (disk)", f["cp"])
        row("Floor: `cp` + `sync` of the copy (disk)", f["cp_fsync"])
        row("**Upload PDF, disk**", r["pdf_upload"], f["cp_fsync"], " (cp + sync)")
        row("**Download PDF, disk**", r["pdf_download"], f["cp"], " (cp)")
        if "jpeg_upload" in r:
            row("Upload JPEG (re-encoded), disk", r["jpeg_upload"], f["cp_fsync"], " (cp + sync)")
    else:
        row("Floor: boto3 `put_object` (s3rver)", f["put"])
        row("Floor: boto3 `get_object` (s3rver)", f["get"])
        row("**Upload PDF, S3**", r["pdf_upload"], f["put"], " (put)")
        row("**Download PDF, S3**", r["pdf_download"], f["get"], " (get)")
        if "jpeg_upload" in r:
            row("Upload JPEG (re-encoded), S3", r["jpeg_upload"], f["put"], " (put)")
print()
print("| Memory: PDF uploads at once | VmRSS idle MB | before MB | peak MB | **growth MB** | growth from idle MB | 2 s after MB | after the run MB | burst wall s | target growth | verdict |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for s in stores:
    r = runs[s]
    b = r.get("burst")
    if not b:
        continue
    verdict = "pass" if b["rss_growth_mb"] < target and not b["errors"] else "fail"
    if b["errors"]:
        verdict += f" ({len(b['errors'])} errors)"
    print(f"| {b['uploads']} at once, {s} | {r['rss_start_mb']:.0f} | {b['rss_before_mb']:.0f} | {b['rss_peak_mb']:.0f} | **{b['rss_growth_mb']:.0f}** | "
          f"{b['rss_peak_mb'] - r['rss_start_mb']:.0f} | {b['rss_after_2s_mb']:.0f} | {r['rss_end_mb']:.0f} | {b['wall_s']:.1f} | < {target:g} MB | {verdict} |")
print()
s3 = runs.get("s3")
print(f"Floors: `cp` is coreutils in a fresh process (fork and exec included, page cache warm); the disk store writes each")
print(f"object then fsyncs it, so uploads are compared with cp + `sync FILE`. The S3 floor is {floors['s3']['client'] if 's3' in floors else 'boto3'}")
print("in one process, SigV4-signed requests (payload hash included, as over http) without chunked encoding, as the app sends")
print("them, to the same s3rver. The app's S3 figures include the AWS SDK's own work (payload hash, and an MD5 check of every")
print("download against the ETag). *App CPU ms/op* is the app process's user+system time over the series ÷ uploads (or")
print("downloads): it moves much less than the wall-clock figures when other work takes the cores." + (
    f" s3rver's own CPU per upload / download: {s3['pdf_upload']['cpu_ms']['s3rver']:.0f} / {s3['pdf_download']['cpu_ms']['s3rver']:.0f} ms." if s3 else ""))
print("VmRSS is sampled every 50 ms from /proc. *Idle*: just after start-up; *before*: the highest sample of the second before the")
print("burst (after the 2 warm-up uploads); *peak*: the highest from the start of the burst to 2 s after its last answer; the")
print("target applies to *growth* = peak − before. *After the run*: once every upload of the store's series is done (the server")
print("GC keeps what it has grown to). One burst per store, so the growth moves by tens of MB between runs with the timing of the")
print("GC: each PDF upload allocates about its own size on the large-object heap (PDFsharp holds the document's streams as")
print("arrays while cleaning), which only gen2 collections give back (a one-off dotnet-counters look: ~12 MB allocated per")
print("upload, and nearly every collection a gen2).")
print("App CPU during the burst: " + ", ".join(f"{s} {runs[s]['burst']['cpu_ms_per_upload']['app']:.0f} ms per upload" for s in stores if runs[s].get("burst")) + ".")
print("<!-- files:end -->")
PY
cat "$OUT/section.md"

$PY - "$BENCH/RESULTS.md" "$OUT/section.md" <<'PY'
import os, re, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if os.path.exists(path) else ""
if "<!-- files:begin" in text:
    text = re.sub(r'<!-- files:begin.*?<!-- files:end -->', lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
log "wrote the files section of $BENCH/RESULTS.md (raw output in $OUT)"
$PY - "$OUT" "$STORES" "$TARGET_RSS_MB" <<'PY' || exit 1
import json, os, sys
out, stores, target = sys.argv[1], sys.argv[2].split(), float(sys.argv[3])
bad = [s for s in stores if (b := json.load(open(os.path.join(out, f"app-{s}.json"))).get("burst")) and (b["rss_growth_mb"] >= target or b["errors"])]
if bad:
    print(f"ERROR: memory target missed ({', '.join(bad)}): see RESULTS.md", file=sys.stderr)
    sys.exit(1)
PY
