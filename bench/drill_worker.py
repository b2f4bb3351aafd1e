#!/usr/bin/env python3
"""The worker killed mid-batch, twice (bench/drill-worker.sh): checks what the SMTP sink received against the delivery
rows and what each kill left (OUT/kills.txt, OUT/sending-N.txt, OUT/leased-N.txt, OUT/worker-N.log).

Usage: drill_worker.py OUT RECEIVED_FILE EMAILS SMTP_CONNECTIONS "PSQL COMMAND -d DB"
Prints a line "DRILL_RESULT {json}" and exits 1 when a recipient got a message twice, a sent row's message never
arrived, a row is still pending or failed, a leased row was not sent after its lease, a kill did not land mid-batch,
more rows are in doubt than one per connection per kill, or a worker logged an error.
"""
import json
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

OUT, RECEIVED, EMAILS, CONNECTIONS, PSQL = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]


def psql(sql):
    run = subprocess.run(shlex.split(PSQL) + ["-At", "-F", " ", "-c", sql], check=True, capture_output=True, text=True)
    return [line.split(" ") for line in run.stdout.splitlines() if line]


def lines(path):
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


received = Counter(r for line in RECEIVED.read_text().splitlines() for r in line.split())
rows = {id: (email, status, float(sent) if sent else None)
        for id, email, status, sent in psql("SELECT d.id, u.email, d.status, coalesce(extract(epoch FROM d.sent_at)::text, '') "
                                             "FROM notification_deliveries d JOIN users u ON u.id = d.user_id")}
statuses = Counter(status for _, status, _ in rows.values())
emails = {email for email, _, _ in rows.values()}
failures = []

kills, seen_sending, seen_leased, after_lease = [], set(), set(), []
for n, at, count in lines(OUT / "kills.txt"):
    # A later snapshot still holds what an earlier kill left: each kill is what is new in its own.
    sending = {l[0] for l in lines(OUT / f"sending-{n}.txt")} - seen_sending
    leased = {l[0]: float(l[1]) for l in lines(OUT / f"leased-{n}.txt") if l[0] not in seen_leased}
    seen_sending |= sending
    seen_leased |= leased.keys()
    doubt_received = sum(1 for id in sending if received[rows[id][0]] > 0)
    sent_after = [rows[id][2] - lease for id, lease in leased.items() if rows[id][1] == "sent" and rows[id][2] >= lease]
    after_lease += sent_after
    kills.append({"n": int(n), "received": int(count), "in_doubt": len(sending), "in_doubt_received": doubt_received,
                  "in_doubt_not_received": len(sending) - doubt_received, "leased": len(leased), "leased_sent_after_lease": len(sent_after)})
    if not leased:
        failures.append(f"kill {n} left no leased rows: it did not land mid-batch")
    if len(sent_after) != len(leased):
        failures.append(f"{len(leased) - len(sent_after)} rows leased by killed worker {n} were not sent after the lease ended")

sent = [id for id, (_, status, _) in rows.items() if status == "sent"]
in_doubt = [id for id, (_, status, _) in rows.items() if status == "sending"]
lost = sum(1 for id in sent if received[rows[id][0]] == 0)
duplicates = sum(1 for count in received.values() if count > 1)
strangers = sum(count for r, count in received.items() if r not in emails)
waiting = statuses["pending"] + statuses["failed"]
errors = 0
for log in sorted(OUT.glob("worker-*.log")):
    for line in log.read_text(errors="replace").splitlines():
        if '"LogLevel":"Error"' in line or '"LogLevel":"Critical"' in line or "Unhandled exception" in line:
            errors += 1
            print(f"{log.name}: {line[:300]}", file=sys.stderr)

if len(rows) != EMAILS: failures.append(f"{len(rows)} delivery rows, {EMAILS} expected")
if duplicates: failures.append(f"{duplicates} recipients received a message twice or more")
if lost: failures.append(f"{lost} rows marked sent whose message never arrived")
if strangers: failures.append(f"{strangers} messages to addresses no row names")
if waiting: failures.append(f"{waiting} rows still pending or failed")
if len(rows) != len(sent) + len(in_doubt): failures.append(f"rows by status: {dict(statuses)}")
if set(in_doubt) != seen_sending: failures.append("the rows in doubt at the end are not those the kills left")
if len(in_doubt) > CONNECTIONS * len(kills): failures.append(f"{len(in_doubt)} rows in doubt, at most {CONNECTIONS * len(kills)} expected")
if errors: failures.append(f"{errors} errors in the workers' logs")

result = {
    "emails": EMAILS, "kills": kills, "received": sum(received.values()), "recipients": len(received), "duplicates": duplicates,
    "sent": len(sent), "lost": lost, "in_doubt": len(in_doubt), "in_doubt_limit": CONNECTIONS * len(kills), "waiting": waiting,
    "statuses": dict(statuses), "after_lease_first": round(min(after_lease), 1) if after_lease else None,
    "after_lease_last": round(max(after_lease), 1) if after_lease else None, "errors": errors, "failures": failures, "ok": not failures,
}
print("DRILL_RESULT " + json.dumps(result))
for f in failures:
    print("FAILED: " + f, file=sys.stderr)
sys.exit(0 if result["ok"] else 1)
