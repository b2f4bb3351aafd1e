#!/usr/bin/env python3
"""Helpers for bench/run.sh (standard library only).

  report.py sql CAPTURE_LOG OUT_DIR       the SQL the app ran for one request of each scenario -> pgbench scripts
  report.py explain OUT_DIR VARS_JSON     EXPLAIN (ANALYZE, BUFFERS) scripts with literal values (early/late window)
  report.py pct LOG_PREFIX                p50/p95/p99 (ms) of a pgbench --log run, as one JSON line
  report.py plan EXPLAIN_OUTPUT           one-line summary of a plan: scan nodes, buffers, execution time
  report.py write RESULTS_JSONL META_JSON RESULTS_MD
"""
import glob
import json
import os
import re
import sys

# Request paths the capture run calls (twice each; the second request's SQL is used: the first one warms
# EF's query cache and may refresh api_tokens.last_used_at, which happens at most once a minute).
SCENARIO_PATHS = {
    "conflict": "/api/v1/appointments/conflicts",
    "week": "/api/v1/appointments",
    "calendar": "/calendar",
}

# pgbench variables: a random one-hour window on a weekday (conflict) or a random Monday-to-Monday week.
# base = a Monday 00:00 UTC (Unix seconds), 25 weeks before this week; 50 weeks x 5 weekdays are in range.
VARIABLES = {
    "conflict": [
        r"\set d random(0, 249)",
        r"\set h random(9, 16)",
        r"\set s :base + ((:d / 5) * 7 + :d % 5) * 86400 + :h * 3600",
        r"\set e :s + 3600",
    ],
    "week": [
        r"\set w random(0, 49)",
        r"\set f :base + :w * 604800",
        r"\set t :f + 604800",
        # The range helpers name their bounds start/end whatever the caller called them.
        r"\set s :f",
        r"\set e :t",
    ],
}
VARIABLES["calendar"] = VARIABLES["week"]

# EF parameter name -> pgbench expression. Time parameters become to_timestamp(<unix seconds>), which the
# planner folds to a constant exactly like a bound timestamptz parameter.
PARAMS = {
    "ef_filter__WallWorkspaceId": ":ws",
    "start": "to_timestamp(:s)",
    "end": "to_timestamp(:e)",
    "earliestStart": "to_timestamp(:s - 86400)",
    "from": "to_timestamp(:f)",
    "to": "to_timestamp(:t)",
    "hash": ":hash",
    "userId": ":user",
    "stamp": ":stamp",
    "sessionId": ":session",
    "mayNote": "true",
    # The calendar page's note marks: the week's appointments.
    "appointmentIds": "ARRAY(SELECT id FROM appointments WHERE workspace_id = :ws AND scheduled_start >= to_timestamp(:f) AND scheduled_start < to_timestamp(:t))",
    # The clients whose initials a conflict warning shows: those booked in the checked window.
    "clientIds": "ARRAY(SELECT client_id FROM appointments WHERE workspace_id = :ws AND scheduled_start >= to_timestamp(:s) - interval '1 day' AND scheduled_start < to_timestamp(:e))",
}

# A list read is one audit event (the read audit of every list of health data): the INSERT's columns in order.
# A read's audit event (AuditLog.AppendAsync): id, workspace, user, action, resource type and id, metadata, time, IP, browser.
AUDIT_PARAMS = {
    "p0": "gen_random_uuid()", "p1": ":ws", "p2": ":user", "p3": "'read'", "p4": "'Appointment'", "p5": "NULL",
    "p6": "'{\"via\": \"calendar\"}'", "p7": "now()", "p8": "'127.0.0.1'", "p9": "'wrk'",
}

# The same statements as sent by builds from before client encryption (bench/run.sh BENCH_SOURCE=<revision>): the event
# saved through EF Core (columns in alphabetical order), and the conflict check without the clients' names.
OLD_AUDIT_PARAMS = {
    "p0": "gen_random_uuid()", "p1": "'read'", "p2": "NULL", "p3": "'127.0.0.1'", "p4": "'{\"via\": \"calendar\"}'",
    "p5": "now()", "p6": "NULL", "p7": "'Appointment'", "p8": "'wrk'", "p9": ":user", "p10": ":ws",
}
OLD_CONFLICT_PARAMS = {
    "p0": "ARRAY[to_timestamp(:s)]", "p1": "ARRAY[to_timestamp(:e)]", "p2": "true", "p3": ":ws", "p4": "interval '1 day'",
    "p5": "'{}'::uuid[]", "p6": "true", "p7": ":ws", "p8": "interval '60 days'", "p9": "'{}'::uuid[]",
}

CONFLICT_PARAMS = {
    "p0": "ARRAY[to_timestamp(:s)]", "p1": "ARRAY[to_timestamp(:e)]", "p2": ":ws", "p3": "true", "p4": ":ws", "p5": "interval '1 day'",
    "p6": "'{}'::uuid[]", "p7": "true", "p8": ":ws", "p9": "interval '60 days'", "p10": "'{}'::uuid[]",
}


def is_auth(sql):
    """Statements every authenticated request runs before the endpoint's own (token or session check)."""
    return "FROM api_tokens" in sql or ("FROM users" in sql and "security_stamp" in sql)


def to_pgbench(sql):
    sql = re.sub(r"LIMIT @\w+", "LIMIT :limit", sql)
    sql = re.sub(r"OFFSET @\w+", "OFFSET :offset", sql)

    # The conflict check is raw SQL (ConflictChecker.FindEachAsync): its interpolated values arrive as @p0…@p10, in order:
    # the ranges' starts and ends (one range here), the workspace (clients' names), "appointments?", the workspace, 24 h,
    # excluded ids, "time off?", the workspace, 60 days, excluded ids.
    if "unnest(@p0::timestamptz[]" in sql:
        positional = CONFLICT_PARAMS if "JOIN clients" in sql else OLD_CONFLICT_PARAMS
    elif "INSERT INTO audit_events" in sql:
        positional = AUDIT_PARAMS if "INSERT INTO audit_events (id, workspace_id" in sql else OLD_AUDIT_PARAMS
    else:
        positional = {}

    def param(match):
        # Variables captured by a C# closure reach EF as e.g. "_8__locals1_from": keep the variable's own name.
        name = re.sub(r"^_\d+__locals\d+_", "", match.group(1))
        if name in positional:
            return positional[name]
        if name not in PARAMS and re.sub(r"\d+$", "", name) in PARAMS:
            name = re.sub(r"\d+$", "", name)  # EF Core numbers a name used twice in one statement: userId, userId0, …
        if name not in PARAMS:
            raise SystemExit(f"report.py: unknown parameter @{name} in the captured SQL; map it in PARAMS (bench/report.py)")
        return PARAMS[name]

    sql = re.sub(r"@(\w+)", param, sql).strip()
    return sql if sql.endswith(";") else sql + ";"


def add_bound(sql):
    """The proposed change: a lower bound on scheduled_start next to every "ends after the window starts" test.
    Appointments last at most 24 hours (CHECK ck_appointments_max_length), so an appointment that overlaps a
    window starting at T started after T - 24 h: the same rows, but a closed range on the
    (workspace_id, scheduled_start, scheduled_end) index instead of everything before the window's end."""
    if "a.scheduled_start <" not in sql:
        return sql
    return re.sub(r"(a\.scheduled_end > (to_timestamp\(:\w+\)))", r"\1 AND a.scheduled_start > \2 - interval '1 day'", sql)


def capture(log_path, out_dir):
    requests = {}  # request id -> (path, [statements])
    order = []
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("Category") != "Microsoft.EntityFrameworkCore.Database.Command" or entry.get("EventId") != 20101:
                continue
            scope = next((s for s in entry.get("Scopes", []) if "RequestId" in s), None)
            if scope is None:
                continue
            rid = scope["RequestId"]
            if rid not in requests:
                requests[rid] = (scope.get("RequestPath"), [])
                order.append(rid)
            requests[rid][1].append(entry["State"]["commandText"])

    os.makedirs(out_dir, exist_ok=True)
    summary = {}
    for name, path in SCENARIO_PATHS.items():
        matching = [rid for rid in order if requests[rid][0] == path]
        if not matching:
            raise SystemExit(f"report.py: no SQL captured for {path} (is EF command logging on?)")
        statements = [s for s in requests[matching[-1]][1] if not s.lstrip().upper().startswith("UPDATE")]
        endpoint = [s for s in statements if not is_auth(s)]
        with open(os.path.join(out_dir, f"captured-{name}.sql"), "w", encoding="utf-8") as f:
            for i, s in enumerate(statements, 1):
                f.write(f"-- statement {i} of {len(statements)}{' (authentication)' if is_auth(s) else ''}\n{s.strip()}\n\n")
        scripts = {"all": [to_pgbench(s) for s in statements], "endpoint": [to_pgbench(s) for s in endpoint]}
        proposed = [add_bound(s) for s in scripts["all"]]
        if proposed != scripts["all"]:
            scripts["proposed"] = proposed
        for kind, chosen in scripts.items():
            with open(os.path.join(out_dir, f"pgbench-{name}-{kind}.sql"), "w", encoding="utf-8") as f:
                f.write("\n".join(VARIABLES[name]) + "\n")
                for s in chosen:
                    f.write(s + "\n")
        summary[name] = {"statements": len(statements), "endpoint_statements": len(endpoint),
                         "proposed": "proposed" in scripts}
    print(json.dumps(summary))


def explain(out_dir, vars_json):
    """EXPLAIN scripts for the endpoint statements that read appointments, as the app sends them ("app") and with
    the proposed lower bound ("bound"), for the first week of the range, this week and the last week
    (the conflict window: Wednesday 10:00-11:00 UTC of that week)."""
    v = json.loads(vars_json)
    base = int(v["base"])
    weeks = {"first week": 0, "this week": 25, "last week": 49}
    for name in SCENARIO_PATHS:
        with open(os.path.join(out_dir, f"pgbench-{name}-endpoint.sql"), encoding="utf-8") as f:
            text = "\n".join(l for l in f.read().splitlines() if not l.startswith("\\"))  # drop the \\set lines
        statements = [s.strip() for s in text.split(";") if "FROM appointments" in s]
        for label, week in weeks.items():
            monday = base + week * 604800
            values = {"s": monday + 2 * 86400 + 10 * 3600, "e": monday + 2 * 86400 + 11 * 3600,
                      "f": monday, "t": monday + 604800, "ws": f"'{v['ws']}'::uuid", "limit": "100", "offset": "0"}
            for variant in ("app", "bound"):
                path = os.path.join(out_dir, f"explain-{name}-{week:02d}-{variant}.sql")
                with open(path, "w", encoding="utf-8") as f:
                    for i, s in enumerate(statements, 1):
                        sql = add_bound(s) if variant == "bound" else s
                        literal = re.sub(r"(?<!:):(\w+)", lambda m: str(values[m.group(1)]), sql)
                        first = re.sub(r"\s+", " ", s.split("FROM")[0])[:40].strip()
                        f.write(f"\\echo --- {name}|{i}|{first}|{label}|{variant}\n")
                        f.write(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)\n{literal};\n")


def percentiles(prefix):
    values = []
    for path in glob.glob(prefix + ".*"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    values.append(int(parts[2]))
    if not values:
        raise SystemExit(f"report.py: no pgbench log lines under {prefix}.*")
    values.sort()

    def at(p):  # nearest rank
        k = max(0, min(len(values) - 1, int(-(-p * len(values) // 100)) - 1))
        return values[k] / 1000.0

    print(json.dumps({"transactions": len(values), "p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99),
                      "mean_ms": sum(values) / len(values) / 1000.0, "max_ms": values[-1] / 1000.0}))


def plan_summary(path):
    """'ix_a (Index Scan), pk_b (Index Scan); buffers hit=7; 0.17 ms' per statement, '|'-separated."""
    out = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for block in text.split("--- ")[1:]:
        nodes = []
        for m in re.finditer(r"(Index Only Scan Backward|Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|"
                             r"Bitmap Heap Scan|Seq Scan)(?: using (\S+))? on (\S+)(?: \w+)? \(actual[^)]* rows=(\d+) loops=(\d+)\)", block):
            kind, index, table, rows, loops = m.groups()
            target = f"{index} on {table}" if index else table
            nodes.append(f"{kind} {target} ({rows} rows{'' if loops == '1' else f' x {loops} loops'})")
        buffers = re.search(r"Buffers: ([^\n]+)", block)
        timing = re.search(r"Execution Time: ([\d.]+) ms", block)
        removed = sum(int(x) for x in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", block))
        # The statement's opening words may hold "|" (a "||" concatenation): split from both ends.
        scenario, number, rest = block.splitlines()[0].strip().split("|", 2)
        first, window, variant = rest.rsplit("|", 2)
        out.append({"scenario": scenario, "statement": int(number), "first": first, "window": window, "variant": variant,
                    "nodes": nodes,
                    "buffers": buffers.group(1).strip() if buffers else "", "removed": removed,
                    "ms": float(timing.group(1)) if timing else None})
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------------------
# RESULTS.md
# ---------------------------------------------------------------------------------------------------------

NOTES_BEGIN = "<!-- notes:begin (kept by run.sh between runs) -->"
NOTES_END = "<!-- notes:end -->"


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def write(results_path, meta_path, md_path):
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    rows = []
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))

    notes = ""
    if os.path.exists(md_path):
        with open(md_path, encoding="utf-8") as f:
            old = f.read()
        if NOTES_BEGIN in old and NOTES_END in old:
            notes = old.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0].strip("\n")
    if not notes:
        notes = "_No notes yet: add the interpretation of this run here; run.sh keeps this section._"
    # bench/feed.sh, digests.sh, live.sh, notes.sh, files.sh, fuzz.sh, audit.sh, series.sh, drill-postgres.sh and drill-worker.sh have their own sections at the end; keep them.
    kept = []
    for name in ("feed", "digests", "live", "session-notes", "files", "fuzz", "audit", "series", "drill-postgres", "drill-worker"):
        begin, end = f"<!-- {name}:begin", f"<!-- {name}:end -->"
        if os.path.exists(md_path) and begin in old and end in old:
            kept.append(begin + old.split(begin, 1)[1].split(end, 1)[0] + end)
    kept_sections = "\n\n".join(kept)

    http = [r for r in rows if r["kind"] == "http"]
    sql = [r for r in rows if r["kind"] == "pgbench"]
    plans = [r for r in rows if r["kind"] == "plan"]
    L = []
    w = L.append
    w("# PazPaz benchmark results")
    w("")
    w(f"Written by `bench/run.sh` on {meta['date']}; the numbers below are from that run. "
      "How to read them: [README.md](README.md#reading-resultsmd).")
    w("")
    w("## Machine and set-up")
    w("")
    w("| | |")
    w("|---|---|")
    for k, v in meta["machine"]:
        w(f"| {k} | {v} |")
    w("")
    w("## Data")
    w("")
    w(meta["data"])
    w("")

    def http_table(conns):
        subset = [r for r in http if r["connections"] == conns]
        if not subset:
            return
        w("| Scenario | Target p95 | p50 | p95 | p99 | Requests/s | App CPU per request | Result |")
        w("|---|---:|---:|---:|---:|---:|---:|---|")
        for r in subset:
            target = r.get("target_ms")
            verdict = "–" if target is None else ("**pass**" if r["p95_ms"] <= target else "**FAIL**")
            if r.get("non_2xx_3xx", 0) or r.get("socket_errors", 0) or r.get("timeouts", 0):
                verdict += f" (errors: {r.get('non_2xx_3xx', 0)} non-2xx, {r.get('socket_errors', 0)} socket, {r.get('timeouts', 0)} timeouts)"
            w(f"| {r['label']} | {'–' if target is None else f'{target} ms'} | {fmt(r['p50_ms'])} ms | {fmt(r['p95_ms'])} ms | "
              f"{fmt(r['p99_ms'])} ms | {r['rps']:.0f} | {fmt(r.get('app_cpu_ms'))} ms | {verdict} |")
        w("")
        extra = [r for r in subset if r.get("machine_busy") is not None]
        if extra:
            w("CPU while measuring (whole machine, 2 cores = 200 %): " + "; ".join(
                f"{r['label']}: {r['machine_busy']:.0f} % busy, PostgreSQL {fmt(r.get('pg_cpu_ms'))} ms CPU per request"
                for r in extra) + ".")
            w("")

    loaded = meta["connections"]
    w(f"## HTTP latency (wrk, {meta['wrk_threads']} threads, {loaded} connections, {meta['duration']} s after a {meta['warmup']} s warm-up)")
    w("")
    w("Pass/fail compares this table's p95 with the target. Each request uses workspace #1's API token or "
      "session cookie unless the scenario says otherwise.")
    w("")
    http_table(loaded)
    if any(r["connections"] == 1 for r in http):
        w(f"### One connection (wrk -t1 -c1, {meta['duration_single']} s): latency without queueing")
        w("")
        http_table(1)

    w("## SQL floor (pgbench, the same SQL the app sent)")
    w("")
    w("The statements were captured from the app's own EF Core log for one request of each kind "
      "(below), parameters replaced by pgbench variables drawn from the same windows as the HTTP runs. "
      "\"Endpoint SQL\" is what the endpoint itself runs; \"all SQL\" adds the authentication query every "
      "request runs first (API token look-up, or the session re-check). `-M extended` (parse, plan and execute "
      "every time, as Npgsql does by default) unless the row says prepared; \"proposed\" rows add the lower bound "
      "on `scheduled_start` described in the notes.")
    w("")
    w("| SQL | Statements | Connections | p50 | p95 | p99 | Transactions/s |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for r in sql:
        w(f"| {r['label']} | {r['statements']} | {r['connections']} | {fmt(r['p50_ms'])} ms | {fmt(r['p95_ms'])} ms | "
          f"{fmt(r['p99_ms'])} ms | {r['tps']:.0f} |")
    w("")
    per = [r for r in sql if r.get("per_statement")]
    if per:
        w("Average latency per statement (pgbench `--report-per-command`, the one-connection runs):")
        w("")
        for r in per:
            if r["connections"] != 1:
                continue
            w(f"- {r['label']}: " + ", ".join(f"{ms} ms `{s}`" for ms, s in r["per_statement"]))
        w("")

    if plans:
        w("## Query plans (EXPLAIN ANALYZE, workspace #1)")
        w("")
        w("The endpoint statements that read appointments, for a window in the first week of the range, this week and "
          "the last week; \"as sent\" is the app's SQL, \"with lower bound\" adds "
          "`AND a.scheduled_start > <window start> - interval '1 day'` (see the notes). Buffers = 8 kB pages read.")
        w("")
        w("| Statement | Window | As sent: scans | Buffers | Time | With lower bound: scans | Buffers | Time |")
        w("|---|---|---|---:|---:|---|---:|---:|")
        keyed = {(p["scenario"], p["statement"], p["window"], p["variant"]): p for p in plans}
        for p in plans:
            if p["variant"] != "app":
                continue
            b = keyed.get((p["scenario"], p["statement"], p["window"], "bound"), {})
            buf = lambda x: re.sub(r"shared hit=(\d+)(?: read=(\d+))?.*", lambda m: str(int(m.group(1)) + int(m.group(2) or 0)), x.get("buffers", "")) or "–"
            w(f"| {p['scenario']} #{p['statement']} `{p['first']}…` | {p['window']} | {'<br>'.join(p['nodes'])} | {buf(p)} | "
              f"{fmt(p['ms'])} ms | {'<br>'.join(b.get('nodes', []))} | {buf(b)} | {fmt(b.get('ms'))} ms |")
        w("")

    w("## Interpretation")
    w("")
    w("Computed by run.sh from the tables above:")
    w("")
    for r in [r for r in http if r["connections"] == loaded and r.get("scenario")]:
        floor = next((s for s in sql if s["scenario"] == r["scenario"] and s["sqlkind"] == "all"
                      and s["connections"] == loaded), None)
        single = next((s for s in sql if s["scenario"] == r["scenario"] and s["sqlkind"] == "all"
                       and s["connections"] == 1), None)
        http1 = next((h for h in http if h.get("scenario") == r["scenario"] and h["connections"] == 1
                      and h.get("spread") == r.get("spread")), None)
        if r.get("spread") or r.get("variant"):
            continue
        parts = [f"**{r['label']}**: p95 {fmt(r['p95_ms'])} ms against a target of {r['target_ms']} ms "
                 f"({'met' if r['p95_ms'] <= r['target_ms'] else 'missed'})"]
        if floor:
            parts.append(f"its SQL alone (pgbench, same concurrency) takes p50 {fmt(floor['p50_ms'])} / p95 {fmt(floor['p95_ms'])} ms, "
                         f"so about {fmt(max(0.0, r['p50_ms'] - floor['p50_ms']))} ms of the HTTP p50 is outside PostgreSQL's execution "
                         f"(Kestrel, authentication, EF Core, JSON or Razor, loopback, and waiting for one of the 2 cores)")
        proposed = next((s for s in sql if s["scenario"] == r["scenario"] and s["sqlkind"] == "proposed"
                         and s["connections"] == loaded), None)
        if floor and proposed:
            parts.append(f"with the proposed lower bound its SQL takes p50 {fmt(proposed['p50_ms'])} / p95 {fmt(proposed['p95_ms'])} ms")
        both = next((s for s in sql if s["scenario"] == r["scenario"] and s["sqlkind"] == "proposed-prepared"
                     and s["connections"] == loaded), None)
        if floor and both:
            parts.append(f"with the lower bound and prepared statements p50 {fmt(both['p50_ms'])} / p95 {fmt(both['p95_ms'])} ms")
        if http1 and single:
            parts.append(f"on one connection: HTTP p50 {fmt(http1['p50_ms'])} ms vs SQL p50 {fmt(single['p50_ms'])} ms")
        if r.get("app_cpu_ms") is not None:
            parts.append(f"the app spends {fmt(r['app_cpu_ms'])} ms of CPU per request, PostgreSQL {fmt(r.get('pg_cpu_ms'))} ms")
        w("- " + "; ".join(parts) + ".")
    for r in [r for r in http if r.get("variant") == "autoprepare" and r["connections"] == loaded]:
        base = next((h for h in http if h.get("scenario") == r["scenario"] and not h.get("variant")
                     and h["connections"] == loaded), None)
        if base:
            w(f"- **{r['label']}**: p50 {fmt(r['p50_ms'])} / p95 {fmt(r['p95_ms'])} ms and {r['rps']:.0f} requests/s, against "
              f"p50 {fmt(base['p50_ms'])} / p95 {fmt(base['p95_ms'])} ms and {base['rps']:.0f} requests/s without it "
              f"(app CPU {fmt(r.get('app_cpu_ms'))} vs {fmt(base.get('app_cpu_ms'))} ms, PostgreSQL CPU "
              f"{fmt(r.get('pg_cpu_ms'))} vs {fmt(base.get('pg_cpu_ms'))} ms per request).")
    for line in meta.get("derived", []):
        w(f"- {line}")
    w("")
    w(NOTES_BEGIN)
    w(notes)
    w(NOTES_END)
    w("")
    w("## The SQL that was measured")
    w("")
    for name, text in meta.get("captured", {}).items():
        w(f"<details><summary>{name}</summary>")
        w("")
        w("```sql")
        w(text.strip())
        w("```")
        w("")
        w("</details>")
        w("")
    if kept_sections:
        w("")
        w(kept_sections)
        w("")
    with open(md_path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "sql":
        capture(*args)
    elif command == "explain":
        explain(*args)
    elif command == "pct":
        percentiles(*args)
    elif command == "plan":
        plan_summary(*args)
    elif command == "write":
        write(*args)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
