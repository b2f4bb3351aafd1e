-- bench/digests.sql: W practices × U users whose today's digest falls due in the same UTC minute (:due, epoch seconds),
-- each practice with A appointments on that local day. Practices cycle through four time zones, so "the same minute"
-- is a different local time in each. Only the digest is on: reminders and the notes reminder are off.
\set ON_ERROR_STOP on
\timing on

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM workspaces) THEN
    RAISE EXCEPTION 'the database already has workspaces: digests.sql fills an empty, freshly migrated database';
  END IF;
END $$;

BEGIN;
SET LOCAL synchronous_commit = off;

CREATE TEMP TABLE d_ws ON COMMIT DROP AS
SELECT g AS wn, gen_random_uuid() AS id,
       (ARRAY['Asia/Jerusalem', 'America/New_York', 'Europe/London', 'Australia/Sydney'])[1 + g % 4] AS tz,
       to_timestamp(:due) AS due
FROM generate_series(1, :workspaces) g;

INSERT INTO workspaces (id, name, time_zone, status, storage_quota_bytes, storage_used_bytes, created_at, updated_at, deleted_at)
SELECT id, 'Digest Practice ' || wn, tz, 'active', 10737418240, 0, now(), now(), NULL FROM d_ws;

CREATE TEMP TABLE d_user ON COMMIT DROP AS
SELECT w.id AS workspace_id, w.wn, u AS un, gen_random_uuid() AS id, w.tz, w.due
FROM d_ws w, generate_series(1, :users_per_workspace) u;

INSERT INTO users (id, workspace_id, email, full_name, role, is_active, is_platform_admin, security_stamp,
                   invitation_token_hash, invited_at, invited_by_platform_admin,
                   totp_secret, totp_enabled, totp_enrolled_at, last_sign_in_at, created_at, updated_at)
SELECT id, workspace_id, 'user-' || un || '.ws' || wn || '@bench.pazpaz.test', 'Bench User ' || wn || '/' || un,
       CASE WHEN un = 1 THEN 'owner' ELSE 'assistant' END, true, false, upper(md5(random()::text)),
       NULL, NULL, false, NULL, false, NULL, NULL, now(), now()
FROM d_user;

INSERT INTO user_notification_settings (id, user_id, workspace_id, email_enabled, notify_appointment_booked,
       notify_appointment_cancelled, notify_appointment_rescheduled, notify_appointment_confirmed,
       digest_enabled, digest_time, digest_days, tomorrow_digest_enabled, tomorrow_digest_time, tomorrow_digest_days,
       reminder_enabled, reminder_minutes, notes_reminder_enabled, notes_reminder_time, extended_settings, created_at, updated_at)
SELECT gen_random_uuid(), id, workspace_id, true, true, true, true, true,
       true, to_char(due AT TIME ZONE tz, 'HH24:MI'), '{0,1,2,3,4,5,6}', false, '20:00', '{0,1,2,3,4}',
       false, 60, false, '18:00', '{}', now(), now()
FROM d_user;

CREATE TEMP TABLE d_client ON COMMIT DROP AS
SELECT w.id AS workspace_id, w.wn, w.tz, w.due, k, gen_random_uuid() AS id
FROM d_ws w, generate_series(1, :appointments) k;

INSERT INTO clients (id, workspace_id, first_name, last_name, email, phone, date_of_birth, address, medical_history,
                     emergency_contact_name, emergency_contact_phone, notes, tags, consent_to_store_data,
                     hide_name_outside_paz_paz, is_active, created_at, updated_at)
SELECT id, workspace_id,
       (ARRAY['Noa','Yael','Maya','Tamar','Dana','Omer','Itai','Lior'])[1 + (k + wn) % 8],
       (ARRAY['Cohen','Levi','Mizrahi','Peretz','Smith','Jones','Taylor','Brown'])[1 + (k * 3 + wn) % 8],
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '[]', true, false, true, now(), now()
FROM d_client;

-- One appointment per client on the practice's local day of the due minute, hourly from 08:00.
INSERT INTO appointments (id, workspace_id, client_id, service_id, location_id, scheduled_start, scheduled_end,
                          location_type, location_details, status, notes, created_at, updated_at, edited_at,
                          edit_count, sequence, deleted_at)
SELECT gen_random_uuid(), workspace_id, id, NULL, NULL,
       ((due AT TIME ZONE tz)::date + time '08:00' + (k - 1) * interval '1 hour') AT TIME ZONE tz,
       ((due AT TIME ZONE tz)::date + time '08:45' + (k - 1) * interval '1 hour') AT TIME ZONE tz,
       'clinic', NULL, 'scheduled', NULL, now() - interval '7 days', now() - interval '7 days', NULL, 0, 0, NULL
FROM d_client;

COMMIT;
ANALYZE;
