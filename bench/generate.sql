-- bench/generate.sql: fills a freshly migrated PazPaz database with N workspaces x M appointments.
--
--   psql -h 127.0.0.1 -p 55432 -U postgres -d pazpaz_bench -v n=1000 -v m=1000 -f bench/generate.sql
--
-- Variables (psql -v): n workspaces (default 1000), m appointments per workspace (default 1000),
-- clients per workspace (default 50), tz the workspaces' IANA time zone (default Europe/London),
-- seed for random() (default 0.42; uuids come from gen_random_uuid() and differ between runs).
--
-- Per workspace "Bench Practice <k>": one active owner owner-<k>@bench.pazpaz.test with default notification
-- settings, <clients> clients (plain-text names/e-mail/phone/tags, which `admin encrypt-fields` encrypts afterwards), two services,
-- one clinic location, and m appointments on weekdays within +-26 weeks of now, 09:00-17:00 local time,
-- 30-90 minutes long, in fixed slots so that a workspace's appointments do not overlap (about 2 % are
-- moved into the previous slot, so about 1 % overlap another one), statuses by past/future
-- (completed/no_show/cancelled/scheduled), 0.5 % soft-deleted.
-- Rows are inserted in booking (created_at) order, so one workspace's appointments are spread over the heap
-- the way real bookings from 1,000 practices would be, and ids are UUIDv7 like the app's Guid.CreateVersion7().
--
-- Set-based (generate_series + INSERT ... SELECT) in one transaction; foreign keys are not checked row by row
-- during the load (session_replication_role = replica: the rows are consistent by construction), and the
-- appointments' secondary indexes are dropped for the load and re-created from their own definitions.
-- The database must be migrated and empty; the script refuses otherwise. Ends with VACUUM ANALYZE.

\set ON_ERROR_STOP on
\if :{?n}
\else
  \set n 1000
\endif
\if :{?m}
\else
  \set m 1000
\endif
\if :{?clients}
\else
  \set clients 50
\endif
\if :{?tz}
\else
  \set tz Europe/London
\endif
\if :{?seed}
\else
  \set seed 0.42
\endif

\timing on
\echo generating :n workspaces x :m appointments (:clients clients each, time zone :tz)

DO $$
BEGIN
  IF to_regclass('public.appointments') IS NULL THEN
    RAISE EXCEPTION 'no appointments table: apply the app''s migrations first (PazPaz admin migrate)';
  END IF;
  IF EXISTS (SELECT 1 FROM workspaces) THEN
    RAISE EXCEPTION 'the database already has workspaces: generate.sql fills an empty, freshly migrated database';
  END IF;
END $$;

BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL work_mem = '256MB';
SET LOCAL synchronous_commit = off;
SELECT setseed(:seed);

-- UUIDv7 (48-bit Unix milliseconds, then random bits), as Guid.CreateVersion7() makes them.
CREATE FUNCTION pg_temp.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $f$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
           PLACING substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
         52, 1), 53, 1), 'hex')::uuid
$f$;

CREATE TEMP TABLE b_now ON COMMIT DROP AS
SELECT now() AS now, (now() AT TIME ZONE :'tz')::date AS today, now() - interval '400 days' AS set_up;

-- Workspaces, numbered 1..n (workspace 1 is the one the load run signs in to).
CREATE TEMP TABLE b_ws ON COMMIT DROP AS
SELECT g AS wn, pg_temp.uuid7(b.set_up + g * interval '1 second') AS id,
       pg_temp.uuid7(b.set_up + g * interval '1 second') AS owner_id,
       pg_temp.uuid7(b.set_up + g * interval '1 second') AS location_id
FROM generate_series(1, :n) g, b_now b;

INSERT INTO workspaces (id, name, time_zone, status, storage_quota_bytes, storage_used_bytes, created_at, updated_at, deleted_at)
SELECT w.id, 'Bench Practice ' || w.wn, :'tz', 'active', 10737418240, 0, b.set_up, b.set_up, NULL
FROM b_ws w, b_now b ORDER BY w.wn;

INSERT INTO users (id, workspace_id, email, full_name, role, is_active, is_platform_admin, security_stamp,
                   invitation_token_hash, invited_at, invited_by_platform_admin,
                   totp_secret, totp_enabled, totp_enrolled_at, last_sign_in_at, created_at, updated_at)
SELECT w.owner_id, w.id, 'owner-' || w.wn || '@bench.pazpaz.test', 'Bench Owner ' || w.wn, 'owner', true, false,
       upper(md5(random()::text)), NULL, NULL, false,
       NULL, false, NULL, NULL, b.set_up, b.set_up
FROM b_ws w, b_now b ORDER BY w.wn;

INSERT INTO user_notification_settings (id, user_id, workspace_id, email_enabled, notify_appointment_booked,
       notify_appointment_cancelled, notify_appointment_rescheduled, notify_appointment_confirmed,
       digest_enabled, digest_time, digest_days, tomorrow_digest_enabled, tomorrow_digest_time, tomorrow_digest_days,
       reminder_enabled, reminder_minutes, notes_reminder_enabled, notes_reminder_time, extended_settings, created_at, updated_at)
SELECT pg_temp.uuid7(b.set_up), w.owner_id, w.id, true, true, true, true, true,
       false, '08:00', '{1,2,3,4,5}', false, '20:00', '{0,1,2,3,4}', true, 60, true, '18:00', '{}', b.set_up, b.set_up
FROM b_ws w, b_now b ORDER BY w.wn;

INSERT INTO locations (id, workspace_id, name, location_type, address, details, is_active, created_at, updated_at)
SELECT w.location_id, w.id, 'Clinic', 'clinic', w.wn || ' Bench Street, London', NULL, true, b.set_up, b.set_up
FROM b_ws w, b_now b ORDER BY w.wn;

CREATE TEMP TABLE b_svc ON COMMIT DROP AS
SELECT w.wn, s.k, pg_temp.uuid7(b.set_up) AS id, w.id AS workspace_id, s.name, s.minutes
FROM b_ws w, b_now b,
     (VALUES (1, 'Treatment (60 min)', 60), (2, 'Assessment (45 min)', 45)) AS s(k, name, minutes);

INSERT INTO services (id, workspace_id, name, description, default_duration_minutes, is_active, created_at, updated_at)
SELECT s.id, s.workspace_id, s.name, NULL, s.minutes, true, b.set_up, b.set_up
FROM b_svc s, b_now b ORDER BY s.wn, s.k;

-- Clients: names from two lists of 20, 4 % inactive; address, medical history, emergency contact and notes
-- are AES-GCM ciphertext in real rows, so they stay NULL here.
CREATE TEMP TABLE b_cl ON COMMIT DROP AS
SELECT w.wn, c AS k, pg_temp.uuid7(b.set_up + w.wn * interval '1 second') AS id, w.id AS workspace_id
FROM b_ws w, b_now b, generate_series(1, :clients) c;

INSERT INTO clients (id, workspace_id, first_name, last_name, email, phone, date_of_birth, address, medical_history,
                     emergency_contact_name, emergency_contact_phone, notes, tags, consent_to_store_data,
                     hide_name_outside_paz_paz, is_active, created_at, updated_at)
SELECT c.id, c.workspace_id,
       (ARRAY['Noa','Yael','Maya','Tamar','Dana','Omer','Itai','Lior','Eitan','Roni',
              'Sarah','James','Olivia','Liam','Emma','Noah','Ava','Lucas','Mia','Ethan'])[1 + (c.k * 7 + c.wn) % 20],
       (ARRAY['Cohen','Levi','Mizrahi','Peretz','Biton','Dahan','Avraham','Friedman','Katz','Azoulay',
              'Smith','Jones','Taylor','Brown','Williams','Wilson','Evans','Thomas','Roberts','Walker'])[1 + (c.k * 13 + c.wn * 3) % 20],
       'client-' || c.k || '.ws' || c.wn || '@bench.pazpaz.test',
       '+44 7700 9' || lpad(((c.wn * 53 + c.k) % 100000)::text, 5, '0'),
       to_char(date '1950-01-01' + ((c.wn * 97 + c.k * 389) % 20000), 'YYYY-MM-DD'),
       NULL, NULL, NULL, NULL, NULL,
       CASE WHEN c.k % 5 = 0 THEN '["bench"]' ELSE '[]' END,
       true, false, c.k % 25 <> 0, b.set_up, b.set_up
FROM b_cl c, b_now b ORDER BY c.wn, c.k;

-- Weekdays from 26 weeks before to 26 weeks after today (about 261), each cut into equal slots between
-- 09:00 and 17:00: as many as needed for m appointments, at least 4 (120-minute slots).
CREATE TEMP TABLE b_day ON COMMIT DROP AS
SELECT (row_number() OVER (ORDER BY d) - 1)::int AS dk, d::date AS day
FROM b_now b, generate_series(b.today - 182, b.today + 182, interval '1 day') d
WHERE extract(isodow FROM d) < 6;

SELECT count(*) AS days, greatest(4, ceil(:m::numeric / count(*)))::int AS slots_per_day,
       480 / greatest(4, ceil(:m::numeric / count(*)))::int AS slot_minutes
FROM b_day \gset
\echo :days weekdays, :slots_per_day slots of :slot_minutes minutes per day

-- Each workspace takes m of the days x slots_per_day slots, chosen at random.
CREATE TEMP TABLE b_slot ON COMMIT DROP AS
SELECT wn, workspace_id, location_id, dk, slot
FROM (
  SELECT w.wn, w.id AS workspace_id, w.location_id, d.dk, s.slot,
         row_number() OVER (PARTITION BY w.wn ORDER BY random()) AS rn
  FROM b_ws w CROSS JOIN b_day d CROSS JOIN generate_series(0, :slots_per_day - 1) s(slot)
) x
WHERE rn <= :m;

CREATE TEMP TABLE b_appt ON COMMIT DROP AS
SELECT x.*, x.start_at + x.minutes * interval '1 minute' AS end_at,
       least(b.now, x.start_at - (1 + floor(random() * 30)) * interval '1 day' - floor(random() * 600) * interval '1 minute') AS created_at
FROM (
  SELECT s.wn, s.workspace_id, s.location_id, s.r_status, s.r_place, s.r_service, s.r_client, s.minutes,
         ((d.day + time '09:00'
            + (s.slot * :slot_minutes + s.offset_minutes) * interval '1 minute'
            - CASE WHEN s.r_double < 0.02 AND s.slot > 0                 -- about 2 % moved into the previous
                   THEN (:slot_minutes - 30) * interval '1 minute'            -- slot: mostly double bookings
                   ELSE interval '0' END)
          AT TIME ZONE :'tz') AS start_at
  FROM (
    SELECT s.*, least(:slot_minutes, (ARRAY[30, 45, 60, 60, 60, 90])[1 + floor(random() * 6)::int]) AS minutes,
           random() AS r_status, random() AS r_place, random() AS r_service, random() AS r_client, random() AS r_double,
           random() AS r_offset
    FROM b_slot s
  ) s0(wn, workspace_id, location_id, dk, slot, minutes, r_status, r_place, r_service, r_client, r_double, r_offset)
  CROSS JOIN LATERAL (SELECT s0.*, (floor(s0.r_offset * ((:slot_minutes - s0.minutes) / 15 + 1)) * 15)::int AS offset_minutes) s
  JOIN b_day d ON d.dk = s.dk
) x, b_now b;

-- Loading 1M rows into a table with seven secondary indexes is several times slower than building them
-- afterwards: keep their definitions (whatever the current migrations made), drop, load, re-create.
SET LOCAL maintenance_work_mem = '512MB';
CREATE TEMP TABLE b_index ON COMMIT DROP AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
WHERE i.indrelid = 'appointments'::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SELECT format('DROP INDEX %s', name) FROM b_index \gexec

INSERT INTO appointments (id, workspace_id, client_id, service_id, location_id, scheduled_start, scheduled_end,
                          location_type, location_details, status, notes, created_at, updated_at, edited_at,
                          edit_count, sequence, deleted_at)
SELECT pg_temp.uuid7(a.created_at), a.workspace_id, c.id,
       CASE WHEN a.r_service < 0.70 THEN s1.id WHEN a.r_service < 0.95 THEN s2.id END,
       CASE WHEN a.r_place < 0.80 THEN a.location_id END,
       a.start_at, a.end_at,
       CASE WHEN a.r_place < 0.80 THEN 'clinic' WHEN a.r_place < 0.95 THEN 'online' ELSE 'home' END,
       NULL,
       CASE WHEN a.end_at <= b.now THEN
              CASE WHEN a.r_status < 0.85 THEN 'completed' WHEN a.r_status < 0.93 THEN 'cancelled'
                   WHEN a.r_status < 0.97 THEN 'no_show' ELSE 'scheduled' END
            ELSE CASE WHEN a.r_status < 0.92 THEN 'scheduled' ELSE 'cancelled' END END,
       NULL, a.created_at,
       CASE WHEN a.end_at <= b.now THEN a.end_at ELSE a.created_at END,
       NULL, 0, 0,
       CASE WHEN a.r_status > 0.995 THEN a.created_at + interval '1 hour' END
FROM b_appt a
CROSS JOIN b_now b
JOIN b_cl c ON c.wn = a.wn AND c.k = 1 + floor(a.r_client * :clients)::int
JOIN b_svc s1 ON s1.wn = a.wn AND s1.k = 1
JOIN b_svc s2 ON s2.wn = a.wn AND s2.k = 2
ORDER BY a.created_at;

SELECT def FROM b_index ORDER BY name \gexec

COMMIT;

VACUUM (ANALYZE) workspaces, users, user_notification_settings, locations, services, clients, appointments;

SELECT (SELECT count(*) FROM workspaces) AS workspaces, (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM services) AS services,
       (SELECT count(*) FROM appointments) AS appointments,
       pg_size_pretty(pg_total_relation_size('appointments')) AS appointments_size;
