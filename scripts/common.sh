# shellcheck shell=bash
# scripts/common.sh: shared set-up helpers for run.sh and test.sh (sourced, not executed).
#
#   ensure_apt PKG...        install Debian packages that are missing (apt-get update at most once)
#   ensure_postgres [MODE]   private PostgreSQL cluster on 127.0.0.1:${PAZPAZ_PG_PORT:-55432}, data in .data/pg;
#                            MODE "durable" (default, fsync on) or "fast" (fsync off; tests only). Exports PAZPAZ_PG.
#   ensure_database NAME     create database NAME in that cluster if missing
#   ensure_app_role          create the app's login role pazpaz_app if missing (it owns nothing; the migrations, run as
#                            the superuser postgres, grant it rows only). Exports PAZPAZ_PG_APP (PAZPAZ_PG as that role).
#   ensure_frontend          npm ci when needed, then build PazPaz/wwwroot/css/app.css with Tailwind
#   ensure_chromium          install Debian's chromium if /usr/bin/chromium is missing
#   ensure_smtp              start a local SMTP server (Debian's python3-aiosmtpd) on 127.0.0.1:${PAZPAZ_SMTP_PORT:-a free port}
#                            that keeps every message as a file; exports PAZPAZ_TEST_SMTP (host:port),
#                            PAZPAZ_TEST_SMTP_DIR (a Maildir: one file per message in new/) and PAZPAZ_SMTP_PID.
#   stop_smtp                stop the server ensure_smtp started (by its PID)
#   ensure_s3                start s3rver (npm, in node_modules) on 127.0.0.1:${PAZPAZ_S3_PORT:-a free port} with the bucket
#                            ${PAZPAZ_TEST_S3_BUCKET:-pazpaz-test}, data in .data/s3 (emptied each start); exports
#                            PAZPAZ_TEST_S3 (http://127.0.0.1:PORT), PAZPAZ_TEST_S3_BUCKET and PAZPAZ_S3_PID.
#   stop_s3                  stop the server ensure_s3 started (by its PID)
#
# Safe under `set -euo pipefail`; the functions return non-zero on failure instead of exiting,
# so the file can also be sourced from an interactive shell.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
export REPO

PAZPAZ_PG_PORT="${PAZPAZ_PG_PORT:-55432}"
export PAZPAZ_PG_PORT

_pz_log() { printf '==> %s\n' "$*" >&2; }
_pz_err() { printf 'ERROR: %s\n' "$*" >&2; }

# Run a command as root (directly when root, else through sudo).
_pz_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    _pz_err "need root (or sudo) to run: $*"
    return 1
  fi
}

# Run a command as the PostgreSQL OS user: postgres when we are root (initdb refuses root), else ourselves.
_pz_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /: the postgres user may not be allowed into the current directory.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

_PZ_APT_UPDATED="${_PZ_APT_UPDATED:-}"

_pz_pkg_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

ensure_apt() {
  local pkg missing=()
  for pkg in "$@"; do
    _pz_pkg_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  _pz_log "apt-get install ${missing[*]}"
  if [ -z "$_PZ_APT_UPDATED" ]; then
    _pz_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    _PZ_APT_UPDATED=1
  fi
  _pz_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

# Newest installed server's bin dir (or the one matching an existing cluster's PG_VERSION).
_pz_pgbin() {
  local data="$1" ver bin
  if [ -f "$data/PG_VERSION" ]; then
    ver="$(cat "$data/PG_VERSION")"
    bin="/usr/lib/postgresql/$ver/bin"
    if [ -x "$bin/initdb" ]; then
      printf '%s\n' "$bin"
      return 0
    fi
    _pz_err "$data was made by PostgreSQL $ver, whose server is not installed (apt-get install postgresql-$ver, or delete $data)"
    return 1
  fi
  bin="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$bin" ] || return 1
  dirname "$bin"
}

_pz_pg_ready() {
  "$PAZPAZ_PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -t 2 >/dev/null 2>&1
}

_pz_psql() {
  "$PAZPAZ_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PAZPAZ_PG_PORT" -U postgres "$@"
}

# Pick the data dir: $PAZPAZ_PG_DATA, else $REPO/.data/pg; if the postgres user cannot reach the repo
# (a parent dir without o+x), fall back to /var/tmp/pazpaz-pg-<hash of repo path>.
_pz_pg_datadir() {
  if [ -n "${PAZPAZ_PG_DATA:-}" ]; then
    printf '%s\n' "$PAZPAZ_PG_DATA"
    return 0
  fi
  mkdir -p "$REPO/.data" || return 1
  chmod 755 "$REPO/.data" || return 1
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$REPO/.data" 2>/dev/null; then
    printf '%s\n' "$REPO/.data/pg"
  else
    local h
    h="$(printf '%s' "$REPO" | md5sum | cut -c1-12)"
    _pz_log "user postgres cannot reach $REPO (a parent directory lacks o+x); cluster data goes to /var/tmp/pazpaz-pg-$h"
    printf '%s\n' "/var/tmp/pazpaz-pg-$h"
  fi
}

# Set durability GUCs (sighup-level, so a reload applies them). $1 = on|off
_pz_pg_set_durability() {
  local v="$1"
  _pz_psql -d postgres \
    -c "ALTER SYSTEM SET fsync = $v" \
    -c "ALTER SYSTEM SET synchronous_commit = $v" \
    -c "ALTER SYSTEM SET full_page_writes = $v" \
    -c "SELECT pg_reload_conf()" >/dev/null || return 1
  # Give the postmaster a moment to re-read the config.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(_pz_psql -d postgres -tAc 'SHOW fsync')" = "$v" ] && return 0
    sleep 0.2
  done
  _pz_err "PostgreSQL did not pick up fsync=$v"
  return 1
}

# ensure_postgres [durable|fast]   (also: PAZPAZ_PG_MODE=durable|fast)
ensure_postgres() {
  local mode="${1:-${PAZPAZ_PG_MODE:-durable}}"
  mode="${mode#--}"
  case "$mode" in
    durable|fast) ;;
    *) _pz_err "ensure_postgres: mode must be durable or fast (got '$mode')"; return 1 ;;
  esac

  local f have_server=""
  for f in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$f" ] && have_server=1
  done
  if [ -z "$have_server" ]; then
    ensure_apt postgresql || return 1
  fi

  local data
  data="$(_pz_pg_datadir)" || return 1
  PAZPAZ_PGBIN="$(_pz_pgbin "$data")" || { _pz_err "no PostgreSQL server binaries found"; return 1; }
  export PAZPAZ_PG_DATA="$data" PAZPAZ_PGBIN
  export PAZPAZ_PG="Host=127.0.0.1;Port=$PAZPAZ_PG_PORT;Username=postgres"

  local started=""
  if _pz_pg_ready; then
    local running_dir
    running_dir="$(_pz_psql -d postgres -tAc 'SHOW data_directory' 2>/dev/null || true)"
    if [ -z "$running_dir" ] || [ ! -d "$running_dir" ]; then
      # E.g. a server left running by a checkout that has since been deleted: it answers but cannot work.
      _pz_err "a PostgreSQL server answers on 127.0.0.1:$PAZPAZ_PG_PORT but its data directory is gone; stop it or set PAZPAZ_PG_PORT"
      return 1
    elif [ "$running_dir" != "$data" ]; then
      _pz_log "PostgreSQL already running on 127.0.0.1:$PAZPAZ_PG_PORT with data in $running_dir; reusing it"
    fi
  else
    # Create the cluster once.
    if [ ! -f "$data/PG_VERSION" ]; then
      if [ -d "$data" ] && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
        _pz_log "removing incomplete cluster directory $data (no PG_VERSION)"
        rm -rf "$data" || return 1
      fi
      mkdir -p "$data" || return 1
      if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data" || return 1; fi
      chmod 700 "$data" || return 1
      _pz_log "initdb $data (PostgreSQL $("$PAZPAZ_PGBIN/postgres" --version | awk '{print $3}'))"
      local sync_opt=()
      [ "$mode" = fast ] && sync_opt=(--no-sync)
      if ! _pz_as_pg "$PAZPAZ_PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale \
          "${sync_opt[@]}" >"$data.initdb.log" 2>&1; then
        cat "$data.initdb.log" >&2
        _pz_err "initdb failed"
        return 1
      fi
      rm -f "$data.initdb.log"
    fi

    # A postmaster.pid left by a killed server blocks a restart when its PID now belongs to someone else.
    if [ -f "$data/postmaster.pid" ]; then
      local pid
      pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
      if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null \
          || [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" != postgres ]; then
        _pz_log "removing stale $data/postmaster.pid"
        rm -f "$data/postmaster.pid"
      fi
    fi

    if [ -f "$data/postmaster.pid" ]; then
      _pz_log "a postmaster for $data is running but not answering yet; waiting"
    else
      _pz_log "starting PostgreSQL on 127.0.0.1:$PAZPAZ_PG_PORT ($mode)"
      # setsid: the server gets its own session, so Ctrl-C in run.sh does not stop it.
      if ! _pz_as_pg setsid "$PAZPAZ_PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
          -o "-c listen_addresses=127.0.0.1 -p $PAZPAZ_PG_PORT -c unix_socket_directories='' -c max_connections=200" \
          >/dev/null; then
        tail -n 30 "$data/server.log" >&2 || true
        _pz_err "pg_ctl start failed (log: $data/server.log)"
        return 1
      fi
      started=1
    fi

    for _ in $(seq 1 60); do
      _pz_pg_ready && break
      sleep 0.5
    done
    if ! _pz_pg_ready; then
      tail -n 30 "$data/server.log" >&2 || true
      _pz_err "PostgreSQL is not ready on 127.0.0.1:$PAZPAZ_PG_PORT"
      return 1
    fi
  fi

  # Durability: "durable" always makes sure fsync is on (a cluster that test.sh started runs with it off);
  # "fast" turns it off only on a server this call started, never under a running dev server.
  local fsync_now
  fsync_now="$(_pz_psql -d postgres -tAc 'SHOW fsync')" || return 1
  if [ "$mode" = durable ] && [ "$fsync_now" != on ]; then
    _pz_log "turning fsync back on"
    _pz_pg_set_durability on || return 1
    # Writes made while fsync was off may still sit in the page cache.
    sync -f "$data" 2>/dev/null || sync
  elif [ "$mode" = fast ] && [ -n "$started" ] && [ "$fsync_now" != off ]; then
    _pz_pg_set_durability off || return 1
  fi
  return 0
}

# ensure_database NAME
ensure_database() {
  local name="${1:?ensure_database NAME}"
  if ! [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    _pz_err "ensure_database: bad database name '$name'"
    return 1
  fi
  [ -n "${PAZPAZ_PGBIN:-}" ] || { _pz_err "ensure_database: call ensure_postgres first"; return 1; }
  local exists
  exists="$(_pz_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" || return 1
  if [ "$exists" != 1 ]; then
    _pz_log "creating database $name"
    _pz_psql -d postgres -c "CREATE DATABASE \"$name\"" >/dev/null || return 1
  fi
}

# ensure_app_role: the role ConnectionStrings__Default uses when ConnectionStrings__Migrations names the owner
# (PazPaz/Data/SchemaOwner.cs). It cannot alter tables, drop or disable triggers or truncate, so it cannot switch off the
# audit trail's append-only trigger. The cluster trusts local connections, so its password is only a placeholder.
ensure_app_role() {
  [ -n "${PAZPAZ_PGBIN:-}" ] || { _pz_err "ensure_app_role: call ensure_postgres first"; return 1; }
  _pz_psql -d postgres -c "DO \$\$ BEGIN
      CREATE ROLE pazpaz_app LOGIN PASSWORD 'pazpaz_app';
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END \$\$" >/dev/null || return 1
  export PAZPAZ_PG_APP="Host=127.0.0.1;Port=$PAZPAZ_PG_PORT;Username=pazpaz_app;Password=pazpaz_app"
}

# ---------------------------------------------------------------------------------------------
# Front end
# ---------------------------------------------------------------------------------------------

# node_modules as package-lock.json says (npm ci when either file is newer than the last install).
_pz_npm_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    ensure_apt nodejs npm || return 1
  fi
  (
    cd "$REPO" || exit 1
    if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
        || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; } \
        || [ package.json -nt node_modules/.package-lock.json ]; then
      if [ -f package-lock.json ]; then
        _pz_log "npm ci"
        npm ci --no-audit --no-fund --loglevel=error || exit 1
      else
        _pz_log "npm install (no package-lock.json yet)"
        npm install --no-audit --no-fund --loglevel=error || exit 1
      fi
    fi
  ) || return 1
}

ensure_frontend() {
  _pz_npm_packages || return 1
  (
    cd "$REPO" || exit 1

    # The vendored htmx (committed) should match the pinned package.
    local want have
    want="$(cat PazPaz/wwwroot/lib/htmx/VERSION 2>/dev/null || true)"
    have="$(node -p 'require("./node_modules/htmx.org/package.json").version' 2>/dev/null || true)"
    if [ -n "$want" ] && [ -n "$have" ] && [ "$want" != "$have" ]; then
      _pz_log "warning: PazPaz/wwwroot/lib/htmx is $want but node_modules has htmx.org $have"
    fi

    # Tailwind only warns (exit 0) when the content globs match nothing yet; the component classes are
    # safelisted in tailwind.config.js, so the stylesheet is usable from the first page on.
    mkdir -p PazPaz/wwwroot/css || exit 1
    _pz_log "building PazPaz/wwwroot/css/app.css"
    local out
    if ! out="$(BROWSERSLIST_IGNORE_OLD_DATA=1 ./node_modules/.bin/tailwindcss -c tailwind.config.js \
        -i PazPaz/Styles/app.css -o PazPaz/wwwroot/css/app.css --minify 2>&1)"; then
      printf '%s\n' "$out" >&2
      _pz_err "Tailwind build failed"
      exit 1
    fi
    # Keep real warnings, drop the progress lines and the "no utility classes yet" notice.
    printf '%s\n' "$out" | grep -v -e '^[[:space:]]*$' -e '^Rebuilding' -e '^Done in' \
      -e 'No utility classes were detected' -e 'docs/content-configuration' >&2 || true
    [ -s PazPaz/wwwroot/css/app.css ] || { _pz_err "Tailwind produced no PazPaz/wwwroot/css/app.css"; exit 1; }
  ) || return 1
}

# ---------------------------------------------------------------------------------------------
# Browser for the E2E tests
# ---------------------------------------------------------------------------------------------

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  ensure_apt chromium || return 1
}

# ---------------------------------------------------------------------------------------------
# SMTP for the notification tests and the digest benchmark
# ---------------------------------------------------------------------------------------------

_pz_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_pz_port_answers() {
  /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2).close()" 2>/dev/null
}

# _pz_await_server PID PORT LOG NAME: wait up to 10 s for a server started in the background to answer on PORT;
# if it dies or never answers, print its LOG and fail, naming it.
_pz_await_server() {
  local pid="$1" port="$2" log="$3" name="$4" _
  for _ in $(seq 1 50); do
    _pz_port_answers "$port" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  cat "$log" >&2 || true
  _pz_err "the $name did not start on 127.0.0.1:$port"
  return 1
}

# _pz_stop_server PID: stop a server this shell started (if it still runs) and reap it.
_pz_stop_server() {
  if [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

ensure_smtp() {
  # /usr/bin/python3 on purpose: a python3 earlier on PATH (pyenv) cannot see Debian's modules.
  if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
    ensure_apt python3-aiosmtpd || return 1
  fi
  local dir="${PAZPAZ_SMTP_DIR:-$REPO/.data/smtp}" port="${PAZPAZ_SMTP_PORT:-}"
  [ -n "$port" ] || port="$(_pz_free_port)" || return 1
  rm -rf "$dir" && mkdir -p "$dir/new" "$dir/cur" "$dir/tmp" || return 1
  # -n: do not switch to user nobody (we may be root). Mailbox: each message becomes a file in $dir/new.
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir" >"$dir.log" 2>&1 &
  PAZPAZ_SMTP_PID=$!
  _pz_await_server "$PAZPAZ_SMTP_PID" "$port" "$dir.log" "SMTP test server" || return 1
  export PAZPAZ_TEST_SMTP="127.0.0.1:$port" PAZPAZ_TEST_SMTP_DIR="$dir" PAZPAZ_SMTP_PID
  _pz_log "SMTP test server on 127.0.0.1:$port (messages in $dir/new)"
}

stop_smtp() {
  _pz_stop_server "${PAZPAZ_SMTP_PID:-}"
  PAZPAZ_SMTP_PID=""
}

# ---------------------------------------------------------------------------------------------
# S3 for the file storage tests
# ---------------------------------------------------------------------------------------------

ensure_s3() {
  _pz_npm_packages || return 1
  local dir="${PAZPAZ_S3_DIR:-$REPO/.data/s3}" port="${PAZPAZ_S3_PORT:-}" bucket="${PAZPAZ_TEST_S3_BUCKET:-pazpaz-test}"
  [ -n "$port" ] || port="$(_pz_free_port)" || return 1
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  # -a 127.0.0.1: its default, "localhost", may resolve to ::1 only. The SDK must upload with UseChunkEncoding=false:
  # s3rver stores aws-chunked bodies as they came (framing and signatures included).
  node "$REPO/node_modules/.bin/s3rver" -d "$dir" -a 127.0.0.1 -p "$port" --configure-bucket "$bucket" >"$dir.log" 2>&1 &
  PAZPAZ_S3_PID=$!
  _pz_await_server "$PAZPAZ_S3_PID" "$port" "$dir.log" "S3 test server" || return 1
  export PAZPAZ_TEST_S3="http://127.0.0.1:$port" PAZPAZ_TEST_S3_BUCKET="$bucket" PAZPAZ_S3_PID
  _pz_log "S3 test server (s3rver) on 127.0.0.1:$port, bucket $bucket (data in $dir)"
}

stop_s3() {
  _pz_stop_server "${PAZPAZ_S3_PID:-}"
  PAZPAZ_S3_PID=""
}
