#!/usr/bin/env bash
# run.sh: start PazPaz locally (Development) with a private PostgreSQL cluster, the local dev mailbox and attachments
# kept (encrypted) in .data/files.
# Idempotent: a second run reuses the cluster (.data/pg), the database and node_modules.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
cd "$REPO"

ensure_postgres durable
ensure_database pazpaz
ensure_app_role
ensure_frontend

mkdir -p "$REPO/.data/mail"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5000}"
# Two roles, as in production: postgres applies the migrations (and owns the tables); the app runs as pazpaz_app.
export ConnectionStrings__Migrations="$PAZPAZ_PG;Database=pazpaz"
export ConnectionStrings__Default="$PAZPAZ_PG_APP;Database=pazpaz"
export Email__PickupDirectory="$REPO/.data/mail"
export Storage__Disk__Root="$REPO/.data/files"   # attachments, encrypted (the default provider, Disk)
if [ -z "${PazPaz__PublicBaseUrl:-}" ]; then
  # First of the listen URLs, with a wildcard host (+, *, 0.0.0.0, [::]) shown as localhost.
  first_url="${ASPNETCORE_URLS%%;*}"
  first_url="$(printf '%s' "$first_url" | sed -E 's#^(https?://)(\+|\*|0\.0\.0\.0|\[::\])(:|/|$)#\1localhost\3#; s#/+$##')"
  PazPaz__PublicBaseUrl="$first_url"
fi
export PazPaz__PublicBaseUrl
export PazPaz__SeedDemo=true
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Single-quote a value for the copy-paste commands in the banner.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

base="$PazPaz__PublicBaseUrl"
cat <<EOF

================================================================================
 PazPaz (Development) is building and starting; a "ready" line follows when it answers.
 E-mail is not sent: it lands in the local mailbox at $base/dev/mailbox
   (files in $Email__PickupDirectory)
 Attachments are stored encrypted in $Storage__Disk__Root

 Sign in as demo@pazpaz.local: ask for a link on the sign-in page, then open the mailbox.
 Or, from another terminal in $REPO, print a sign-in link with the same settings:

   ASPNETCORE_ENVIRONMENT=$(q "$ASPNETCORE_ENVIRONMENT") \\
   ConnectionStrings__Default=$(q "$ConnectionStrings__Default") \\
   ConnectionStrings__Migrations=$(q "$ConnectionStrings__Migrations") \\
   Email__PickupDirectory=$(q "$Email__PickupDirectory") \\
   PazPaz__PublicBaseUrl=$(q "$PazPaz__PublicBaseUrl") \\
   PazPaz__SeedDemo=true \\
   dotnet run --project PazPaz --no-launch-profile -- admin sign-in-link --email demo@pazpaz.local

 Listening on: $ASPNETCORE_URLS    PostgreSQL: $PAZPAZ_PG (data in $PAZPAZ_PG_DATA)
 Ctrl-C stops the app; the database keeps running.
================================================================================

EOF

dotnet build PazPaz -c Release -v q -nologo -clp:ErrorsOnly
# The app itself runs in the background (from PazPaz/, its content root) so that this script can say when it is
# ready; Ctrl-C reaches this script, which stops the app gracefully.
(cd PazPaz && exec dotnet bin/Release/net10.0/PazPaz.dll) &
app=$!
trap 'kill -TERM "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; exit 130' INT TERM

# Building and migrating take a while on a first run: say "ready" only once the app answers /readyz.
listen="$(printf '%s' "${ASPNETCORE_URLS%%;*}" | sed -E 's#^(https?://)(\+|\*|0\.0\.0\.0|\[::\])(:|/|$)#\1localhost\3#; s#/+$##')"
until curl -fsS -o /dev/null --max-time 2 "$listen/readyz" 2>/dev/null; do
  if ! kill -0 "$app" 2>/dev/null; then wait "$app"; exit $?; fi
  sleep 1
done
printf '\n PazPaz is ready: open %s  (mailbox: %s/dev/mailbox)\n\n' "$base" "$base"
wait "$app"
