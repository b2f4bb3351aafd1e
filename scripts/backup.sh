#!/usr/bin/env bash
# backup.sh [DIRECTORY]: a backup of PazPaz in DIRECTORY/pazpaz-<UTC time>/: the database (pg_dump, custom format), the
# stored files (files.tar.gz, still encrypted as stored), a manifest and SHA-256 checksums. Reads the app's own settings
# (ConnectionStrings__Migrations or __Default, Storage__Provider, Storage__Disk__Root), so run it with the app's
# environment. The encryption keys are NOT in the backup: keep them elsewhere (see README, "Backup and restore").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pg-env.sh"

destination="${1:-./backups}"
libpq_env "$(owner_connection)"
pg_dump="$(pg_tool pg_dump)"; psql="$(pg_tool psql)"
out="$destination/pazpaz-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# The database first, then the files: a file is stored before its row is written and removed after its row, so every
# file a dumped row names is already on disk when the files are copied.
"$pg_dump" --format=custom --compress=6 --file="$out/database.dump"
migration="$("$psql" -XAtc 'SELECT migration_id FROM __ef_migrations_history ORDER BY migration_id DESC LIMIT 1')"

provider="${Storage__Provider:-Disk}"
files=0
case "$provider" in
  Disk)
    root="${Storage__Disk__Root:?Storage__Disk__Root is not set: where the app keeps its files}"
    mkdir -p "$root"
    files="$(find "$root" -type f | wc -l)"
    tar -C "$root" -czf "$out/files.tar.gz" .
    ;;
  *)
    # An S3 bucket is backed up by its own means (versioning, replication); the manifest says which bucket.
    echo "Files are in S3 bucket '${Storage__S3__Bucket:-?}': back it up with your provider's tools." >&2
    ;;
esac

cat >"$out/manifest.json" <<JSON
{
  "format": 1,
  "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "database": "$PGDATABASE",
  "last_migration": "$migration",
  "files_provider": "$provider",
  "files": $files,
  "s3_bucket": "${Storage__S3__Bucket:-}"
}
JSON
(cd "$out" && sha256sum -- database.dump manifest.json $([ -f "$out/files.tar.gz" ] && echo files.tar.gz) >SHA256SUMS)
echo "$out"
