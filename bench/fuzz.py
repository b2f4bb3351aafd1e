#!/usr/bin/env python3
"""bench/fuzz.py BASE_URL API_TOKEN SIGN_IN_LINK TOTAL [LOAD LOAD_TOKEN LOAD_SIGN_IN_LINK]: malformed requests over every
write endpoint of /api/v1 (from /openapi/v1.json) and every <form method=post> of the signed-in pages (crawled), while LOAD
threads (default 0) of another practice book, move and read as a busy practice does, so malformed input meets a loaded app
(full pools, waits on locks). Prints counts by status, every 5xx and every failed load request, and a JSON summary line;
exits 1 on any 5xx or failed load request. Standard library only."""
import http.cookiejar, json, random, re, sys, threading, urllib.error, urllib.parse, urllib.request
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

BASE, TOKEN, LINK, TOTAL = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], int(sys.argv[4])
LOAD = int(sys.argv[5]) if len(sys.argv) > 5 else 0
LOAD_TOKEN, LOAD_LINK = (sys.argv[6], sys.argv[7]) if LOAD else (None, None)
random.seed(13)
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
fuzzer, cookieless = Browser(), urllib.request.build_opener(NoRedirect)

def send(method, path, body=None, headers=None, cookies=True, browser=fuzzer):
    # Production marks the cookies Secure; over http://127.0.0.1 send them anyway, as bench/run.sh does.
    for c in browser.jar: c.secure = False
    req = urllib.request.Request(BASE + path if path.startswith("/") else path, data=body, method=method, headers=headers or {})
    try:
        with (browser.opener if cookies else cookieless).open(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # a dropped connection counts as a failure too
        return 599, str(e).encode()

class Forms(HTMLParser):
    def __init__(self):
        super().__init__(); self.forms, self.links, self.form, self.select = [], set(), None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"): self.links.add(a["href"].split("#")[0])
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = {"action": a.get("action") or "", "fields": []}
        elif self.form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            if tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" not in a: return
            self.form["fields"].append([a["name"], a.get("value") or ""])
    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None: self.forms.append(self.form); self.form = None

def sign_in(link, browser):
    """Through the e-mailed link, as a browser does."""
    status, html = send("GET", link, browser=browser)
    p = Forms(); p.feed(html.decode())
    status, _ = send("POST", "/sign-in/link", urllib.parse.urlencode([tuple(f) for f in p.forms[0]["fields"]]).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded"}, browser=browser)
    assert status == 302, f"sign-in answered {status}"
sign_in(LINK, fuzzer)

api_headers = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
# A few real things to aim at.
def create(path, body):
    s, b = send("POST", path, json.dumps(body).encode(), api_headers, cookies=False)
    return json.loads(b)["id"] if s == 201 else None
client_id = create("/api/v1/clients", {"first_name": "Fuzz", "last_name": "Target"})
service_id = create("/api/v1/services", {"name": "Fuzz service", "default_duration_minutes": 60})
location_id = create("/api/v1/locations", {"name": "Fuzz room", "location_type": "clinic"})
appt_id = create("/api/v1/appointments", {"client_id": client_id, "scheduled_start": "2026-12-10T09:00:00Z", "scheduled_end": "2026-12-10T10:00:00Z"})
note_id = create("/api/v1/session-notes", {"client_id": client_id, "subjective": "x"})
ids = [i for i in (client_id, appt_id, note_id, service_id, location_id) if i]

# Crawl the signed-in pages for forms.
seen, queue, forms = set(), ["/calendar", "/clients", "/clients/new", "/settings", f"/clients/{client_id}",
                              f"/clients/{client_id}/edit", f"/appointments/{appt_id}", f"/notes/{note_id}"], []
while queue and len(seen) < 60:
    path = queue.pop(0)
    if path in seen or "sign-out" in path or path.startswith(("/api", "/lib", "/css", "/js", "/files", "/calendar/")): continue
    seen.add(path)
    s, body = send("GET", path)
    if s != 200: continue
    p = Forms(); p.feed(body.decode(errors="replace"))
    for f in p.forms:
        action = f["action"] or path
        if "sign-out" in action or "sign-in" in action: continue
        forms.append((action, f["fields"]))
    queue += [l for l in p.links if l not in seen]
forms.append(("/sign-in", [["Email", "x@example.com"]]))  # anonymous too (the token is refused, the NUL must be first)
unique = {}
for action, fields in forms: unique.setdefault((action, tuple(n for n, _ in fields)), (action, fields))
# Forms that can end the fuzz's own session or revoke its token get only the last 2 % of the requests: earlier, they
# would turn the rest of the run into redirects to the sign-in page and 401s that test nothing.
ends_access = lambda action: "/settings/sessions" in action or "/settings/api-tokens" in action
forms = [f for f in unique.values() if not ends_access(f[0])]
last_forms = [f for f in unique.values() if ends_access(f[0])]

spec = json.loads(send("GET", "/openapi/v1.json", headers={"Authorization": "Bearer " + TOKEN}, cookies=False)[1])
endpoints = []
for path, ops in spec["paths"].items():
    for method in ops:
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"): endpoints.append((method.upper(), path, ops[method]))
fields_of = {}
for method, path, op in endpoints:
    schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}))
    ref = schema.get("$ref", "").split("/")[-1]
    props = spec.get("components", {}).get("schemas", {}).get(ref, schema).get("properties", {})
    fields_of[(method, path)] = list(props) or ["name", "first_name", "last_name", "notes", "client_id", "scheduled_start"]

NASTY = ["\x00", "a\x00b", "\u202e\u202dRTL", "😀" * 50, "x" * 100_000, "", " ", "null", "-1", "1e400", "99999999999999999999",
         "2026-02-30", "9999-12-31T23:59:59Z", "not-a-uuid", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\ufeff", "\uffff"]
RAW = ['"\\ud800"', '"\\udfff x"', '"a\\u0000b"', "-1", "1e400", "99999999999999999999999", "true", "[]", "{}", "null", '"x"',
       "[1,2,3]", '["\\ud800"]', "-2147483649", "4294967296", "0.5"]

def json_bodies(fields):
    f = random.choice(fields) if fields else "name"
    other = random.choice(fields) if fields else "x"
    kind = random.randrange(10)
    if kind == 0: return '{"%s":%s}' % (f, random.choice(RAW))
    if kind == 1: return '{"%s":"a","%s":"b"}' % (f, f)                      # duplicate key
    if kind == 2: return random.choice(['{', '{"a":', '[', '"x"', 'nul', '{"a":1,}', '\x00', "{'a':1}", '{"a":"\\x"}'])
    if kind == 3: return json.dumps({k: random.choice(NASTY) for k in fields})
    if kind == 4: return '{"%s":%s,"%s":%s}' % (f, random.choice(RAW), other, random.choice(RAW))
    if kind == 5: return "[" * 5000 + "]" * 5000
    if kind == 6: return json.dumps({f: random.choice(NASTY), "unknown_field": 1})
    if kind == 7: return '{"%s":"%s"}' % (f, "\\u0000" * random.randint(1, 3))
    if kind == 8: return json.dumps({k: random.choice([1, -1, 2**63, 1.5, True, [], {}, None]) for k in fields})
    return json.dumps({f: "y" * random.choice([256, 5001, 1_100_000])})

def real_path(path):
    return re.sub(r"\{[^}]+\}", lambda m: random.choice(ids + [str(random.choice(ids))[:-1] + "0", "00000000-0000-0000-0000-000000000000"]), path)

counts, failures, sent = {}, [], 0
def record(method, path, status, summary):
    global sent
    sent += 1; counts[status] = counts.get(status, 0) + 1
    if status >= 500: failures.append(f"{status} {method} {path} {summary[:160]!r}")

def csrf():
    s, body = send("GET", "/clients/new")
    m = re.search(r'name="__RequestVerificationToken"[^>]*value="([^"]+)"', body.decode(errors="replace"))
    return m.group(1) if m else ""
token = csrf()

# The load: another practice (its own token and session, which the fuzz cannot revoke); each thread books one-hour slots
# in weeks of its own, moves its own appointments, and reads the week through the API and the calendar page. Valid
# requests: any 4xx but a 409 slot clash, or any 5xx, is a failure.
load_counts, load_failures, load_lock, stop = {}, [], threading.Lock(), threading.Event()
if LOAD:
    load_browser = Browser()
    sign_in(LOAD_LINK, load_browser)
    load_headers = {"Authorization": "Bearer " + LOAD_TOKEN, "Content-Type": "application/json"}
    s, b = send("POST", "/api/v1/clients", json.dumps({"first_name": "Load", "last_name": "Client"}).encode(), load_headers, cookies=False)
    assert s == 201, f"the load's client: {s} {b[:200]!r}"
    load_client_id = json.loads(b)["id"]
def load(n):
    rnd, mine, slot = random.Random(n), [], 0
    first = datetime(2031, 1, 6, tzinfo=timezone.utc) + timedelta(weeks=52 * n)  # a year of its own: slots never clash
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    while not stop.is_set():
        op = rnd.random()
        start = first + timedelta(days=slot // 10, hours=8 + slot % 10)
        week = first + timedelta(weeks=(slot // 10) // 7)
        if op < 0.35 or not mine:
            slot += 1
            body = {"client_id": load_client_id, "scheduled_start": iso(start), "scheduled_end": iso(start + timedelta(minutes=50))}
            s, b = send("POST", "/api/v1/appointments", json.dumps(body).encode(), load_headers, cookies=False)
            what = f"book {iso(start)}"
            if s == 201: mine.append(json.loads(b)["id"])
        elif op < 0.55:
            slot += 1
            body = {"scheduled_start": iso(start), "scheduled_end": iso(start + timedelta(minutes=50))}
            what = f"move to {iso(start)}"
            s, b = send("PUT", f"/api/v1/appointments/{rnd.choice(mine)}", json.dumps(body).encode(), load_headers, cookies=False)
        elif op < 0.85:
            what = "read the week"
            s, b = send("GET", f"/api/v1/appointments?start_date={week:%Y-%m-%d}&end_date={week + timedelta(weeks=1):%Y-%m-%d}",
                        headers=load_headers, cookies=False)
        else:
            what = "calendar page"
            s, b = send("GET", f"/calendar?view=week&date={week:%Y-%m-%d}", browser=load_browser)
        with load_lock:
            load_counts[s] = load_counts.get(s, 0) + 1
            if s >= 400: load_failures.append(f"{s} {what} {b[:160]!r}")
threads = [threading.Thread(target=load, args=(n,), daemon=True) for n in range(LOAD)]
for t in threads: t.start()

api_share = TOTAL * 6 // 10
while sent < TOTAL:
    if sent < api_share:
        method, path, _ = random.choice(endpoints)
        url = real_path(path)
        if random.random() < 0.2: url += "?q=%00&page=" + random.choice(["-1", "99999999999", "x", "%00"])
        body = json_bodies(fields_of[(method, path)])
        ctype = random.choice(["application/json"] * 6 + ["text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"])
        headers = {"Authorization": "Bearer " + TOKEN}
        if ctype: headers["Content-Type"] = ctype
        data = body.encode("utf-8", "surrogatepass")
        s, _ = send(method, url, data, headers, cookies=False)
        record(method, url, s, f"{ctype} {body[:120]}")
    else:
        action, fields = random.choice(last_forms if last_forms and sent >= TOTAL - TOTAL // 50 else forms)
        values = [[n, v] for n, v in fields]
        for pair in values:
            if pair[0] == "__RequestVerificationToken": pair[1] = token
        kind = random.randrange(6)
        editable = [p for p in values if p[0] != "__RequestVerificationToken"] or values
        target = random.choice(editable)
        if kind == 0: target[1] = random.choice(NASTY)
        elif kind == 1: values = [p for p in values if p is not target]                 # missing field
        elif kind == 2: values.append([target[0], random.choice(NASTY)])               # repeated field
        elif kind == 3:
            for p in editable: p[1] = random.choice(NASTY)
        elif kind == 4: values.append([random.choice(["\x00", "Input.\x00", "x" * 3000, "Input.Unknown"]), "1"])
        else: target[1] = random.choice(["-1", "2147483648", "1e9", "abc", "2026-13-45", "25:99", "\udfff".encode("utf-8", "surrogatepass").decode("latin1")])
        body = urllib.parse.urlencode([tuple(v) for v in values], encoding="utf-8", errors="surrogatepass").encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if random.random() < 0.3: headers["HX-Request"] = "true"
        url = action + (("&" if "?" in action else "?") + "q=%00" if random.random() < 0.1 else "")
        s, _ = send("POST", url, body, headers)
        record("POST", url, s, body.decode(errors="replace")[:120])
        if s in (400,) and random.random() < 0.02: token = csrf()

stop.set()
for t in threads: t.join()

print(f"endpoints: {len(endpoints)} API writes, {len(forms) + len(last_forms)} page forms ({len(seen)} pages crawled)")
for status in sorted(counts): print(f"  {status}: {counts[status]}")
for f in failures[:200]: print("5xx:", f)
if LOAD:
    print(f"load ({LOAD} threads): " + ", ".join(f"{k}: {v}" for k, v in sorted(load_counts.items())))
    for f in load_failures[:50]: print("load failure:", f)
print("FUZZ_RESULT " + json.dumps({"requests": sent, "statuses": {str(k): v for k, v in sorted(counts.items())},
      "errors_5xx": len(failures), "api_endpoints": len(endpoints), "forms": len(forms) + len(last_forms), "pages": len(seen),
      "load_threads": LOAD, "load_statuses": {str(k): v for k, v in sorted(load_counts.items())}, "load_failures": len(load_failures)}))
sys.exit(1 if failures or load_failures else 0)
