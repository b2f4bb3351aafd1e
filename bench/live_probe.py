"""bench/live_probe.py BASE_URL TOKEN COUNT: how long a booking made through the API takes to reach an open live stream.

One stream (GET /api/v1/appointments/stream, as an open calendar holds it) and one client that books COUNT appointments one
after another, each at a time of its own. For each: the time from sending the POST to the stream's
"event: appointments-changed" (what makes an open calendar redraw), and the POST's own round trip. Prints one JSON line.
"""
import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
url = urllib.parse.urlsplit(base)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def request(method, path, body=None):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data else None


events = queue.Queue()


def listen():
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=3600)
    connection.request("GET", "/api/v1/appointments/stream", headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"})
    response = connection.getresponse()
    if response.status != 200:
        raise SystemExit(f"stream: {response.status}")
    events.put(("open", time.monotonic()))
    while True:
        line = response.fp.readline()
        if not line:
            return
        if line.startswith(b"event: appointments-changed"):
            events.put(("changed", time.monotonic()))


threading.Thread(target=listen, daemon=True).start()
kind, _ = events.get(timeout=30)
assert kind == "open"
client = request("POST", "/api/v1/clients", {"first_name": "Live", "last_name": "Probe"})
time.sleep(0.5)
while not events.empty():
    events.get()

first = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(days=400)
latencies, round_trips, missed = [], [], 0
for i in range(count):
    start = first + timedelta(hours=2 * i)
    sent = time.monotonic()
    request("POST", "/api/v1/appointments", {
        "client_id": client["id"], "scheduled_start": start.isoformat(), "scheduled_end": (start + timedelta(hours=1)).isoformat(),
        "location_type": "clinic",
    })
    round_trips.append((time.monotonic() - sent) * 1000)
    try:
        while True:
            kind, at = events.get(timeout=10)
            if kind == "changed":
                latencies.append((at - sent) * 1000)
                break
    except queue.Empty:
        missed += 1
    time.sleep(0.05)
    while not events.empty():
        events.get()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


print(json.dumps({
    "changes": count, "missed": missed,
    "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "p99_ms": percentile(latencies, 99), "max_ms": max(latencies or [0]),
    "post_p50_ms": percentile(round_trips, 50), "post_p95_ms": percentile(round_trips, 95),
}))
