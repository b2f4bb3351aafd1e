"""Times POST /sign-in for known and unknown addresses in interleaved pairs; used by bench/sign-in-timing.sh.

Usage: sign_in_timing.py BASE_URL PAIRS SMTP_MODE. One keep-alive connection, the antiforgery cookie and token fetched
once; 20 warm-up pairs; which address goes first alternates. Prints medians, quartiles and a Mann-Whitney U test.
"""
import http.client
import math
import re
import statistics
import sys
import time
import urllib.parse

base, pairs, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
conn = http.client.HTTPConnection(host, port)

conn.request("GET", "/sign-in")
page = conn.getresponse()
body = page.read().decode()
cookies = "; ".join(c.split(";")[0] for k, c in page.getheaders() if k.lower() == "set-cookie")
token = re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', body).group(1)


def ask(email):
    form = urllib.parse.urlencode({"Input.Email": email, "__RequestVerificationToken": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
    started = time.perf_counter()
    conn.request("POST", "/sign-in", form, headers)
    response = conn.getresponse()
    text = response.read().decode()
    elapsed = (time.perf_counter() - started) * 1000
    main = text[text.index("<main"):text.index("</main>")].replace(email, "X")
    return elapsed, response.status, main


for i in range(20):
    ask(f"known{pairs + i}@bench.pazpaz.test")
    ask(f"warmup{i}@bench.pazpaz.test")

known, unknown, answers = [], [], set()
for i in range(pairs):
    order = [("k", f"known{i}@bench.pazpaz.test"), ("u", f"unknown{i}@bench.pazpaz.test")]
    if i % 2:
        order.reverse()
    for kind, email in order:
        elapsed, status, main = ask(email)
        answers.add((status, main))
        (known if kind == "k" else unknown).append(elapsed)


def describe(samples):
    q = statistics.quantiles(samples, n=4)
    return f"median {statistics.median(samples):.2f} ms, IQR {q[2] - q[0]:.2f}, p10 {statistics.quantiles(samples, n=10)[0]:.2f}, " \
           f"p90 {statistics.quantiles(samples, n=10)[-1]:.2f}, mean {statistics.fmean(samples):.2f}"


def mann_whitney_p(a, b):
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks, i = [0.0] * len(ranked), 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    r1 = sum(r for r, (_, g) in zip(ranks, ranked) if g == 0)
    n1, n2 = len(a), len(b)
    u = r1 - n1 * (n1 + 1) / 2
    z = (u - n1 * n2 / 2) / math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return math.erfc(abs(z) / math.sqrt(2))


print(f"SMTP {mode}, {pairs} interleaved pairs over one keep-alive connection")
print(f"  known:   {describe(known)}")
print(f"  unknown: {describe(unknown)}")
print(f"  median difference (known - unknown): {statistics.median(known) - statistics.median(unknown):+.2f} ms; "
      f"Mann-Whitney U two-sided p = {mann_whitney_p(known, unknown):.3f}")
print(f"  distinct (status, page) answers: {len(answers)} (statuses {sorted({s for s, _ in answers})})")
