#!/usr/bin/env bash
# restore.sh BACKUP: puts a backup made by backup.sh into an EMPTY database and an empty files directory, both named by
# the app's settings (ConnectionStrings__Migrations or __Default, Storage__Disk__Root). Checks the checksums first and
# refuses a database that already has tables or a files directory that has files: it never overwrites. Start the app
# afterwards with the same encryption keys (Encryption__Keys__N) as when the backup was made.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pg-env.sh"

backup="${1:?usage: restore.sh BACKUP_DIRECTORY}"
[ -f "$backup/manifest.json" ] || { echo "$backup is not a PazPaz backup (no manifest.json)." >&2; exit 2; }
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || { echo "The backup's checksums do not match: it is damaged." >&2; exit 1; }

libpq_env "$(owner_connection)"
psql="$(pg_tool psql)"; pg_restore="$(pg_tool pg_restore)"
tables="$("$psql" -XAtc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
[ "$tables" = 0 ] || { echo "Database $PGDATABASE already has $tables tables: restore into an empty database (createdb a new one)." >&2; exit 1; }

if [ -f "$backup/files.tar.gz" ]; then
  root="${Storage__Disk__Root:?Storage__Disk__Root is not set: where the restored app keeps its files}"
  mkdir -p "$root"
  [ -z "$(find "$root" -mindepth 1 -print -quit)" ] || { echo "$root is not empty: restore files into an empty directory." >&2; exit 1; }
fi

"$pg_restore" --no-owner --exit-on-error --dbname="$PGDATABASE" "$backup/database.dump"
[ ! -f "$backup/files.tar.gz" ] || tar -C "$root" -xzf "$backup/files.tar.gz"
echo "Restored $backup into database $PGDATABASE${root:+ and $root}."
