#!/usr/bin/env python3
"""PostgreSQL restarted under load (bench/drill-postgres.sh): 50 clients book, move and read through /api/v1 while the
database is stopped for OUTAGE seconds and started again; then every answer is checked against the database.

Usage: drill_postgres.py BASE_URL TOKEN CLIENT_IDS(comma) PSQL_URL RESTART_COMMAND [SECONDS] [OUTAGE]
Prints a line "DRILL_RESULT {json}" and exits 1 when a 2xx write is lost, an answer is 5xx other than 503 with
Retry-After, a 5xx write left something half-written, a request hung, or the app did not recover by itself.
"""
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime, timedelta, timezone

BASE, TOKEN, CLIENTS, PSQL, RESTART = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5]
SECONDS = float(sys.argv[6]) if len(sys.argv) > 6 else 40
OUTAGE = float(sys.argv[7]) if len(sys.argv) > 7 else 6
WORKERS = 50
TIMEOUT = 35  # the longest a request may take: the app's own database timeouts are shorter
FIRST_DAY = datetime(2030, 1, 7, tzinfo=timezone.utc)  # far from anything else; each worker owns its own weeks


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Accept": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), time.monotonic() - started
    except Exception as e:  # a connection refused or a timeout: no HTTP answer at all
        return None, {}, str(e).encode(), time.monotonic() - started


lock = threading.Lock()
statuses = Counter()
bad_5xx = []  # 5xx answers that are not a 503 with Retry-After
no_answer = []
slowest = [0.0]
booked = {}  # appointment id -> start acknowledged (2xx) last
failed_bookings = []  # starts of bookings answered 5xx or not at all (written or not: checked after)
failed_moves = {}  # id -> starts tried and answered 5xx or not at all


def note(status, headers, body, elapsed, what):
    with lock:
        statuses[status if status is not None else "no answer"] += 1
        slowest[0] = max(slowest[0], elapsed)
        if status is None:
            no_answer.append(f"{what}: {body[:120]!r}")
        elif status >= 500 and not (status == 503 and headers.get("Retry-After")):
            bad_5xx.append(f"{what}: {status} {body[:200]!r}")


def worker(n, stop):
    rnd = random.Random(n)
    week = FIRST_DAY + timedelta(weeks=4 * n)
    slot = 0
    mine = []
    while not stop.is_set():
        op = rnd.random()
        if op < 0.5 or not mine:
            start = week + timedelta(days=slot // 10, hours=8 + slot % 10)  # one hour a slot, never overlapping
            slot += 1
            body = {"client_id": rnd.choice(CLIENTS), "scheduled_start": iso(start), "scheduled_end": iso(start + timedelta(minutes=50)),
                    "location_type": "clinic"}
            status, headers, raw, elapsed = call("POST", "/api/v1/appointments", body)
            note(status, headers, raw, elapsed, f"book {iso(start)}")
            if status is not None and 200 <= status < 300:
                appointment = json.loads(raw)["id"]
                with lock:
                    booked[appointment] = iso(start)
                mine.append(appointment)
            elif status is None or status >= 500:
                with lock:
                    failed_bookings.append(iso(start))
        elif op < 0.75:
            appointment = rnd.choice(mine)
            start = week + timedelta(days=slot // 10, hours=8 + slot % 10)
            slot += 1
            body = {"scheduled_start": iso(start), "scheduled_end": iso(start + timedelta(minutes=50))}
            status, headers, raw, elapsed = call("PUT", f"/api/v1/appointments/{appointment}", body)
            note(status, headers, raw, elapsed, f"move {appointment}")
            with lock:
                if status is not None and 200 <= status < 300:
                    booked[appointment] = iso(start)
                    failed_moves.pop(appointment, None)
                elif status is None or status >= 500:
                    failed_moves.setdefault(appointment, []).append(iso(start))
        else:
            status, headers, raw, elapsed = call("GET", f"/api/v1/appointments?start_date={week:%Y-%m-%d}&end_date={week + timedelta(weeks=4):%Y-%m-%d}&page_size=100")
            note(status, headers, raw, elapsed, "read")


def ready():
    try:
        with urllib.request.urlopen(BASE + "/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return None


def psql(sql):
    return subprocess.run(["psql", PSQL, "-X", "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip().splitlines()


def main():
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(n, stop), daemon=True) for n in range(WORKERS)]
    for t in threads:
        t.start()
    time.sleep(SECONDS / 3)

    # The outage: stop (fast shutdown), wait, start. /readyz is asked meanwhile.
    readyz = Counter()
    down_at = time.monotonic()
    outage = subprocess.Popen(RESTART.replace("{outage}", str(OUTAGE)), shell=True)
    recovered_after = None
    while time.monotonic() - down_at < SECONDS:
        status = ready()
        readyz[status if status is not None else "no answer"] += 1
        if status == 200 and outage.poll() is not None:  # the database is back: when does the app say so?
            recovered_after = time.monotonic() - down_at
            break
        time.sleep(0.2)
    if outage.wait() != 0:
        raise SystemExit("the outage command failed")
    time.sleep(max(0.0, SECONDS / 3))
    stop.set()
    for t in threads:
        t.join(TIMEOUT + 5)

    # Every booking answered 2xx exists, at the time last acknowledged (or at a later one tried while the database was
    # away: a write can commit and its answer be lost).
    rows = dict(line.split("|") for line in psql(
        "SELECT id, to_char(scheduled_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM appointments WHERE deleted_at IS NULL"))
    lost = [a for a in booked if a not in rows]
    wrong_time = [a for a, start in booked.items() if a in rows and rows[a] != start and rows[a] not in failed_moves.get(a, [])]
    # A booking answered 5xx (or not at all) is either absent, or there in full: the appointment with its audit event.
    audited = set(psql("SELECT resource_id FROM audit_events WHERE resource_type = 'Appointment' AND action = 'create'"))
    by_start = {start: a for a, start in rows.items()}
    failed_written = [s for s in failed_bookings if s in by_start]
    half_written = [s for s in failed_written if by_start[s] not in audited]

    result = {
        "workers": WORKERS, "seconds": SECONDS, "outage_seconds": OUTAGE,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "readyz": {str(k): v for k, v in sorted(readyz.items(), key=lambda kv: str(kv[0]))},
        "recovered_after_seconds": None if recovered_after is None else round(recovered_after, 1),
        "bookings_acknowledged": len(booked), "lost": len(lost), "at_wrong_time": len(wrong_time),
        "bookings_failed": len(failed_bookings), "failed_but_written_in_full": len(failed_written) - len(half_written),
        "half_written": len(half_written), "bad_5xx": len(bad_5xx), "no_answer": len(no_answer),
        "slowest_seconds": round(slowest[0], 1),
    }
    for line in bad_5xx[:20] + no_answer[:20] + [f"lost {a}" for a in lost[:20]] + [f"half-written {s}" for s in half_written[:20]]:
        print(line)
    print("DRILL_RESULT " + json.dumps(result))
    ok = not lost and not wrong_time and not half_written and not bad_5xx and not no_answer and recovered_after is not None
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
