# pg-env.sh: sourced by backup.sh and restore.sh. Turns the app's Npgsql connection string into libpq's environment
# (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) and finds PostgreSQL's client programs.

# libpq_env "Host=db;Port=5432;Database=pazpaz;Username=pazpaz;Password=…"
libpq_env() {
  local part key value
  unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [ -n "${part// /}" ] || continue
    key="$(printf '%s' "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"
    value="${part#*=}"
    case "$key" in
      host|server) export PGHOST="$value" ;;
      port) export PGPORT="$value" ;;
      database|initialcatalog) export PGDATABASE="$value" ;;
      username|userid|user|uid) export PGUSER="$value" ;;
      password|pwd) export PGPASSWORD="$value" ;;
    esac
  done
  [ -n "${PGDATABASE:-}" ] || { echo "The connection string names no Database=…" >&2; return 2; }
}

# The client programs of the newest PostgreSQL installed (pg_dump must be at least the server's version).
pg_tool() {
  local found
  found="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path "*/bin/$1" 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$found" ]; then printf '%s' "$found"; else command -v "$1"; fi
}

# The connection that owns the tables: ConnectionStrings__Migrations when the app runs as a separate role.
owner_connection() {
  local conn="${ConnectionStrings__Migrations:-${ConnectionStrings__Default:-}}"
  [ -n "$conn" ] || { echo "Set ConnectionStrings__Default (and ConnectionStrings__Migrations if the app runs as its own role), as for the app." >&2; return 2; }
  printf '%s' "$conn"
}
