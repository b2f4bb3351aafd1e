"""bench/notes_seed.py BASE_URL TOKEN CLIENT_ID COUNT DRAFT_CLIENT_ID DRAFTS: writes COUNT notes for one client through the
API (as the app writes them: encrypted with its key), a third finalized and every tenth of those amended twice, session
dates going back two days apart; then DRAFTS standalone drafts for the autosave runs. Prints the drafts' ids."""
import http.client, json, sys, datetime, urllib.parse

base, token, client_id, count, draft_client, drafts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

def call(method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
    return json.loads(data) if data else None

words = ("neck shoulder knee lumbar thoracic hip ankle tension stiffness mobility strength posture breathing sleep stress "
         "improving unchanged worse flexion extension rotation tender trigger point massage stretch ice heat exercise").split()
def text(i, field, n):
    return " ".join(words[(i * 7 + field * 3 + k) % len(words)] for k in range(n)).capitalize() + f". Note {i}."

today = datetime.date.today()
for i in range(count):
    note = call("POST", "/api/v1/session-notes", {
        "client_id": client_id, "session_date": (today - datetime.timedelta(days=2 * i)).isoformat(), "duration_minutes": 50,
        "subjective": text(i, 0, 60), "objective": text(i, 1, 50), "assessment": text(i, 2, 40), "plan": text(i, 3, 30)})
    if i % 3 == 0:
        call("POST", f"/api/v1/session-notes/{note['id']}/finalize")
        if i % 30 == 0:
            for k in range(2):
                call("PUT", f"/api/v1/session-notes/{note['id']}", {"assessment": text(i, 2, 40) + f" Amended {k + 1}."})
for _ in range(drafts):
    note = call("POST", "/api/v1/session-notes", {"client_id": draft_client, "subjective": "Draft"})
    print(note["id"])
